package io.vcanokey.core.apdu;

import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The card operating system: decodes command APDUs (ISO/IEC 7816-4:2005, 5.1), selects applets by
 * AID (7.1.1, SELECT by DF name) and hands every other command to the selected applet. It is what
 * CCID XfrBlock, the vpcd transport and the in-process API all talk to.
 *
 * <p>Selection follows the reference key (canokey-core inventory, 1.8): a SELECT with CLA 00, P1 04
 * and "first or only occurrence" in P2 picks the applet whose AID is a prefix of the data field
 * (the longest such AID if several match). An unknown AID answers 6A82 and the current applet stays
 * selected; so does an applet that refuses the selection. When the selected applet changes, the old
 * one is told to {@link Applet#deselect() deselect}.
 *
 * <p>With no applet selected, any command other than SELECT answers {@link
 * StatusWords#SW_INS_NOT_SUPPORTED 6D00}: no application is there to support the instruction
 * (ISO/IEC 7816-4:2005, 5.1.3, table 6, "instruction code not supported or invalid"). 6985
 * "conditions of use not satisfied" would suggest the command exists but is refused now, which is
 * not the case.
 *
 * <p>A command runs in stages, each a method: decode and class check, GET RESPONSE, command
 * chaining, selection or applet, and paging of the response into chunks of at most Ne bytes with
 * 61XX. Applets therefore see only whole, validated commands and return whole responses. {@link
 * StatusException} is caught in one place, {@link #transmit(byte[])}; any other exception is our
 * bug and answers 6F00 after an ERROR log.
 *
 * <p>Not thread-safe: call it on the key thread only.
 */
public final class CardOs {

  private static final Logger log = LoggerFactory.getLogger(CardOs.class);

  /**
   * ISO/IEC 7816-4:2005, 5.1.1, table 2: bit b5 of an interindustry CLA asks for command chaining.
   */
  static final int CLA_COMMAND_CHAINING = 0x10;

  /** ISO/IEC 7816-4:2005, 5.1.1: CLA FF is invalid (reserved for PPS); it has no chaining bit. */
  static final int CLA_INVALID = 0xFF;

  static final int CLA_ISO = 0x00;
  static final int INS_SELECT = 0xA4;

  /** ISO/IEC 7816-4:2005, 7.1.1, P1: select by DF name. */
  static final int P1_SELECT_BY_DF_NAME = 0x04;

  /** ISO/IEC 7816-4:2005, 7.1.1, P2: P2 bits b2-b1 = 00 for "first or only occurrence". */
  static final int P2_OCCURRENCE_MASK = 0x03;

  // Commands whose data field is a PIN or PUK in every applet: blanked in traces (STYLE.md).
  static final int INS_VERIFY = 0x20;
  static final int INS_CHANGE_REFERENCE_DATA = 0x24;
  static final int INS_RESET_RETRY_COUNTER = 0x2C;

  /**
   * The answer to reset of the reference key (canokey-core inventory, 1.6), coded per ISO/IEC
   * 7816-3:2006, section 8.2.
   */
  private static final byte[] ATR = {
    0x3B, // TS: direct convention
    (byte) 0xF7, // T0: TA1, TB1, TC1, TD1 follow; 7 historical bytes
    0x11, // TA1: Fi 372, Di 1
    0x00, // TB1: no programming voltage (deprecated field)
    0x00, // TC1: no extra guard time
    (byte) 0x81, // TD1: TD2 follows; protocol T=1
    0x31, // TD2: TA3 and TB3 follow; protocol T=1
    (byte) 0xFE, // TA3: IFSC 254 bytes
    0x65, // TB3: BWI 6, CWI 5
    0x43,
    0x61,
    0x6E,
    0x6F,
    0x6B,
    0x65,
    0x79, // historical bytes: "Canokey"
    (byte) 0x99 // TCK: XOR of T0 to TCK is zero
  };

  private static final int MIN_AID_LENGTH = 5;
  private static final int MAX_AID_LENGTH = 16;

  /**
   * The card's APDU buffer: the largest command data field it takes, in one extended APDU or joined
   * from a chain. Larger than the reference's 1340 bytes so that certificates of 3 KB (PIV) fit.
   */
  public static final int BUFFER_SIZE = 4096;

  /**
   * The most response data sent in one response APDU, whatever Ne says: the reference's 1340-byte
   * buffer (inventory, 1.8), which is also what the CCID interface advertises in dwMaxIFSD. The
   * rest follows through GET RESPONSE.
   */
  public static final int MAX_RESPONSE_CHUNK = 1340;

  static final int INS_GET_RESPONSE = 0xC0;

  private final List<Applet> applets;
  private Applet selected;

  /** The command chain being received, or null. */
  private Chain chain;

  /** The rest of a long response, waiting for GET RESPONSE, or null. */
  private Pending pending;

  /** Whether the command now traced, or the chain it belongs to, carries a secret. */
  private boolean commandSecret;

  /** Whether the answer now traced carries a secret. */
  private boolean answerSecret;

  /**
   * A card OS hosting {@code applets}.
   *
   * @throws IllegalArgumentException if an AID is not 5 to 16 bytes long or two AIDs are equal
   */
  public CardOs(List<? extends Applet> applets) {
    List<Applet> copy = List.copyOf(applets);
    List<byte[]> seen = new ArrayList<>();
    for (Applet applet : copy) {
      byte[] aid = applet.aid();
      if (aid.length < MIN_AID_LENGTH || aid.length > MAX_AID_LENGTH) {
        throw new IllegalArgumentException(
            applet.name() + ": AID must be 5 to 16 bytes, got " + aid.length);
      }
      for (byte[] other : seen) {
        if (Arrays.equals(aid, other)) {
          throw new IllegalArgumentException("two applets share the AID " + Hex.encode(aid));
        }
      }
      seen.add(aid);
    }
    this.applets = copy;
  }

  /**
   * Processes one command APDU and returns the response APDU, data followed by SW1 SW2. Never
   * throws: malformed input answers 6700, a failing applet answers its status word, a bug 6F00.
   */
  public byte[] transmit(byte[] apdu) {
    CommandApdu command = null;
    ResponseApdu response;
    commandSecret = false;
    answerSecret = false;
    try {
      command = CommandApdu.decode(apdu);
      response = dispatch(command);
    } catch (StatusException e) {
      response = ResponseApdu.of(e.sw());
    } catch (RuntimeException e) {
      log.error(
          "bug while processing APDU {} in {}; answering 6F00", header(apdu), selectedName(), e);
      response = ResponseApdu.of(StatusWords.SW_UNKNOWN);
    }

    logExchange(apdu, command, response);
    return response.encode();
  }

  /** Power-on or warm reset of the card: every applet forgets its session; none is selected. */
  public void powerOn() {
    log.debug("card power on");
    resetSessions();
  }

  /** Power-off of the card: every applet forgets its session; none is selected. */
  public void powerOff() {
    log.debug("card power off");
    resetSessions();
  }

  /** The card's answer to reset (ISO/IEC 7816-3, 8.2), for power-on through any reader. */
  public byte[] atr() {
    return ATR.clone();
  }

  /** The applet now selected, if any. */
  public Optional<Applet> selected() {
    return Optional.ofNullable(selected);
  }

  private ResponseApdu dispatch(CommandApdu command) {
    checkClass(command.cla());
    if (command.nc() > BUFFER_SIZE) {
      discardChainAndPending();
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    if (isContinuation(command)) {
      return nextChunk(command);
    }
    pending = null; // any other command abandons the rest of a long response

    CommandApdu whole = joinChain(command);
    if (whole == null) {
      return ResponseApdu.success(); // a segment of a chain: ISO/IEC 7816-4:2005, 5.1.1.1
    }

    ResponseApdu response;
    if (isSelectByName(whole)) {
      response = select(whole);
    } else if (selected == null) {
      throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    } else {
      response = selected.process(whole);
      answerSecret = selected.answerCarriesSecret(whole);
    }
    // The response's size follows the command as the host sent it: a chain of short segments
    // without Le takes at most 256 bytes at a time, even though the joined command is longer than
    // a short APDU could carry.
    return firstChunk(command, response);
  }

  /**
   * ISO/IEC 7816-4:2005, 5.1.1: CLA FF is invalid and 001x xxxx is reserved (6E00). An
   * interindustry class may ask for secure messaging (b4-b3 in the first coding, b6 in the further
   * one: 6882) or a logical channel other than the basic one (6881); the key has neither.
   * Proprietary classes (b8 = 1) go to the applet, which decides.
   */
  private static void checkClass(int cla) {
    if (cla == CLA_INVALID || (cla & 0xE0) == 0x20) {
      throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
    }
    if ((cla & 0x80) != 0) {
      return;
    }
    if ((cla & 0x40) != 0) {
      // Further interindustry class: b4-b1 code logical channels 4 to 19.
      throw new StatusException(StatusWords.SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    }
    if ((cla & 0x03) != 0) {
      throw new StatusException(StatusWords.SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    }
    if ((cla & 0x0C) != 0) {
      throw new StatusException(StatusWords.SW_SECURE_MESSAGING_NOT_SUPPORTED);
    }
  }

  /**
   * Command chaining (ISO/IEC 7816-4:2005, 5.1.1.1): a command with the chaining bit set is a
   * segment; its data is kept and it answers 9000. The next command without the bit and with the
   * same header closes the chain and carries Le. A command with another header abandons the chain
   * and is processed on its own, as the reference does (inventory, 11.2 test_apdu). Returns the
   * whole command once complete, or null for a segment.
   */
  private CommandApdu joinChain(CommandApdu command) {
    boolean segment = isChained(command);
    int cla = segment ? command.cla() & ~CLA_COMMAND_CHAINING : command.cla();
    CommandApdu plain = segment ? command.withCla(cla) : command;
    if (chain != null && !chain.sameHeader(plain)) {
      log.debug("command chain abandoned by INS {}", String.format("%02X", plain.ins()));
      chain = null;
    }
    if (chain == null && !segment) {
      return plain;
    }
    if (chain == null) {
      // The first segment decides for the whole chain: later ones may start anywhere in a secret.
      chain = new Chain(plain, carriesSecret(plain));
    }
    commandSecret = chain.secret;
    if (!chain.append(plain.data())) {
      chain = null;
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (segment) {
      return null;
    }
    CommandApdu whole = chain.complete(plain.ne(), plain.extended());
    chain = null;
    return whole;
  }

  /**
   * Sends at most Ne bytes of {@code response} (Ne = 0 counts as the largest of its form, as a host
   * that sent no Le still takes data) and at most {@link #MAX_RESPONSE_CHUNK}, keeping the rest for
   * GET RESPONSE: ISO/IEC 7816-4:2005, 5.1.3, SW 61XX. XX is the number of bytes still available,
   * FF when 255 or more remain, as the reference answers (inventory, 1.8).
   */
  private ResponseApdu firstChunk(CommandApdu command, ResponseApdu response) {
    byte[] data = response.data();
    if (data.length == 0) {
      return response;
    }
    pending = new Pending(data, response.sw(), answerSecret);
    return nextChunkOf(command.ne() != 0 ? command.ne() : maxNe(command));
  }

  private ResponseApdu nextChunk(CommandApdu command) {
    if (pending == null) {
      // Nothing is waiting: the applet's own "send remaining" goes to the applet as any command.
      if (command.ins() == INS_GET_RESPONSE) {
        throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      }
      ResponseApdu response = selected.process(command);
      answerSecret = selected.answerCarriesSecret(command);
      return firstChunk(command, response);
    }
    answerSecret = pending.secret;
    if (command.nc() != 0) {
      pending = null; // GET RESPONSE is case 2: a data field is a wrong length
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (command.p1() != 0 || command.p2() != 0) {
      pending = null;
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    return nextChunkOf(command.ne() != 0 ? command.ne() : maxNe(command));
  }

  private ResponseApdu nextChunkOf(int ne) {
    Pending p = pending;
    int length = Math.min(Math.min(ne, MAX_RESPONSE_CHUNK), p.data.length - p.offset);
    byte[] chunk = Arrays.copyOfRange(p.data, p.offset, p.offset + length);
    p.offset += length;
    int remaining = p.data.length - p.offset;
    if (remaining == 0) {
      pending = null;
      return new ResponseApdu(chunk, p.sw);
    }
    return new ResponseApdu(chunk, StatusWords.SW_BYTES_REMAINING_00 | Math.min(remaining, 0xFF));
  }

  private static int maxNe(CommandApdu command) {
    return command.extended() ? CommandApdu.EXTENDED_MAX_NE : CommandApdu.SHORT_MAX_NE;
  }

  /**
   * GET RESPONSE (ISO/IEC 7816-4:2005, 7.6.1: INS C0) in any class the applets use, or the selected
   * applet's own "send remaining" instruction (YKOATH A5), without chaining.
   */
  private boolean isContinuation(CommandApdu command) {
    if (isChained(command)) {
      return false;
    }
    if (command.ins() == INS_GET_RESPONSE) {
      return true;
    }
    return selected != null
        && selected.sendRemainingIns().isPresent()
        && selected.sendRemainingIns().getAsInt() == command.ins();
  }

  private void discardChainAndPending() {
    chain = null;
    pending = null;
  }

  private ResponseApdu select(CommandApdu command) {
    byte[] name = command.data();
    Applet target = null;
    for (Applet applet : applets) {
      byte[] aid = applet.aid();
      boolean matches =
          name.length >= aid.length
              && Arrays.equals(name, 0, aid.length, aid, 0, aid.length)
              && (target == null || aid.length > target.aid().length);
      if (matches) {
        target = applet;
      }
    }
    if (target == null) {
      throw new StatusException(StatusWords.SW_FILE_NOT_FOUND);
    }

    // A StatusException here refuses the selection and leaves the current applet selected.
    ResponseApdu response = target.select(command);

    if (target != selected) {
      Applet previous = selected;
      selected = target;
      if (previous != null) {
        previous.deselect();
      }
      log.debug("selected {}", target.name());
    }
    return response;
  }

  private void resetSessions() {
    selected = null;
    discardChainAndPending();
    for (Applet applet : applets) {
      try {
        applet.deselect();
      } catch (RuntimeException e) {
        log.error("bug in {}.deselect()", applet.name(), e);
      }
    }
  }

  private static boolean isChained(CommandApdu command) {
    return command.cla() != CLA_INVALID && (command.cla() & CLA_COMMAND_CHAINING) != 0;
  }

  private static boolean isSelectByName(CommandApdu command) {
    return command.cla() == CLA_ISO
        && command.ins() == INS_SELECT
        && command.p1() == P1_SELECT_BY_DF_NAME
        && (command.p2() & P2_OCCURRENCE_MASK) == 0;
  }

  private void logExchange(byte[] raw, CommandApdu command, ResponseApdu response) {
    if (command == null) {
      log.debug("malformed APDU of {} bytes -> {}", raw.length, StatusWords.format(response.sw()));
      log.trace("C-APDU {} (body withheld)", header(raw));
    } else {
      if (log.isDebugEnabled()) {
        log.debug(
            "{} {} Nc={} Ne={} -> {} with {} bytes",
            selectedName(),
            header(raw),
            command.nc(),
            command.ne(),
            StatusWords.format(response.sw()),
            response.length());
      }
      if (log.isTraceEnabled()) {
        log.trace("C-APDU {}", traceable(raw, command));
      }
    }
    if (log.isTraceEnabled()) {
      if (answerSecret && response.length() > 0) {
        log.trace(
            "R-APDU [{} secret bytes withheld] {}",
            response.length(),
            String.format("%02X %02X", response.sw() >> 8, response.sw() & 0xFF));
      } else {
        log.trace("R-APDU {}", Hex.spaced(response.encode()));
      }
    }
  }

  private String traceable(byte[] raw, CommandApdu command) {
    if ((commandSecret || carriesSecret(command)) && command.nc() > 0) {
      return header(raw) + " [" + command.nc() + " secret bytes withheld]";
    }
    return Hex.spaced(raw);
  }

  /** PINs (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) and what the applet names. */
  private boolean carriesSecret(CommandApdu command) {
    int ins = command.ins();
    return ins == INS_VERIFY
        || ins == INS_CHANGE_REFERENCE_DATA
        || ins == INS_RESET_RETRY_COUNTER
        || (selected != null && selected.carriesSecret(command));
  }

  private String selectedName() {
    return selected == null ? "(none)" : selected.name();
  }

  private static String header(byte[] raw) {
    return Hex.spaced(Arrays.copyOf(raw, Math.min(raw.length, 4)));
  }

  /** The segments of a command chain received so far and the header they share. */
  private static final class Chain {
    private final CommandApdu first;
    private final boolean secret;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Chain(CommandApdu first, boolean secret) {
      this.first = first;
      this.secret = secret;
    }

    boolean sameHeader(CommandApdu next) {
      return next.cla() == first.cla()
          && next.ins() == first.ins()
          && next.p1() == first.p1()
          && next.p2() == first.p2();
    }

    /** Adds a segment's data; false when the chain would overflow the buffer. */
    boolean append(byte[] segment) {
      if (data.size() + segment.length > BUFFER_SIZE) {
        return false;
      }
      data.writeBytes(segment);
      return true;
    }

    CommandApdu complete(int ne, boolean extended) {
      byte[] joined = data.toByteArray();
      boolean needsExtended =
          extended || joined.length > CommandApdu.SHORT_MAX_NC || ne > CommandApdu.SHORT_MAX_NE;
      return new CommandApdu(
          first.cla(), first.ins(), first.p1(), first.p2(), joined, ne, needsExtended);
    }
  }

  /** The rest of a long response and its final status word. */
  private static final class Pending {
    private final byte[] data;
    private final int sw;
    private final boolean secret;
    private int offset;

    Pending(byte[] data, int sw, boolean secret) {
      this.data = data;
      this.sw = sw;
      this.secret = secret;
    }
  }
}
