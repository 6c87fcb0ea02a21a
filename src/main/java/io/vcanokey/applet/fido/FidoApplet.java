package io.vcanokey.applet.fido;

import io.vcanokey.applet.fido.ctap2.CtapCommand;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FIDO applet on the card interface: the ISO 7816-4 binding of CTAP (CTAP 2.1, 11.3, NFC),
 * which the reference key offers over CCID as well (canokey-core inventory, 3.1). It hands every
 * request to the key's one {@link FidoHandler}, so credentials, the PIN, its retries and tokens,
 * and the signature counter are the same whether a client comes over CTAPHID or over a reader.
 *
 * <ul>
 *   <li>SELECT of the FIDO AID answers the version string "U2F_V2" and 9000 (11.3.3; FIDO U2F NFC
 *       protocol 1.2, applet selection): the key supports U2F besides CTAP2.
 *   <li>NFCCTAP_MSG (CLA 80, INS 10, 11.3.7.1): the data field is the CTAP command byte followed by
 *       its CBOR parameters; the answer is the CTAP status byte followed by the CBOR response, with
 *       9000. P1 is 00, or 80 when the client can poll with NFCCTAP_GETRESPONSE; P2 is 00; other
 *       values answer 6A86. CLA 00 is taken as well, as YubiKeys do and Yubico's SDK sends.
 *   <li>NFCCTAP_GETRESPONSE (CLA 80, INS 11, 11.3.7.2): fetches the outcome of a request still
 *       running, see below. With no request running it answers 6985.
 *   <li>Every other CLA 00 command is a U2F raw message (FIDO U2F raw message formats, 3; CTAP 2.1,
 *       11.2.9.1.1 for the same messages over CTAPHID) and goes to {@link FidoHandler#handleU2f}:
 *       REGISTER (01), AUTHENTICATE (02) and VERSION (03); others answer 6D00. Another INS with CLA
 *       80 answers 6D00, any other class 6E00.
 * </ul>
 *
 * <p>Extended APDUs, command chaining (CLA 90 for a chained NFCCTAP_MSG, 11.3.6) and response
 * chaining with 61XX and GET RESPONSE come from the {@link io.vcanokey.core.apdu.CardOs card OS};
 * this applet sees whole commands and returns whole responses.
 *
 * <p>Status updates (11.3.7.2, SW 9100): a request that has not completed when {@link FidoHandler}
 * returns (it waits for a touch) is answered with 9100 and one data byte, the keepalive status (01
 * processing, 02 user presence needed), and the client polls with NFCCTAP_GETRESPONSE until the
 * final answer comes with 9000. The key's requests finish before the handler returns while user
 * presence is decided synchronously, so today every NFCCTAP_MSG is answered at once; the 9100 path
 * is there for the asynchronous user presence that CTAPHID's keepalives use, with no blocking of
 * the key thread. A request is cancelled ({@link FidoHandler#cancel()}) when the client sends
 * anything other than NFCCTAP_GETRESPONSE while it runs, or when the applet is deselected. 9100 is
 * answered even when P1 did not announce NFCCTAP_GETRESPONSE, because the key thread must not wait:
 * such a client sees a status word other than 9000 and fails, instead of the whole key hanging.
 *
 * <p>Trace secrecy: clientPIN requests and their answers are blanked in traces, as the CTAPHID
 * function does with clientPIN frames (STYLE.md, logging). Their PIN hashes, new PINs and PIN
 * tokens travel encrypted under the PIN/UV auth protocol's shared secret (CTAP 2.1, 6.5.6 and
 * 6.5.7), so this is caution rather than need. Every other U2F and CTAP2 message is traced in full:
 * signatures, public keys, credential IDs (the key's own wrapping, readable only by the key) and
 * CBOR carry nothing secret.
 *
 * <p>Session state: only the request now running. Not thread-safe: key thread only.
 */
public final class FidoApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(FidoApplet.class);

  /** FIDO AID: RID A000000647, AC 2F, AX 0001 (CTAP 2.1, 11.3.3; FIDO U2F NFC protocol). */
  private static final byte[] AID = {
    (byte) 0xA0, 0x00, 0x00, 0x06, 0x47, 0x2F, 0x00, 0x01,
  };

  /** Version string answered to SELECT by an authenticator that supports U2F (11.3.3). */
  static final byte[] VERSION_U2F_V2 = "U2F_V2".getBytes(StandardCharsets.US_ASCII);

  /** SELECT answer of an authenticator without U2F (CTAP 2.1, 11.3.3). */
  static final byte[] VERSION_FIDO_2_0 = "FIDO_2_0".getBytes(StandardCharsets.US_ASCII);

  /** Class of the CTAP commands (11.3.7). */
  static final int CLA_CTAP = 0x80;

  /** Interindustry class of U2F raw messages (FIDO U2F raw message formats, 3). */
  static final int CLA_ISO = 0x00;

  static final int INS_NFCCTAP_MSG = 0x10;
  static final int INS_NFCCTAP_GETRESPONSE = 0x11;

  /** NFCCTAP_MSG P1 bit: the client supports NFCCTAP_GETRESPONSE (11.3.7.1). */
  static final int P1_GETRESPONSE_SUPPORTED = 0x80;

  /** Status word of a status update: the request is still running (11.3.7.2). */
  static final int SW_STATUS_UPDATE = 0x9100;

  /** Keepalive status bytes (CTAP 2.1, 11.2.9.1.7): processing, user presence needed. */
  static final int STATUS_PROCESSING = 0x01;

  static final int STATUS_UPNEEDED = 0x02;

  /**
   * What the applet needs of {@link FidoHandler}: its three entry points. Tests put a handler here
   * that answers later, as one waiting for a touch does.
   */
  interface Authenticator {
    void handleCbor(byte[] request, FidoResponder responder);

    void handleU2f(byte[] apdu, FidoResponder responder);

    void cancel();

    /** Whether U2F is on (alwaysUv turns it off, CTAP 2.1 6.11.2). */
    default boolean u2fEnabled() {
      return true;
    }
  }

  private final Authenticator fido;

  /** The request now running, or null. */
  private Request running;

  /** Whether the answer just given is a clientPIN answer, to be blanked in traces. */
  private boolean answerSecret;

  /**
   * An applet over {@code fido}: give every card session of a key the key's one handler, the one
   * CTAPHID uses.
   */
  public FidoApplet(FidoHandler fido) {
    this(delegatingTo(Objects.requireNonNull(fido, "fido")));
  }

  FidoApplet(Authenticator fido) {
    this.fido = Objects.requireNonNull(fido, "fido");
  }

  private static Authenticator delegatingTo(FidoHandler fido) {
    return new Authenticator() {
      @Override
      public void handleCbor(byte[] request, FidoResponder responder) {
        fido.handleCbor(request, responder);
      }

      @Override
      public void handleU2f(byte[] apdu, FidoResponder responder) {
        fido.handleU2f(apdu, responder);
      }

      @Override
      public void cancel() {
        fido.cancel();
      }

      @Override
      public boolean u2fEnabled() {
        return fido.u2fEnabled();
      }
    };
  }

  @Override
  public byte[] aid() {
    return AID.clone();
  }

  @Override
  public ResponseApdu select(CommandApdu select) {
    cancelRunning("SELECT");
    // 11.3.3: an authenticator without U2F answers "FIDO_2_0".
    if (!fido.u2fEnabled()) {
      log.debug("FIDO SELECT -> FIDO_2_0 (U2F off: alwaysUv)");
      return ResponseApdu.success(VERSION_FIDO_2_0.clone());
    }
    log.debug("FIDO SELECT -> U2F_V2");
    return ResponseApdu.success(VERSION_U2F_V2.clone());
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    answerSecret = false;
    int cla = command.cla();
    int ins = command.ins();
    boolean ctapClass = cla == CLA_CTAP || cla == CLA_ISO;
    if (ctapClass && ins == INS_NFCCTAP_GETRESPONSE) {
      return getResponse(command);
    }
    cancelRunning(String.format("INS %02X", ins));

    if (ctapClass && ins == INS_NFCCTAP_MSG) {
      return message(command);
    }
    if (cla == CLA_ISO) {
      return u2f(command);
    }
    if (cla == CLA_CTAP) {
      throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    }
    throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
  }

  @Override
  public void deselect() {
    cancelRunning("deselect");
  }

  /**
   * An NFCCTAP_MSG carrying clientPIN: in a chain the card OS asks with the first segment, which
   * holds the command byte.
   */
  @Override
  public boolean carriesSecret(CommandApdu command) {
    return command.ins() == INS_NFCCTAP_MSG && isClientPin(command.data());
  }

  /** The answer to a clientPIN request, whether it comes at once or by NFCCTAP_GETRESPONSE. */
  @Override
  public boolean answerCarriesSecret(CommandApdu command) {
    return answerSecret;
  }

  private static boolean isClientPin(byte[] request) {
    return request.length > 0 && (request[0] & 0xFF) == CtapCommand.CLIENT_PIN.value();
  }

  /** NFCCTAP_MSG: one CTAP2 request; its answer now, or a status update if it is still running. */
  private ResponseApdu message(CommandApdu command) {
    if ((command.p1() & ~P1_GETRESPONSE_SUPPORTED) != 0 || command.p2() != 0) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    byte[] request = command.data();
    if (log.isDebugEnabled() && request.length > 0) {
      log.debug(
          "FIDO NFCCTAP_MSG {}",
          CtapCommand.fromValue(request[0] & 0xFF)
              .map(Enum::name)
              .orElse(String.format("0x%02X", request[0] & 0xFF)));
    }

    Request current = new Request(isClientPin(request));
    running = current;
    fido.handleCbor(request, current);
    return answer(current);
  }

  /** NFCCTAP_GETRESPONSE: the answer of the running request, or another status update. */
  private ResponseApdu getResponse(CommandApdu command) {
    if (command.p1() != 0 || command.p2() != 0) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (running == null) {
      log.debug("FIDO NFCCTAP_GETRESPONSE with no request running -> 6985");
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    return answer(running);
  }

  private ResponseApdu answer(Request request) {
    answerSecret = request.clientPin;
    if (request.response == null) {
      return new ResponseApdu(new byte[] {(byte) request.keepalive}, SW_STATUS_UPDATE);
    }
    running = null;
    return ResponseApdu.success(request.response);
  }

  /**
   * A U2F raw message: the card OS has joined its chain and decoded it, so it is encoded again as
   * one APDU, extended when its lengths need it, for the U2F code that reads APDUs.
   */
  private ResponseApdu u2f(CommandApdu command) {
    boolean extended =
        command.extended()
            || command.nc() > CommandApdu.SHORT_MAX_NC
            || command.ne() > CommandApdu.SHORT_MAX_NE;
    CommandApdu message =
        new CommandApdu(
            command.cla(),
            command.ins(),
            command.p1(),
            command.p2(),
            command.data(),
            command.ne(),
            extended);

    byte[][] out = new byte[1][];
    fido.handleU2f(
        message.encode(),
        new FidoResponder() {
          @Override
          public void respond(byte[] response) {
            out[0] = response;
          }

          @Override
          public void awaitingUserPresence() {}

          @Override
          public void processing() {}
        });
    if (out[0] == null || out[0].length < 2) {
      // U2F decides user presence at once (6985 when absent); an unanswered message is our bug.
      log.error("U2F INS {} left without an answer", String.format("%02X", command.ins()));
      throw new StatusException(StatusWords.SW_UNKNOWN);
    }
    byte[] response = out[0];
    int n = response.length;
    int sw = (response[n - 2] & 0xFF) << 8 | (response[n - 1] & 0xFF);
    return new ResponseApdu(Arrays.copyOf(response, n - 2), sw);
  }

  private void cancelRunning(String why) {
    if (running == null) {
      return;
    }
    log.debug("FIDO request cancelled by {}", why);
    running.cancelled = true;
    running = null;
    fido.cancel();
  }

  /** One CTAP2 request over this card: what the handler has told about it so far. */
  private static final class Request implements FidoResponder {

    private final boolean clientPin;
    private byte[] response;
    private int keepalive = STATUS_PROCESSING;
    private boolean cancelled;

    Request(boolean clientPin) {
      this.clientPin = clientPin;
    }

    @Override
    public void respond(byte[] response) {
      if (cancelled || this.response != null) {
        return; // the client has moved on, or a second answer: nobody is waiting for it
      }
      this.response = response.clone();
    }

    @Override
    public void awaitingUserPresence() {
      keepalive = STATUS_UPNEEDED;
    }

    @Override
    public void processing() {
      keepalive = STATUS_PROCESSING;
    }
  }
}
