package io.vcanokey.applet.fido;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.ctap2.AuthenticatorInfo;
import io.vcanokey.applet.fido.ctap2.Ctap2Authenticator;
import io.vcanokey.applet.fido.ctap2.CtapCommand;
import io.vcanokey.applet.fido.ctap2.CtapStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FIDO applet's entry point for CTAP2 requests (CTAP 2.1, section 6) and U2F raw messages (CTAP
 * 2.1, section 11.2.9.1.1; FIDO U2F raw message formats). It answers authenticatorGetInfo (6.4)
 * itself and hands authenticatorMakeCredential, GetAssertion and GetNextAssertion (6.1 to 6.3) to
 * {@link Ctap2Authenticator} when built over a key's state ({@link #FidoHandler(AppletContext)}).
 *
 * <p>What getInfo advertises ({@link #defaultInfo()}), and why:
 *
 * <ul>
 *   <li>versions, extensions, AAGUID, limits, algorithms and firmwareVersion are the reference
 *       key's (inventory 3.3), so clients identify the key as a CanoKey from the start. They only
 *       describe what makeCredential and getAssertion may carry; hmac-secret and largeBlobKey are
 *       not processed yet and are ignored as unknown extensions are (CTAP 2.1, 6.1.2 step 13).
 *   <li>transports is ["usb"], not the reference's ["nfc", "usb"]: this key has no NFC interface.
 *   <li>algorithms are ES256 (-7) and EdDSA (-8); the reference's optional SM2 entry is left out
 *       until SM2 is implemented.
 *   <li>options are set honestly, because clients act on them by themselves: with rk, credMgmt or
 *       largeBlobs true a client calls those commands unprompted, and with clientPin present it
 *       offers to set a PIN and sends clientPIN. So the reference key's option names are all
 *       listed, rk true (discoverable credentials work) and the others false ("not supported", the
 *       same meaning as absent in 6.4), each to flip to true when its feature lands, except
 *       clientPin, which is left out: absent means "no PIN capability", whereas false would mean
 *       "PIN supported but not set" and invite a setPIN that could only fail.
 * </ul>
 *
 * <p>Every other CTAP2 command byte answers CTAP1_ERR_INVALID_COMMAND (0x01) with no body. Every
 * U2F APDU answers the status word 6D00 (INS not supported), or 6700 (wrong length) when it is too
 * short to hold a command header; U2F is not built yet.
 *
 * <p>Threading: key thread only. Requests complete synchronously today, so {@link #cancel()} has
 * nothing to cancel.
 */
public final class FidoHandler {

  private static final Logger log = LoggerFactory.getLogger(FidoHandler.class);

  /** ISO 7816-4 status word: wrong length. */
  public static final int SW_WRONG_LENGTH = 0x6700;

  /** ISO 7816-4 status word: instruction code not supported or invalid. */
  public static final int SW_INS_NOT_SUPPORTED = 0x6D00;

  /** Length of a command APDU header: CLA INS P1 P2 (ISO 7816-4, 5.1). */
  private static final int APDU_HEADER_SIZE = 4;

  /** AAGUID of CanoKey (inventory 3.3; also its MS OS 2.0 DeviceInterfaceGUID). */
  public static final UUID AAGUID = UUID.fromString("244eb29e-e090-4e49-81fe-1f20f8d3b8f4");

  private final byte[] getInfoResponse;

  /** makeCredential, getAssertion and getNextAssertion; null without a key's state. */
  private final Ctap2Authenticator credentials;

  /** A handler advertising {@link #defaultInfo()}, without credential commands (getInfo only). */
  public FidoHandler() {
    this(defaultInfo());
  }

  /** A handler advertising {@code info} in authenticatorGetInfo, without credential commands. */
  public FidoHandler(AuthenticatorInfo info) {
    this(info, null);
  }

  /** The key's handler: {@link #defaultInfo()} and the credential commands over its state. */
  public FidoHandler(AppletContext context) {
    this(defaultInfo(), new Ctap2Authenticator(context, AAGUID, System::nanoTime));
  }

  private FidoHandler(AuthenticatorInfo info, Ctap2Authenticator credentials) {
    this.credentials = credentials;
    byte[] body = info.encode();
    getInfoResponse = new byte[1 + body.length];
    getInfoResponse[0] = (byte) CtapStatus.CTAP2_OK.value();
    System.arraycopy(body, 0, getInfoResponse, 1, body.length);
  }

  /** The getInfo content this key advertises today; the class comment explains each choice. */
  public static AuthenticatorInfo defaultInfo() {
    return new AuthenticatorInfo(
        List.of("U2F_V2", "FIDO_2_0", "FIDO_2_1"),
        List.of("credBlob", "credProtect", "hmac-secret", "largeBlobKey"),
        AAGUID,
        Map.of(
            AuthenticatorInfo.OPTION_RK, true,
            AuthenticatorInfo.OPTION_CRED_MGMT, false,
            AuthenticatorInfo.OPTION_LARGE_BLOBS, false,
            AuthenticatorInfo.OPTION_PIN_UV_AUTH_TOKEN, false,
            AuthenticatorInfo.OPTION_MAKE_CRED_UV_NOT_RQD, false),
        1300,
        List.of(1, 2),
        8,
        70,
        List.of("usb"),
        List.of(AuthenticatorInfo.COSE_ES256, AuthenticatorInfo.COSE_EDDSA),
        4096,
        201,
        32);
  }

  /**
   * Processes one CTAP2 request: the command byte followed by its CBOR parameters.
   *
   * @param request at least the command byte
   * @param responder receives the status byte and optional CBOR body
   */
  public void handleCbor(byte[] request, FidoResponder responder) {
    if (request.length == 0) {
      log.warn("CTAP2 request without a command byte");
      responder.respond(CtapStatus.CTAP1_ERR_INVALID_LENGTH.response());
      return;
    }
    int commandByte = request[0] & 0xFF;
    Optional<CtapCommand> command = CtapCommand.fromValue(commandByte);
    try {
      if (command.isPresent() && command.get() == CtapCommand.GET_INFO) {
        // getInfo takes no parameters (6.4); trailing bytes are ignored.
        log.debug("CTAP2 GET_INFO -> CTAP2_OK");
        responder.respond(getInfoResponse.clone());
        return;
      }
      if (credentials != null
          && command.isPresent()
          && (command.get() == CtapCommand.MAKE_CREDENTIAL
              || command.get() == CtapCommand.GET_ASSERTION
              || command.get() == CtapCommand.GET_NEXT_ASSERTION)) {
        credentials.handle(command.get(), request, responder);
        return;
      }
      // TODO: clientPIN, reset, credMgmt, selection, largeBlobs, config are not built yet
      log.debug(
          "CTAP2 command 0x{} ({}) -> CTAP1_ERR_INVALID_COMMAND",
          String.format("%02X", commandByte),
          command.map(Enum::name).orElse("unknown"));
      responder.respond(CtapStatus.CTAP1_ERR_INVALID_COMMAND.response());
    } catch (RuntimeException e) {
      log.error("bug in CTAP2 command 0x{}", String.format("%02X", commandByte), e);
      responder.respond(CtapStatus.CTAP1_ERR_OTHER.response());
    }
  }

  /**
   * Processes one U2F raw message (a command APDU, CTAP 2.1 11.2.9.1.1).
   *
   * @param apdu the command APDU
   * @param responder receives response data followed by the status word
   */
  public void handleU2f(byte[] apdu, FidoResponder responder) {
    if (apdu.length < APDU_HEADER_SIZE) {
      log.warn("U2F message of {} bytes has no APDU header -> 6700", apdu.length);
      responder.respond(statusWord(SW_WRONG_LENGTH));
      return;
    }
    // TODO: U2F is not built; every U2F APDU answers 6D00 (INS not supported)
    log.debug("U2F INS 0x{} -> 6D00", String.format("%02X", apdu[1] & 0xFF));
    responder.respond(statusWord(SW_INS_NOT_SUPPORTED));
  }

  /** Cancels the outstanding request; nothing waits today, so there is nothing to cancel. */
  public void cancel() {
    log.debug("cancel: no CTAP request is waiting");
  }

  private static byte[] statusWord(int sw) {
    return new byte[] {(byte) (sw >>> 8), (byte) sw};
  }
}
