package io.vcanokey.core.apdu;

import io.vcanokey.core.bytes.Hex;
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
 * <p>A command runs in stages, each a method, so that command chaining and GET RESPONSE can slot in
 * later without reshaping the class: decode, chaining, selection or applet, response. {@link
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

  private final List<Applet> applets;
  private Applet selected;

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
    if (isChained(command)) {
      // TODO: no command chaining (ISO/IEC 7816-4:2005, 5.1.1.1); a chained segment answers 6884
      throw new StatusException(StatusWords.SW_COMMAND_CHAINING_NOT_SUPPORTED);
    }

    ResponseApdu response;
    if (isSelectByName(command)) {
      response = select(command);
    } else if (selected == null) {
      throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    } else {
      response = selected.process(command);
    }

    // TODO: no response chaining with 61XX and GET RESPONSE; a response goes out whole, even
    // when it is longer than Ne
    return response;
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
      log.trace("R-APDU {}", Hex.spaced(response.encode()));
    }
  }

  private String traceable(byte[] raw, CommandApdu command) {
    int ins = command.ins();
    boolean secret =
        ins == INS_VERIFY
            || ins == INS_CHANGE_REFERENCE_DATA
            || ins == INS_RESET_RETRY_COUNTER
            || (selected != null && selected.carriesSecret(command));
    if (secret && command.nc() > 0) {
      return header(raw) + " [" + command.nc() + " secret bytes withheld]";
    }
    return Hex.spaced(raw);
  }

  private String selectedName() {
    return selected == null ? "(none)" : selected.name();
  }

  private static String header(byte[] raw) {
    return Hex.spaced(Arrays.copyOf(raw, Math.min(raw.length, 4)));
  }
}
