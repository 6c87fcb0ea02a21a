package io.vcanokey.applet.fido;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.ctap2.AuthenticatorConfig;
import io.vcanokey.applet.fido.ctap2.AuthenticatorInfo;
import io.vcanokey.applet.fido.ctap2.AuthenticatorReset;
import io.vcanokey.applet.fido.ctap2.ClientPin;
import io.vcanokey.applet.fido.ctap2.Ctap2Authenticator;
import io.vcanokey.applet.fido.ctap2.CtapCommand;
import io.vcanokey.applet.fido.ctap2.CtapStatus;
import io.vcanokey.applet.fido.ctap2.FidoSettings;
import io.vcanokey.applet.fido.ctap2.LargeBlobs;
import io.vcanokey.applet.fido.u2f.U2fApplet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FIDO applet's entry point for CTAP2 requests (CTAP 2.1, section 6) and U2F raw messages (CTAP
 * 2.1, section 11.2.9.1.1; FIDO U2F raw message formats). It answers authenticatorGetInfo (6.4)
 * itself, hands authenticatorClientPIN (6.5) to {@link ClientPin}, authenticatorMakeCredential,
 * GetAssertion and GetNextAssertion (6.1 to 6.3) to {@link Ctap2Authenticator}, and U2F REGISTER,
 * AUTHENTICATE and VERSION to {@link U2fApplet} when built over a key's state ({@link
 * #FidoHandler(AppletContext)}).
 *
 * <p>What getInfo advertises ({@link #defaultInfo()}), and why:
 *
 * <ul>
 *   <li>versions, extensions, AAGUID, limits, algorithms and firmwareVersion are the reference
 *       key's (inventory 3.3), so clients identify the key as a CanoKey from the start, except that
 *       the extensions list names only what makeCredential and getAssertion process: credBlob and
 *       credProtect. The reference's hmac-secret and largeBlobKey join it when they are built;
 *       until then a client asking for them gets them ignored, as unknown extensions are (CTAP 2.1,
 *       6.1.2 step 13), instead of a promise the key does not keep.
 *   <li>transports is ["usb"], not the reference's ["nfc", "usb"]: this key has no NFC interface.
 *   <li>algorithms are ES256 (-7) and EdDSA (-8); the reference's optional SM2 entry is left out
 *       until SM2 is implemented.
 *   <li>options are set honestly, because clients act on them by themselves: with rk, credMgmt or
 *       largeBlobs true a client calls those commands unprompted, and with clientPin present it
 *       offers to set a PIN and sends clientPIN. So the reference key's option names are all
 *       listed, rk true (discoverable credentials work) and the others false ("not supported", the
 *       same meaning as absent in 6.4), each to flip to true when its feature lands. clientPin and
 *       pinUvAuthToken depend on the {@link ClientPin}: without one clientPin is absent ("no PIN
 *       capability") and pinUvAuthToken false; with one, pinUvAuthToken is true and clientPin is
 *       false until a PIN is set ("supported, not set") and true after, evaluated at each getInfo.
 * </ul>
 *
 * <p>Over a key's state the handler also serves authenticatorReset and authenticatorSelection
 * ({@link AuthenticatorReset}), authenticatorLargeBlobs ({@link LargeBlobs}) and
 * authenticatorConfig ({@link AuthenticatorConfig}), and its getInfo adds what they bring: options
 * largeBlobs, authnrCfg and setMinPINLength true and alwaysUv as set, the minPinLength extension,
 * and members forcePINChange (0x0C), minPINLength (0x0D) and maxRPIDsForSetMinPINLength (0x10).
 * While alwaysUv is on, U2F is off (CTAP 2.1, 6.11.2): versions lose U2F_V2 and every U2F message
 * answers 6D00, since U2F has no way to verify the user.
 *
 * <p>Every other CTAP2 command byte answers CTAP1_ERR_INVALID_COMMAND (0x01) with no body. A U2F
 * message too short to hold a command header answers 6700 (wrong length).
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

  /** ISO 7816-4 status word: no precise diagnosis (an internal error). */
  public static final int SW_UNKNOWN = 0x6F00;

  private final AuthenticatorInfo info;
  private final ClientPin clientPin; // null: no PIN support

  /** makeCredential, getAssertion and getNextAssertion; null without a key's state. */
  private final Ctap2Authenticator credentials;

  /** U2F raw messages; null without a key's state (then U2F answers 6D00). */
  private final U2fApplet u2f;

  /** authenticatorLargeBlobs, authenticatorConfig, reset and selection; null without a state. */
  private final LargeBlobs largeBlobs;

  private final AuthenticatorConfig config;
  private final AuthenticatorReset reset;
  private final AppletContext context;

  /** A handler advertising {@link #defaultInfo()}: getInfo only, without PIN support. */
  public FidoHandler() {
    this(defaultInfo());
  }

  /** A handler advertising {@code info} in authenticatorGetInfo: getInfo only. */
  public FidoHandler(AuthenticatorInfo info) {
    this(info, (ClientPin) null);
  }

  /**
   * A handler advertising {@code info}, with authenticatorClientPIN served by {@code clientPin}
   * (null for none); getInfo's clientPin and pinUvAuthToken options follow it.
   */
  public FidoHandler(AuthenticatorInfo info, ClientPin clientPin) {
    this(info, clientPin, null);
  }

  /**
   * The key's handler: {@link #defaultInfo()}, clientPIN and the credential commands over its
   * state. makeCredential and getAssertion check PIN tokens with the same {@link ClientPin}.
   */
  public FidoHandler(AppletContext context) {
    this(context, System::nanoTime);
  }

  /**
   * The key's handler with the clock of the reset window and the getNextAssertion timer, as {@link
   * System#nanoTime()}.
   */
  public FidoHandler(AppletContext context, LongSupplier nanoTime) {
    this(defaultInfo(), new ClientPin(context.state(), context.random()), context, nanoTime);
  }

  /** A handler advertising {@code info}, with every command over {@code context}'s state. */
  public FidoHandler(AuthenticatorInfo info, AppletContext context) {
    this(info, new ClientPin(context.state(), context.random()), context, System::nanoTime);
  }

  private FidoHandler(AuthenticatorInfo info, ClientPin clientPin, AppletContext context) {
    this(info, clientPin, context, System::nanoTime);
  }

  private FidoHandler(
      AuthenticatorInfo info, ClientPin clientPin, AppletContext context, LongSupplier nanoTime) {
    this.info = info;
    this.clientPin = clientPin;
    this.context = context;
    this.credentials =
        context == null ? null : new Ctap2Authenticator(context, clientPin, AAGUID, nanoTime);
    this.u2f = context == null ? null : new U2fApplet(context);
    this.largeBlobs =
        context == null
            ? null
            : new LargeBlobs(
                context.state(), clientPin, info.maxMsgSize(), info.maxSerializedLargeBlobArray());
    this.config = context == null ? null : new AuthenticatorConfig(context.state(), clientPin);
    this.reset =
        context == null ? null : new AuthenticatorReset(context, clientPin, largeBlobs, nanoTime);
  }

  /**
   * Power-up (USB reset, QEMU attach): clientPIN starts afresh (6.5.6), the 10-second window of
   * authenticatorReset opens again (6.6) and a half-written large-blob array is forgotten.
   */
  public void powerUp() {
    if (clientPin != null) {
      clientPin.powerUp();
    }
    if (reset != null) {
      reset.powerUp();
      largeBlobs.abandonPendingWrite();
    }
    log.info("FIDO power-up");
  }

  /** The getInfo content this key advertises today; the class comment explains each choice. */
  public static AuthenticatorInfo defaultInfo() {
    return new AuthenticatorInfo(
        List.of("U2F_V2", "FIDO_2_0", "FIDO_2_1"),
        List.of("credBlob", "credProtect"),
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
        responder.respond(getInfoResponse());
        return;
      }
      if (command.isPresent() && command.get() == CtapCommand.CLIENT_PIN && clientPin != null) {
        responder.respond(clientPin.handle(Arrays.copyOfRange(request, 1, request.length)));
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
      if (credentials != null
          && (command.isEmpty() || command.get() != CtapCommand.GET_NEXT_ASSERTION)) {
        credentials.endAssertionSequence(); // 6.3: any other command ends the sequence
      }
      if (reset != null && command.isPresent()) {
        byte[] response =
            switch (command.get()) {
              case RESET -> reset.reset(responder);
              case SELECTION -> reset.select(responder);
              case LARGE_BLOBS -> largeBlobs.handle(request);
              case CONFIG -> config.handle(request);
              default -> null;
            };
        if (response != null) {
          responder.respond(response);
          return;
        }
      }
      // TODO: credentialManagement (and 0x41) is not built; today it answers
      // CTAP1_ERR_INVALID_COMMAND here (FidoHandlerTest pins it).
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
    if (u2f == null || alwaysUv()) {
      responder.respond(statusWord(SW_INS_NOT_SUPPORTED));
      return;
    }
    try {
      responder.respond(u2f.process(apdu));
    } catch (RuntimeException e) {
      log.error("bug in U2F INS 0x{}", String.format("%02X", apdu[1] & 0xFF), e);
      responder.respond(statusWord(SW_UNKNOWN));
    }
  }

  /** Cancels the outstanding request; nothing waits today, so there is nothing to cancel. */
  public void cancel() {
    log.debug("cancel: no CTAP request is waiting");
  }

  private boolean alwaysUv() {
    return context != null && FidoSettings.load(context.state()).alwaysUv();
  }

  /** CTAP2_OK and the getInfo body, with the options as the class comment describes. */
  private byte[] getInfoResponse() {
    AuthenticatorInfo current = info;
    Map<Integer, Object> extraMembers = new HashMap<>();
    if (clientPin != null) {
      Map<String, Boolean> options = new HashMap<>(info.options());
      options.put(AuthenticatorInfo.OPTION_CLIENT_PIN, clientPin.isPinSet());
      options.put(AuthenticatorInfo.OPTION_PIN_UV_AUTH_TOKEN, true);
      List<String> versions = info.versions();
      List<String> extensions = info.extensions();
      if (context != null) {
        FidoSettings settings = FidoSettings.load(context.state());
        options.put(AuthenticatorInfo.OPTION_LARGE_BLOBS, true);
        options.put(AuthenticatorInfo.OPTION_AUTHNR_CFG, true);
        options.put(AuthenticatorInfo.OPTION_SET_MIN_PIN_LENGTH, true);
        options.put(AuthenticatorInfo.OPTION_ALWAYS_UV, settings.alwaysUv());
        if (settings.alwaysUv()) {
          versions = versions.stream().filter(v -> !v.equals("U2F_V2")).toList();
        }
        List<String> withMinPinLength = new ArrayList<>(extensions);
        withMinPinLength.add(Ctap2Authenticator.EXT_MIN_PIN_LENGTH);
        extensions = withMinPinLength;
        extraMembers.put(AuthenticatorInfo.KEY_FORCE_PIN_CHANGE, settings.forcePinChange());
        extraMembers.put(AuthenticatorInfo.KEY_MIN_PIN_LENGTH, settings.minPinLength());
        extraMembers.put(
            AuthenticatorInfo.KEY_MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH,
            FidoSettings.MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH);
      }
      current =
          new AuthenticatorInfo(
              versions,
              extensions,
              info.aaguid(),
              options,
              info.maxMsgSize(),
              info.pinUvAuthProtocols(),
              info.maxCredentialCountInList(),
              info.maxCredentialIdLength(),
              info.transports(),
              info.algorithms(),
              info.maxSerializedLargeBlobArray(),
              info.firmwareVersion(),
              info.maxCredBlobLength());
    }
    byte[] body = current.encode(extraMembers);
    byte[] response = new byte[1 + body.length];
    response[0] = (byte) CtapStatus.CTAP2_OK.value();
    System.arraycopy(body, 0, response, 1, body.length);
    return response;
  }

  private static byte[] statusWord(int sw) {
    return new byte[] {(byte) (sw >>> 8), (byte) sw};
  }
}
