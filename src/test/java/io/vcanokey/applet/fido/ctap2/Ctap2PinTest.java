package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoResponder;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.platform.UserPresence.Touch;
import io.vcanokey.storage.StateFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * makeCredential and getAssertion with a PIN set: pinUvAuthToken checks (CTAP 2.1, 6.1.2 step 11
 * and 6.2.2 step 6), the UV flag, and credProtect with UV (12.1). The platform side (key agreement,
 * PIN hash, token decryption, pinUvAuthParam) is computed with the JDK in {@link PinPlatform}.
 */
class Ctap2PinTest {

  private static final String RP = "example.com";
  private static final int FLAG_UV = 0x04;

  @TempDir Path dir;
  private StateFile state;
  private ClientPin pin;
  private Ctap2Authenticator authenticator;
  private final byte[] clientDataHash = new byte[32];
  private final List<String> touches = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    Provisioning.provision(state, new SecureRandom());
    pin = new ClientPin(state, new SecureRandom());
    UserPresence presence =
        new UserPresence() {
          @Override
          public boolean confirm(String purpose) {
            touches.add(purpose);
            return true;
          }

          @Override
          public io.vcanokey.platform.TouchPolicy policy() {
            return io.vcanokey.platform.TouchPolicy.AUTO;
          }
        };
    authenticator =
        new Ctap2Authenticator(
            new AppletContext(state, presence, new SecureRandom()),
            pin,
            FidoHandler.AAGUID,
            System::nanoTime);
    new SecureRandom().nextBytes(clientDataHash);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  @Test
  @DisplayName(
      "6.1.2 step 11: with a PIN set and makeCredUvNotRqd false, no token is PUAT_REQUIRED")
  void makeCredential_pinSetWithoutToken_puatRequired() throws Exception {
    setPin("1234");

    assertThat(status(makeCredential(null, 0, 3))).isEqualTo(0x36);
  }

