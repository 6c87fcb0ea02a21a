package io.vcanokey.applet.fido;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.ctap2.AuthenticatorConfig;
import io.vcanokey.applet.fido.ctap2.AuthenticatorInfo;
import io.vcanokey.applet.fido.ctap2.AuthenticatorReset;
import io.vcanokey.applet.fido.ctap2.ClientPin;
import io.vcanokey.applet.fido.ctap2.CredentialManagement;
import io.vcanokey.applet.fido.ctap2.Ctap2Authenticator;
import io.vcanokey.applet.fido.ctap2.CtapCommand;
import io.vcanokey.applet.fido.ctap2.CtapStatus;
import io.vcanokey.applet.fido.ctap2.FidoSettings;
import io.vcanokey.applet.fido.ctap2.LargeBlobs;
import io.vcanokey.applet.fido.u2f.U2fApplet;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.platform.UserPresence.Touch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FIDO applet's entry point for CTAP2 requests (CTAP 2.1, section 6) and U2F raw messages (CTAP
 * 2.1, section 11.2.9.1.1; FIDO U2F raw message formats). It answers authenticatorGetInfo (6.4)
 * itself, hands authenticatorClientPIN (6.5) to {@link ClientPin}, authenticatorMakeCredential,
 * GetAssertion and GetNextAssertion (6.1 to 6.3) to {@link Ctap2Authenticator},
 * authenticatorCredentialManagement (6.8, command 0x0A and its pre-release value 0x41) to {@link
 * CredentialManagement}, and U2F REGISTER, AUTHENTICATE and VERSION to {@link U2fApplet} when built
 * over a key's state ({@link #FidoHandler(AppletContext)}).
 *
 * <p>What getInfo advertises ({@link #defaultInfo()}), and why:
 *
 * <ul>
 *   <li>versions, extensions, AAGUID, limits, algorithms and firmwareVersion are the reference
 *       key's (inventory 3.3), so clients identify the key as a CanoKey from the start; the
 *       extensions are the reference's four, credBlob, credProtect, hmac-secret and largeBlobKey,
 *       and over a key's state minPinLength.
 *   <li>transports is ["usb"], not the reference's ["nfc", "usb"]: this key has no NFC interface.
 *   <li>algorithms are ES256 (-7) and EdDSA (-8); the reference's optional SM2 entry is left out
 *       until SM2 is implemented.
 *   <li>options are set honestly, because clients act on them by themselves: with rk, credMgmt or
 *       largeBlobs true a client calls those commands unprompted, and with clientPin present it
 *       offers to set a PIN and sends clientPIN. So the reference key's option names are all
 *       listed, each true only where the handler serves the command behind it (the paragraph after
 *       this list); makeCredUvNotRqd is false, so with a PIN set makeCredential wants a
 *       pinUvAuthToken. credentialMgmtPreview and FIDO_2_1_PRE stay unlisted, as on the reference;
 *       {@link CredentialManagement} says why 0x41 is answered anyway. clientPin and pinUvAuthToken
 *       depend on the {@link ClientPin}: without one clientPin is absent ("no PIN capability") and
 *       pinUvAuthToken false; with one, pinUvAuthToken is true and clientPin is false until a PIN
 *       is set ("supported, not set") and true after, evaluated at each getInfo.
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
 * <p>User presence never blocks the key thread: a CTAP2 request that needs a touch is parked while
 * the user-presence service asks ({@link UserPresence#ask}), the transport sends keepalives, and
 * the request runs again from the start with the answer (see {@link RequestPresence}); CANCEL ends
 * the wait. One request is served at a time across every transport: another arriving meanwhile
 * answers CTAP1_ERR_CHANNEL_BUSY (CTAP2) or 6985 (U2F).
 *
 * <p>Threading: key thread only.
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

  /** ISO 7816-4 status word: conditions of use not satisfied (U2F: test of presence required). */
  public static final int SW_CONDITIONS_NOT_SATISFIED = 0x6985;

  /** How long a touch given on a U2F prompt waits for the client's next message. */
  public static final Duration U2F_TOUCH_VALIDITY = Duration.ofSeconds(10);

  /** ISO 7816-4 status word: no precise diagnosis (an internal error). */
  public static final int SW_UNKNOWN = 0x6F00;

  private final AuthenticatorInfo info;
  private final ClientPin clientPin; // null: no PIN support

  /** makeCredential, getAssertion and getNextAssertion; null without a key's state. */
  private final Ctap2Authenticator credentials;

  /** authenticatorCredentialManagement; null without a key's state. */
  private final CredentialManagement credentialManagement;

  /** U2F raw messages; null without a key's state (then U2F answers 6D00). */
  private final U2fApplet u2f;

  /** Decides every touch; null without a key's state. */
  private final UserPresence presence;

  private final Executor keyThread;
  private final LongSupplier nanoTime;

  /** The CTAP2 request waiting for a touch, if any; at most one across every transport. */
  private Waiting waiting;

  /** The prompt opened for a U2F message, until it is answered. */
  private UserPresence.Pending u2fPrompt;

  /** When a U2F prompt was answered with a touch not used yet; {@code null} for none. */
  private Long u2fTouchedAt;

  /** A CTAP2 request parked while the user decides. */
  private static final class Waiting {
    final FidoResponder responder;
    UserPresence.Pending prompt = UserPresence.Pending.DONE;
    boolean announced;

    Waiting(FidoResponder responder) {
      this.responder = responder;
    }
  }

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
  public FidoHandler(AppletContext context, Executor keyThread) {
    this(defaultInfo(), context, keyThread, System::nanoTime);
  }

  /**
   * A handler for a caller that is itself the key thread and owns no other: touch answers that
   * arrive later run on the thread that delivers them. For tests with a fixed presence service.
   */
  public FidoHandler(AppletContext context) {
    this(defaultInfo(), context, Runnable::run, System::nanoTime);
  }

  /**
   * A handler advertising {@code info}, with every command over {@code context}'s state.
   *
   * @param keyThread runs touch answers on the key thread
   * @param nanoTime the clock for the U2F touch validity
   */
  public FidoHandler(
      AuthenticatorInfo info, AppletContext context, Executor keyThread, LongSupplier nanoTime) {
    this(
        info,
        new ClientPin(context.state(), context.random(), nanoTime),
        context,
        keyThread,
        nanoTime);
  }

  private FidoHandler(AuthenticatorInfo info, ClientPin clientPin, AppletContext context) {
    this(info, clientPin, context, Runnable::run, System::nanoTime);
  }

  private FidoHandler(
      AuthenticatorInfo info,
      ClientPin clientPin,
      AppletContext context,
      Executor keyThread,
      LongSupplier nanoTime) {
    this.info = info;
    this.clientPin = clientPin;
    this.presence = context == null ? null : context.presence();
    this.keyThread = keyThread;
    this.nanoTime = nanoTime;
    this.context = context;
    this.credentials =
        context == null ? null : new Ctap2Authenticator(context, clientPin, AAGUID, nanoTime);
    this.credentialManagement =
        context == null ? null : new CredentialManagement(context, clientPin);
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

  /** The getInfo content this key advertises today; the class comment explains each choice. */
  public static AuthenticatorInfo defaultInfo() {
    return new AuthenticatorInfo(
        List.of("U2F_V2", "FIDO_2_0", "FIDO_2_1"),
        List.of("credBlob", "credProtect", "hmac-secret", "largeBlobKey"),
        AAGUID,
        Map.of(
            AuthenticatorInfo.OPTION_RK, true,
            AuthenticatorInfo.OPTION_CRED_MGMT, true,
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
    if (request.length > info.maxMsgSize()) {
      // 6.4 maxMsgSize: what the key accepts at most, on every transport.
      log.warn(
          "CTAP2 request of {} bytes, more than maxMsgSize {}", request.length, info.maxMsgSize());
      responder.respond(CtapStatus.CTAP1_ERR_INVALID_LENGTH.response());
      return;
    }
    if (waiting != null) {
      // Another transport's request waits for a touch; one key serves one request at a time.
      log.debug("CTAP2 request while another waits for a touch -> CTAP1_ERR_CHANNEL_BUSY");
      responder.respond(CtapStatus.CTAP1_ERR_CHANNEL_BUSY.response());
      return;
    }
    runCbor(request, responder, RequestPresence.NOT_ASKED);
  }

  /** One run of a CTAP2 request; the first run of a request that needs a touch asks for it. */
  private void runCbor(byte[] request, FidoResponder responder, RequestPresence touch) {
    if (request.length == 0) {
      log.warn("CTAP2 request without a command byte");
      responder.respond(CtapStatus.CTAP1_ERR_INVALID_LENGTH.response());
      return;
    }
    int commandByte = request[0] & 0xFF;
    Optional<CtapCommand> command = CtapCommand.fromValue(commandByte);
    boolean credMgmt =
        command.isPresent()
            && (command.get() == CtapCommand.CREDENTIAL_MANAGEMENT
                || command.get() == CtapCommand.CREDENTIAL_MANAGEMENT_PREVIEW);
    if (credentialManagement != null && !credMgmt) {
      credentialManagement.discardEnumeration(); // GetNextRP/-Credential must follow directly (6.8)
    }
    boolean credentialCommand =
        command.isPresent()
            && (command.get() == CtapCommand.MAKE_CREDENTIAL
                || command.get() == CtapCommand.GET_ASSERTION
                || command.get() == CtapCommand.GET_NEXT_ASSERTION);
    if (credentials != null && !credentialCommand) {
      credentials.endAssertionSequence(); // getNextAssertion must follow directly (6.3)
    }
    try {
      if (credMgmt && credentialManagement != null) {
        responder.respond(
            credentialManagement.handle(Arrays.copyOfRange(request, 1, request.length)));
        return;
      }
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
      if (credentials != null && credentialCommand) {
        credentials.handle(command.get(), request, responder, touch);
        return;
      }
      if (reset != null && command.isPresent()) {
        byte[] response =
            switch (command.get()) {
              case RESET -> reset.reset(touch);
              case SELECTION -> reset.select(touch);
              case LARGE_BLOBS -> largeBlobs.handle(request);
              case CONFIG -> config.handle(request);
              default -> null;
            };
        if (response != null) {
          responder.respond(response);
          return;
        }
      }
      log.debug(
          "CTAP2 command 0x{} ({}) -> CTAP1_ERR_INVALID_COMMAND",
          String.format("%02X", commandByte),
          command.map(Enum::name).orElse("unknown"));
      responder.respond(CtapStatus.CTAP1_ERR_INVALID_COMMAND.response());
    } catch (RequestPresence.Needed needed) {
      askForTouch(request, responder, needed.purpose());
    } catch (RuntimeException e) {
      log.error("bug in CTAP2 command 0x{}", String.format("%02X", commandByte), e);
      responder.respond(CtapStatus.CTAP1_ERR_OTHER.response());
    }
  }

  /**
   * Parks a CTAP2 request until the user answers, then runs it again with the answer. The host
   * hears STATUS_UPNEEDED keepalives meanwhile (11.2.9.1.7) and may CANCEL ({@link #cancel()}).
   */
  private void askForTouch(byte[] request, FidoResponder responder, String purpose) {
    if (u2fPrompt != null) {
      // A U2F client's open prompt gives way: the user's next answer belongs to this request.
      u2fPrompt.cancel();
      u2fPrompt = null;
    }
    Waiting parked = new Waiting(responder);
    waiting = parked;
    parked.prompt =
        presence.ask(
            purpose,
            keyThread,
            answer -> {
              if (waiting != parked) {
                return; // cancelled or abandoned meanwhile
              }
              waiting = null;
              if (parked.announced) {
                responder.processing();
              }
              log.debug("touch for {}: {}", purpose, answer);
              runCbor(request, responder, RequestPresence.answered(answer));
            });
    if (waiting == parked) { // not answered at once: the user is deciding
      parked.announced = true;
      responder.awaitingUserPresence();
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
    if (waiting != null) {
      log.debug("U2F message while a CTAP2 request waits for a touch -> 6985");
      responder.respond(statusWord(SW_CONDITIONS_NOT_SATISFIED));
      return;
    }
    try {
      try {
        responder.respond(u2f.process(apdu, RequestPresence.NOT_ASKED));
      } catch (RequestPresence.Needed needed) {
        responder.respond(u2f.process(apdu, RequestPresence.answered(u2fTouch(needed.purpose()))));
      }
    } catch (RuntimeException e) {
      log.error("bug in U2F INS 0x{}", String.format("%02X", apdu[1] & 0xFF), e);
      responder.respond(statusWord(SW_UNKNOWN));
    }
  }

  /**
   * The touch for a U2F message. U2F never waits (FIDO U2F raw message formats, 4.1 and 5.1: the
   * key answers 6985 at once and the client asks again), so a prompt that cannot be answered at
   * once stays open while the message fails; a touch given on it counts for the next REGISTER or
   * AUTHENTICATE within {@link #U2F_TOUCH_VALIDITY}, as a hardware key's touch does.
   */
  private Touch u2fTouch(String purpose) {
    if (u2fTouchedAt != null) {
      boolean fresh = nanoTime.getAsLong() - u2fTouchedAt <= U2F_TOUCH_VALIDITY.toNanos();
      u2fTouchedAt = null;
      if (fresh) {
        return Touch.GRANTED;
      }
    }
    if (u2fPrompt != null) {
      return Touch.REFUSED; // the prompt is still open
    }
    Touch[] atOnce = new Touch[1];
    boolean[] asking = {true};
    UserPresence.Pending prompt =
        presence.ask(
            purpose,
            keyThread,
            answer -> {
              if (asking[0]) {
                atOnce[0] = answer;
                return;
              }
              u2fPrompt = null;
              if (answer == Touch.GRANTED) {
                u2fTouchedAt = nanoTime.getAsLong();
              }
            });
    asking[0] = false;
    if (atOnce[0] != null) {
      return atOnce[0];
    }
    u2fPrompt = prompt;
    return Touch.REFUSED;
  }

  /**
   * Cancels the CTAP2 request waiting for a touch (CTAPHID_CANCEL, CTAP 2.1 11.2.9.1.5): the prompt
   * is withdrawn and the request ends with CTAP2_ERR_KEEPALIVE_CANCEL. With nothing waiting (a
   * request that never waits completes before a CANCEL can arrive) it does nothing.
   */
  public void cancel() {
    Waiting parked = waiting;
    if (parked == null) {
      log.debug("cancel: no CTAP request is waiting");
      return;
    }
    waiting = null;
    parked.prompt.cancel();
    log.debug("touch request cancelled -> CTAP2_ERR_KEEPALIVE_CANCEL");
    parked.responder.respond(CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL.response());
  }

  /**
   * The key was powered up again: a USB reset from the host, QEMU attaching it. Withdraws every
   * open prompt and forgets an unused U2F touch; clientPIN starts afresh (6.5.6), the 10-second
   * window of authenticatorReset opens again (6.6), a half-written large-blob array and a
   * credential enumeration are forgotten.
   */
  public void powerUp() {
    cancel();
    if (u2fPrompt != null) {
      u2fPrompt.cancel();
      u2fPrompt = null;
    }
    u2fTouchedAt = null;
    if (clientPin != null) {
      clientPin.powerUp();
    }
    if (credentialManagement != null) {
      credentialManagement.discardEnumeration();
    }
    if (credentials != null) {
      credentials.endAssertionSequence();
    }
    if (reset != null) {
      reset.powerUp();
      largeBlobs.abandonPendingWrite();
    }
    log.info("FIDO power-up");
  }

  /** Whether U2F is on: alwaysUv turns it off (CTAP 2.1, 6.11.2). */
  public boolean u2fEnabled() {
    return u2f != null && !alwaysUv();
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