  @Test
  @DisplayName(
      "6.1.2 steps 3 and 5 come before step 11: a wrong token with an unsupported algorithm is"
          + " UNSUPPORTED_ALGORITHM, with uv true INVALID_OPTION")
  void makeCredential_wrongTokenAndEarlierError_earlierStepAnswers() throws Exception {
    setPin("1234");
    byte[] wrongToken = new byte[32];

    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, clientDataHash);
    request.Add(0x02, CBORObject.NewMap().Add("id", RP));
    request.Add(0x03, CBORObject.NewMap().Add("id", new byte[] {1, 2, 3}).Add("name", "alice"));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -257).Add("type", "public-key")));
    request.Add(0x08, wrongToken);
    request.Add(0x09, 2);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, request))).isEqualTo(0x26);

    request.Set(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    request.Add(0x07, CBORObject.NewMap().Add("uv", true));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, request))).isEqualTo(0x2C);

    request.Remove(CBORObject.FromObject(0x07));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, request))).isEqualTo(0x33);
  }

  @Test
  @DisplayName("6.1.2 step 1: a zero-length pinUvAuthParam with a PIN set answers PIN_INVALID")
  void makeCredential_zeroLengthParamPinSet_pinInvalidAfterTouch() throws Exception {
    setPin("1234");

    assertThat(status(makeCredential(new byte[0], 1, 3))).isEqualTo(0x31);
    assertThat(touches).hasSize(1);
  }

  @Test
  @DisplayName("6.1.2 step 11: a valid token with mc sets UV; a wrong param is PIN_AUTH_INVALID")
  void makeCredential_token_uvFlagOrRefused() throws Exception {
    setPin("1234");
    for (int protocol = 1; protocol <= 2; protocol++) {
      byte[] token = token(protocol, "1234", ClientPin.PERMISSION_MC, RP);
      byte[] param = PinPlatform.authenticate(protocol, token, clientDataHash);

      byte[] ok = makeCredential(param, protocol, 3);
      assertThat(status(ok)).isZero();
      assertThat(flags(body(ok).get(CBORObject.FromObject(0x02)).GetByteString()) & FLAG_UV)
          .isEqualTo(FLAG_UV);

      byte[] wrong = param.clone();
      wrong[0] ^= 1;
      assertThat(status(makeCredential(wrong, protocol, 3))).isEqualTo(0x33);
    }
  }

  @Test
  @DisplayName("12.1: a credProtect-3 discoverable credential is found with UV only; UV is flagged")
  void getAssertion_credProtect3_onlyWithToken() throws Exception {
    setPin("1234");
    byte[] mcToken = token(2, "1234", ClientPin.PERMISSION_MC, RP);
    assertThat(status(makeCredential(PinPlatform.authenticate(2, mcToken, clientDataHash), 2, 3)))
        .isZero();

    assertThat(status(getAssertion(null, 0))).isEqualTo(0x2E);

    byte[] gaToken = token(1, "1234", ClientPin.PERMISSION_GA, RP);
    byte[] assertion = getAssertion(PinPlatform.authenticate(1, gaToken, clientDataHash), 1);
    assertThat(status(assertion)).isZero();
    assertThat(flags(body(assertion).get(CBORObject.FromObject(0x02)).GetByteString()) & FLAG_UV)
        .isEqualTo(FLAG_UV);
  }

  @Test
  @DisplayName("6.5.5.7: a token without the ga permission cannot get an assertion")
  void getAssertion_tokenWithoutGaPermission_refused() throws Exception {
    setPin("1234");
    byte[] token = token(2, "1234", ClientPin.PERMISSION_MC, RP);

    byte[] answer = getAssertion(PinPlatform.authenticate(2, token, clientDataHash), 2);

    assertThat(status(answer)).isEqualTo(0x33);
  }

  @Test
  @DisplayName(
      "6.1.2 step 14.4: makeCredential with up clears the token's mc and ga permissions;"
          + " a second use is PIN_AUTH_INVALID")
  void makeCredential_tokenUsedTwice_secondPinAuthInvalid() throws Exception {
    setPin("1234");
    byte[] token = token(2, "1234", ClientPin.PERMISSION_MC | ClientPin.PERMISSION_GA, RP);
    byte[] param = PinPlatform.authenticate(2, token, clientDataHash);
    assertThat(status(makeCredential(param, 2, 1))).isZero();

    assertThat(status(makeCredential(param, 2, 1))).isEqualTo(0x33);
    assertThat(status(getAssertion(param, 2))).isEqualTo(0x33);
  }

  @Test
  @DisplayName(
      "6.2.2 step 9.4: getAssertion with up clears the token's mc and ga permissions;"
          + " a second use is PIN_AUTH_INVALID")
  void getAssertion_tokenUsedTwice_secondPinAuthInvalid() throws Exception {
    setPin("1234");
    byte[] mcToken = token(2, "1234", ClientPin.PERMISSION_MC, RP);
    assertThat(status(makeCredential(PinPlatform.authenticate(2, mcToken, clientDataHash), 2, 1)))
        .isZero();
    byte[] token = token(2, "1234", ClientPin.PERMISSION_GA, RP);
    byte[] param = PinPlatform.authenticate(2, token, clientDataHash);
    assertThat(status(getAssertion(param, 2))).isZero();

    assertThat(status(getAssertion(param, 2))).isEqualTo(0x33);
  }

  // ---------------------------------------------------------------- requests

  private byte[] makeCredential(byte[] param, int protocol, int credProtect) {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, clientDataHash);
    request.Add(0x02, CBORObject.NewMap().Add("id", RP));
    request.Add(0x03, CBORObject.NewMap().Add("id", new byte[] {1, 2, 3}).Add("name", "alice"));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    request.Add(0x06, CBORObject.NewMap().Add("credProtect", credProtect));
    request.Add(0x07, CBORObject.NewMap().Add("rk", true));
    if (param != null) {
      request.Add(0x08, param);
      request.Add(0x09, protocol);
    }
    return send(CtapCommand.MAKE_CREDENTIAL, request);
  }

  private byte[] getAssertion(byte[] param, int protocol) {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, RP);
    request.Add(0x02, clientDataHash);
    if (param != null) {
      request.Add(0x06, param);
      request.Add(0x07, protocol);
    }
    return send(CtapCommand.GET_ASSERTION, request);
  }

  private byte[] send(CtapCommand command, CBORObject params) {
    byte[] body = params.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = (byte) command.value();
    System.arraycopy(body, 0, request, 1, body.length);
    List<byte[]> answers = new ArrayList<>();
    FidoResponder responder =
        new FidoResponder() {
          @Override
          public void respond(byte[] response) {
            answers.add(response);
          }

          @Override
          public void awaitingUserPresence() {}

          @Override
          public void processing() {}
        };
    try {
      authenticator.handle(command, request, responder, RequestPresence.NOT_ASKED);
    } catch (RequestPresence.Needed needed) {
      // The presence service here always grants, at once; FidoHandler runs it again.
      touches.add(needed.purpose());
      authenticator.handle(command, request, responder, RequestPresence.answered(Touch.GRANTED));
    }
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  private static int status(byte[] response) {
    return response[0] & 0xFF;
  }

  private static CBORObject body(byte[] response) {
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
  }

  /** The flags byte of authenticator data (WebAuthn 6.1): after the 32-byte rpIdHash. */
  private static int flags(byte[] authData) {
    return authData[32] & 0xFF;
  }

  // ---------------------------------------------------------------- clientPIN, platform side

  private CBORObject clientPin(CBORObject request) {
    byte[] response = pin.handle(request.EncodeToBytes());
    assertThat(response[0]).isZero();
    return response.length > 1
        ? CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length))
        : null;
  }

  private PinPlatform platform(int protocol) throws Exception {
    CBORObject request = CBORObject.NewMap().Add(0x01, protocol).Add(0x02, 0x02);
    return new PinPlatform(protocol, clientPin(request).get(CBORObject.FromObject(0x01)));
  }

  private void setPin(String value) throws Exception {
    PinPlatform platform = platform(2);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(value));
    clientPin(
        CBORObject.NewMap()
            .Add(0x01, 2)
            .Add(0x02, 0x03)
            .Add(0x03, platform.coseKey())
            .Add(0x04, platform.authenticate(newPinEnc))
            .Add(0x05, newPinEnc));
  }

  private byte[] token(int protocol, String value, int permissions, String rpId) throws Exception {
    PinPlatform platform = platform(protocol);
    CBORObject reply =
        clientPin(
            CBORObject.NewMap()
                .Add(0x01, protocol)
                .Add(0x02, 0x09)
                .Add(0x03, platform.coseKey())
                .Add(0x06, platform.encrypt(PinPlatform.pinHash(value)))
                .Add(0x09, permissions)
                .Add(0x0A, rpId));
    return platform.decrypt(reply.get(CBORObject.FromObject(0x02)).GetByteString());
  }
}
