package io.vcanokey.applet.fido.ctap2;

import static io.vcanokey.applet.fido.ctap2.ClientPin.PERMISSION_BE;
import static io.vcanokey.applet.fido.ctap2.ClientPin.PERMISSION_CM;
import static io.vcanokey.applet.fido.ctap2.ClientPin.PERMISSION_GA;
import static io.vcanokey.applet.fido.ctap2.ClientPin.PERMISSION_MC;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.storage.StateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientPinTest {

  private static final byte[] CLIENT_DATA_HASH = new byte[32];

  @TempDir Path dir;
  private StateFile state;
  private ClientPin pin;
  private long now = 1_000_000_000L;

  @BeforeEach
  void open() throws Exception {
    state = StateFile.open(dir.resolve("state"));
    pin = new ClientPin(state, new SecureRandom(), () -> now);
  }

  @AfterEach
  void close() throws Exception {
    state.close();
  }

  // ---------------------------------------------------------------- platform side

  private record Reply(int status, CBORObject body) {}

  private Reply send(CBORObject request) {
    byte[] response = pin.handle(request.EncodeToBytes());
    CBORObject body =
        response.length > 1
            ? CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length))
            : null;
    return new Reply(response[0] & 0xFF, body);
  }

  private static CBORObject request(int protocol, int sub) {
    CBORObject map = CBORObject.NewMap();
    map.Add(0x01, protocol);
    map.Add(0x02, sub);
    return map;
  }

  private PinPlatform platform(int protocol) throws Exception {
    Reply reply = send(request(protocol, 0x02));
    assertThat(reply.status()).isZero();
    return new PinPlatform(protocol, reply.body().get(CBORObject.FromObject(0x01)));
  }

  private CBORObject setPinRequest(int protocol, byte[] padded) throws Exception {
    PinPlatform platform = platform(protocol);
    byte[] newPinEnc = platform.encrypt(padded);
    CBORObject request = request(protocol, 0x03);
    request.Add(0x03, platform.coseKey());
    request.Add(0x04, platform.authenticate(newPinEnc));
    request.Add(0x05, newPinEnc);
    return request;
  }

  private int setPin(int protocol, String value) throws Exception {
    return send(setPinRequest(protocol, PinPlatform.padPin(value))).status();
  }

  private int changePin(int protocol, String current, String next) throws Exception {
    PinPlatform platform = platform(protocol);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(next));
    byte[] pinHashEnc = platform.encrypt(PinPlatform.pinHash(current));
    CBORObject request = request(protocol, 0x04);
    request.Add(0x03, platform.coseKey());
    request.Add(0x04, platform.authenticate(PinPlatform.concat(newPinEnc, pinHashEnc)));
    request.Add(0x05, newPinEnc);
    request.Add(0x06, pinHashEnc);
    return send(request).status();
  }

  /** getPinToken (permissions null) or getPinUvAuthTokenUsingPinWithPermissions. */
  private TokenReply getToken(int protocol, String value, Integer permissions, String rpId)
      throws Exception {
    PinPlatform platform = platform(protocol);
    CBORObject request = request(protocol, permissions == null ? 0x05 : 0x09);
    request.Add(0x03, platform.coseKey());
    request.Add(0x06, platform.encrypt(PinPlatform.pinHash(value)));
    if (permissions != null) {
      request.Add(0x09, permissions);
    }
    if (rpId != null) {
      request.Add(0x0A, rpId);
    }
    Reply reply = send(request);
    byte[] token =
        reply.status() == 0
            ? platform.decrypt(reply.body().get(CBORObject.FromObject(0x02)).GetByteString())
            : null;
    return new TokenReply(reply.status(), token);
  }

  private record TokenReply(int status, byte[] token) {}

  private int retries() {
    Reply reply = send(request(1, 0x01));
    return reply.body().get(CBORObject.FromObject(0x03)).AsInt32Value();
  }

  private boolean powerCycleState() {
    Reply reply = send(request(1, 0x01));
    return reply.body().get(CBORObject.FromObject(0x04)).AsBoolean();
  }

  private CtapStatus check(int protocol, byte[] token, int permission, String rpId)
      throws Exception {
    return pin.checkToken(
        protocol,
        CLIENT_DATA_HASH,
        PinPlatform.authenticate(protocol, token, CLIENT_DATA_HASH),
        permission,
        rpId);
  }

  // ---------------------------------------------------------------- the token's usage timer

  @Test
  @DisplayName("6.5.2.1: a token not used within the initial usage time limit (30 s) expires")
  void checkToken_unusedFor31Seconds_expired() throws Exception {
    assertThat(setPin(2, "1234")).isZero();
    byte[] token = getToken(2, "1234", ClientPin.PERMISSION_GA, null).token();
    now += 31_000_000_000L;

    assertThat(check(2, token, ClientPin.PERMISSION_GA, "example.com"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  }

  @Test
  @DisplayName("6.5.2.1: a token used in time lives until the maximum usage period (10 min)")
  void checkToken_usedInTime_validUntilMaximumPeriod() throws Exception {
    assertThat(setPin(2, "1234")).isZero();
    byte[] token = getToken(2, "1234", ClientPin.PERMISSION_CM, null).token();
    now += 20_000_000_000L;
    assertThat(check(2, token, ClientPin.PERMISSION_CM, null)).isEqualTo(CtapStatus.CTAP2_OK);

    now += 500_000_000_000L; // 520 s after issue
    assertThat(check(2, token, ClientPin.PERMISSION_CM, null)).isEqualTo(CtapStatus.CTAP2_OK);

    now += 100_000_000_000L; // 620 s after issue
    assertThat(check(2, token, ClientPin.PERMISSION_CM, null))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  }

  // ---------------------------------------------------------------- getPINRetries, keyAgreement

  @Test
  @DisplayName("6.5.5.3 getPINRetries: 8 retries and powerCycleState false on a fresh key")
  void getPinRetries_fresh_eightNoPowerCycle() {
    Reply reply = send(request(1, 0x01));
    assertThat(reply.status()).isZero();
    assertThat(reply.body().get(CBORObject.FromObject(0x03)).AsInt32Value()).isEqualTo(8);
    assertThat(reply.body().get(CBORObject.FromObject(0x04)).AsBoolean()).isFalse();
    assertThat(pin.isPinSet()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.5.4 getKeyAgreement: the COSE key agreement key under 0x01")
  void getKeyAgreement_supportedProtocol_coseKey(int protocol) {
    Reply reply = send(request(protocol, 0x02));
    assertThat(reply.status()).isZero();
    CBORObject key = reply.body().get(CBORObject.FromObject(0x01));
    assertThat(key.get(CBORObject.FromObject(3)).AsInt32Value()).isEqualTo(-25);
  }

  @Test
  @DisplayName("6.5.5.4: missing pinUvAuthProtocol -> MISSING_PARAMETER, unknown -> INVALID_PARAM")
  void getKeyAgreement_badProtocol_errors() {
    CBORObject noProtocol = CBORObject.NewMap();
    noProtocol.Add(0x02, 0x02);
    assertThat(send(noProtocol).status()).isEqualTo(0x14);
    assertThat(send(request(3, 0x02)).status()).isEqualTo(0x02);
  }

  // ---------------------------------------------------------------- setPIN

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.5.5 setPIN: stores LEFT(SHA-256(PIN),16) with 8 retries")
  void setPin_valid_storesHash(int protocol) throws Exception {
    assertThat(setPin(protocol, "1234")).isZero();
    assertThat(pin.isPinSet()).isTrue();
    byte[] expected = new byte[17];
    expected[0] = 8;
    System.arraycopy(PinPlatform.pinHash("1234"), 0, expected, 1, 16);
    assertThat(state.get("fido/pin")).contains(expected);
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: a PIN already set -> CTAP2_ERR_PIN_AUTH_INVALID")
  void setPin_alreadySet_pinAuthInvalid() throws Exception {
    assertThat(setPin(2, "1234")).isZero();
    assertThat(setPin(2, "5678")).isEqualTo(0x33);
    assertThat(getToken(2, "1234", null, null).status()).isZero();
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: pinUvAuthParam that does not verify -> PIN_AUTH_INVALID")
  void setPin_badAuth_pinAuthInvalid() throws Exception {
    CBORObject request = setPinRequest(2, PinPlatform.padPin("1234"));
    byte[] param = request.get(CBORObject.FromObject(0x04)).GetByteString();
    param[0] ^= 1;
    request.set(CBORObject.FromObject(0x04), CBORObject.FromObject(param));
    assertThat(send(request).status()).isEqualTo(0x33);
    assertThat(pin.isPinSet()).isFalse();
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: fewer than 4 code points or more than 63 bytes -> POLICY_VIOLATION")
  void setPin_badLength_policyViolation() throws Exception {
    assertThat(setPin(1, "123")).isEqualTo(0x37);
    assertThat(setPin(1, "\u00e9\u00e9\u00e9")).isEqualTo(0x37); // 6 bytes, 3 code points
    byte[] full = new byte[64];
    Arrays.fill(full, (byte) '7');
    assertThat(send(setPinRequest(1, full)).status()).isEqualTo(0x37);
    byte[] invalidUtf8 = PinPlatform.padPin("12345");
    invalidUtf8[0] = (byte) 0xFF;
    assertThat(send(setPinRequest(1, invalidUtf8)).status()).isEqualTo(0x37);
    assertThat(pin.isPinSet()).isFalse();
    assertThat(setPin(1, "7".repeat(63))).isZero();
    assertThat(getToken(1, "7".repeat(63), null, null).status()).isZero();
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: four code points in more bytes are enough")
  void setPin_fourMultibyteCodePoints_ok() throws Exception {
    assertThat(setPin(2, "\u00e9\u00e9\u00e9\u00e9")).isZero();
    assertThat(getToken(2, "\u00e9\u00e9\u00e9\u00e9", null, null).status()).isZero();
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: paddedNewPin not 64 bytes -> CTAP1_ERR_INVALID_PARAMETER")
  void setPin_paddedNot64_invalidParameter() throws Exception {
    assertThat(send(setPinRequest(2, Arrays.copyOf("1234".getBytes(), 32))).status())
        .isEqualTo(0x02);
    assertThat(pin.isPinSet()).isFalse();
  }

  @Test
  @DisplayName("6.5.5.5 setPIN: missing newPinEnc -> CTAP2_ERR_MISSING_PARAMETER")
  void setPin_missingParameter_missing() throws Exception {
    CBORObject request = setPinRequest(2, PinPlatform.padPin("1234"));
    request.Remove(CBORObject.FromObject(0x05));
    assertThat(send(request).status()).isEqualTo(0x14);
  }

  // ---------------------------------------------------------------- changePIN

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.5.6 changePIN: the new PIN works, the old no longer")
  void changePin_rightCurrent_changed(int protocol) throws Exception {
    setPin(protocol, "1234");
    assertThat(changePin(protocol, "1234", "abcdef")).isZero();
    assertThat(getToken(protocol, "abcdef", null, null).status()).isZero();
    assertThat(getToken(protocol, "1234", null, null).status()).isEqualTo(0x31);
  }

  @Test
  @DisplayName("6.5.5.6 changePIN: wrong current PIN -> PIN_INVALID and one retry spent")
  void changePin_wrongCurrent_pinInvalid() throws Exception {
    setPin(2, "1234");
    assertThat(changePin(2, "0000", "abcdef")).isEqualTo(0x31);
    assertThat(retries()).isEqualTo(7);
    assertThat(getToken(2, "1234", null, null).status()).isZero();
    assertThat(retries()).isEqualTo(8);
  }

  @Test
  @DisplayName("6.5.5.6 changePIN: no PIN set -> CTAP2_ERR_PIN_NOT_SET")
  void changePin_noPin_pinNotSet() throws Exception {
    assertThat(changePin(2, "1234", "abcdef")).isEqualTo(0x35);
  }

  @Test
  @DisplayName("6.5.5.6 changePIN: a new PIN too short -> POLICY_VIOLATION, old PIN kept")
  void changePin_shortNew_policyViolation() throws Exception {
    setPin(1, "1234");
    assertThat(changePin(1, "1234", "12")).isEqualTo(0x37);
    assertThat(getToken(1, "1234", null, null).status()).isZero();
  }

  // ---------------------------------------------------------------- tokens

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.5.7.1 getPinToken: a 32-byte token with the mc and ga permissions")
  void getPinToken_rightPin_tokenForMcGa(int protocol) throws Exception {
    setPin(protocol, "1234");
    TokenReply reply = getToken(protocol, "1234", null, null);
    assertThat(reply.status()).isZero();
    assertThat(reply.token()).hasSize(32);
    assertThat(check(protocol, reply.token(), PERMISSION_MC, "example.com"))
        .isEqualTo(CtapStatus.CTAP2_OK);
    assertThat(check(protocol, reply.token(), PERMISSION_GA, "example.com"))
        .isEqualTo(CtapStatus.CTAP2_OK);
    assertThat(check(protocol, reply.token(), PERMISSION_CM, null))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(check(3 - protocol, reply.token(), PERMISSION_MC, "example.com"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(check(3, reply.token(), PERMISSION_MC, "example.com"))
        .isEqualTo(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
  }

  @Test
  @DisplayName("6.5.5.7.1 getPinToken: permissions or rpId present -> CTAP1_ERR_INVALID_PARAMETER")
  void getPinToken_withPermissions_invalidParameter() throws Exception {
    setPin(2, "1234");
    PinPlatform platform = platform(2);
    CBORObject request = request(2, 0x05);
    request.Add(0x03, platform.coseKey());
    request.Add(0x06, platform.encrypt(PinPlatform.pinHash("1234")));
    request.Add(0x09, 1);
    assertThat(send(request).status()).isEqualTo(0x02);
    assertThat(retries()).isEqualTo(8);
  }

  @Test
  @DisplayName("a wrong pinUvAuthParam, or no token issued, -> CTAP2_ERR_PIN_AUTH_INVALID")
  void checkToken_wrongParam_pinAuthInvalid() throws Exception {
    assertThat(pin.checkToken(2, CLIENT_DATA_HASH, new byte[32], PERMISSION_MC, "a"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    setPin(2, "1234");
    byte[] token = getToken(2, "1234", null, null).token();
    byte[] param = PinPlatform.authenticate(2, token, CLIENT_DATA_HASH);
    param[5] ^= 1;
    assertThat(pin.checkToken(2, CLIENT_DATA_HASH, param, PERMISSION_MC, "a"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  }

  @Test
  @DisplayName("6.5.5.7: a new token replaces the old one")
  void getPinToken_again_oldTokenInvalid() throws Exception {
    setPin(2, "1234");
    byte[] first = getToken(2, "1234", null, null).token();
    byte[] second = getToken(2, "1234", null, null).token();
    assertThat(check(2, first, PERMISSION_GA, "a"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(check(2, second, PERMISSION_GA, "a")).isEqualTo(CtapStatus.CTAP2_OK);
  }

  @Test
  @DisplayName("6.5.5.7.2: permissions and rpId bind the token")
  void getTokenWithPermissions_rpId_bound() throws Exception {
    setPin(2, "1234");
    byte[] token = getToken(2, "1234", PERMISSION_GA | PERMISSION_CM, "example.com").token();
    assertThat(check(2, token, PERMISSION_GA, "example.com")).isEqualTo(CtapStatus.CTAP2_OK);
    assertThat(check(2, token, PERMISSION_GA, "evil.com"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(check(2, token, PERMISSION_MC, "example.com"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(check(2, token, PERMISSION_CM, null)).isEqualTo(CtapStatus.CTAP2_OK);
  }

  @Test
  @DisplayName("6.5.5.7.2: a token without rpId is bound to the first RP ID it is used with")
  void getTokenWithPermissions_noRpId_boundAtFirstUse() throws Exception {
    setPin(1, "1234");
    byte[] token = getToken(1, "1234", PERMISSION_MC, null).token();
    assertThat(check(1, token, PERMISSION_MC, "first.example")).isEqualTo(CtapStatus.CTAP2_OK);
    assertThat(check(1, token, PERMISSION_MC, "second.example"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  }

  @Test
  @DisplayName("6.5.5.7.2: permissions 0 -> INVALID_PARAMETER, be -> UNAUTHORIZED_PERMISSION")
  void getTokenWithPermissions_badPermissions_errors() throws Exception {
    setPin(2, "1234");
    assertThat(getToken(2, "1234", 0, "a").status()).isEqualTo(0x02);
    assertThat(getToken(2, "1234", PERMISSION_BE, "a").status()).isEqualTo(0x40);
    assertThat(getToken(2, "1234", PERMISSION_GA | 0x80, "a").status()).isEqualTo(0x40);
    assertThat(retries()).isEqualTo(8);
  }

  @Test
  @DisplayName("6.5.5.7.2: missing permissions -> CTAP2_ERR_MISSING_PARAMETER")
  void getTokenWithPermissions_noPermissions_missing() throws Exception {
    setPin(2, "1234");
    PinPlatform platform = platform(2);
    CBORObject request = request(2, 0x09);
    request.Add(0x03, platform.coseKey());
    request.Add(0x06, platform.encrypt(PinPlatform.pinHash("1234")));
    assertThat(send(request).status()).isEqualTo(0x14);
  }

  @Test
  @DisplayName("6.5.5.7: no PIN set -> CTAP2_ERR_PIN_NOT_SET")
  void getPinToken_noPin_pinNotSet() throws Exception {
    assertThat(getToken(2, "1234", null, null).status()).isEqualTo(0x35);
  }

  // ---------------------------------------------------------------- retries and blocking

  @Test
  @DisplayName("6.5.5.7: a wrong PIN spends a retry durably, before the answer")
  void getPinToken_wrongPin_retryWrittenDurably() throws Exception {
    setPin(2, "1234");
    assertThat(getToken(2, "9999", null, null).status()).isEqualTo(0x31);
    state.close();
    state = StateFile.open(dir.resolve("state"));
    pin = new ClientPin(state, new SecureRandom());
    assertThat(retries()).isEqualTo(7);
  }

  @Test
  @DisplayName("6.5.5.7: a pinHashEnc of the wrong length counts as a mismatch")
  void getPinToken_shortPinHashEnc_pinInvalid() throws Exception {
    setPin(2, "1234");
    PinPlatform platform = platform(2);
    CBORObject request = request(2, 0x05);
    request.Add(0x03, platform.coseKey());
    request.Add(0x06, new byte[15]);
    assertThat(send(request).status()).isEqualTo(0x31);
    assertThat(retries()).isEqualTo(7);
  }

  @Test
  @DisplayName("6.5.5.7: a mismatch regenerates the key agreement key")
  void getPinToken_wrongPin_newKeyAgreement() throws Exception {
    setPin(2, "1234");
    byte[] before = send(request(2, 0x02)).body().EncodeToBytes();
    getToken(2, "9999", null, null);
    assertThat(send(request(2, 0x02)).body().EncodeToBytes()).isNotEqualTo(before);
  }

  @Test
  @DisplayName("6.5.5.7: 3 consecutive mismatches -> PIN_AUTH_BLOCKED until power cycle")
  void getPinToken_threeMismatches_authBlockedUntilPowerUp() throws Exception {
    setPin(2, "1234");
    assertThat(getToken(2, "0000", null, null).status()).isEqualTo(0x31);
    assertThat(getToken(2, "0000", null, null).status()).isEqualTo(0x31);
    assertThat(getToken(2, "0000", null, null).status()).isEqualTo(0x34);
    assertThat(getToken(2, "1234", null, null).status()).isEqualTo(0x34);
    assertThat(changePin(2, "1234", "5678")).isEqualTo(0x34);
    assertThat(retries()).isEqualTo(5);
    assertThat(powerCycleState()).isTrue();
    pin.powerUp();
    assertThat(powerCycleState()).isFalse();
    assertThat(getToken(2, "1234", null, null).status()).isZero();
    assertThat(retries()).isEqualTo(8);
  }

  @Test
  @DisplayName("6.5.5.7: the 8th wrong PIN -> PIN_BLOCKED, and then even the right PIN")
  void getPinToken_eightMismatches_pinBlocked() throws Exception {
    setPin(1, "1234");
    int[] expected = {0x31, 0x31, 0x34, 0x31, 0x31, 0x34, 0x31, 0x32};
    for (int i = 0; i < expected.length; i++) {
      assertThat(getToken(1, "0000", null, null).status())
          .as("attempt %d", i)
          .isEqualTo(expected[i]);
      if (expected[i] == 0x34) {
        pin.powerUp();
      }
    }
    assertThat(retries()).isZero();
    pin.powerUp();
    assertThat(getToken(1, "1234", null, null).status()).isEqualTo(0x32);
    assertThat(changePin(1, "1234", "5678")).isEqualTo(0x32);
    assertThat(retries()).isZero();
  }

  @Test
  @DisplayName("a mismatch after a right PIN starts the consecutive count again")
  void getPinToken_rightPinBetween_countRestarts() throws Exception {
    setPin(2, "1234");
    getToken(2, "0000", null, null);
    getToken(2, "0000", null, null);
    assertThat(getToken(2, "1234", null, null).status()).isZero();
    assertThat(getToken(2, "0000", null, null).status()).isEqualTo(0x31);
    assertThat(getToken(2, "0000", null, null).status()).isEqualTo(0x31);
  }

  @Test
  @DisplayName("6.6 authenticatorReset: no PIN, 8 retries, no token, not auth-blocked")
  void reset_afterBlocking_pinGoneAndRetriesRestored() throws Exception {
    setPin(2, "1234");
    byte[] token = getToken(2, "1234", null, null).token();
    for (int i = 0; i < 3; i++) {
      getToken(2, "0000", null, null);
    }
    pin.reset();
    assertThat(pin.isPinSet()).isFalse();
    assertThat(state.get("fido/pin")).isEmpty();
    assertThat(retries()).isEqualTo(8);
    assertThat(powerCycleState()).isFalse();
    assertThat(check(2, token, PERMISSION_GA, "a"))
        .isEqualTo(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    assertThat(setPin(2, "5678")).isZero();
  }

  // ---------------------------------------------------------------- malformed requests

  @Test
  @DisplayName("6.5.5 and 8.2: malformed CBOR, types and subcommands get their status codes")
  void handle_malformed_specifiedErrors() throws Exception {
    assertThat(pin.handle(new byte[0])).containsExactly(0x14);
    assertThat(pin.handle(new byte[] {(byte) 0xFF})).containsExactly(0x12);
    assertThat(pin.handle(new byte[] {(byte) 0xA1, 0x01})).containsExactly(0x12); // truncated
    assertThat(pin.handle(CBORObject.NewArray().EncodeToBytes())).containsExactly(0x11);
    CBORObject noSub = CBORObject.NewMap();
    noSub.Add(0x01, 2);
    assertThat(send(noSub).status()).isEqualTo(0x14);
    CBORObject textSub = CBORObject.NewMap();
    textSub.Add(0x01, 2);
    textSub.Add(0x02, "1");
    assertThat(send(textSub).status()).isEqualTo(0x11);
    assertThat(send(request(-1, 0x02)).status()).isEqualTo(0x11);
    for (int sub : new int[] {0x00, 0x06, 0x07, 0x08, 0x42, 0x1000}) {
      assertThat(send(request(2, sub)).status()).as("sub %d", sub).isEqualTo(0x3E);
    }
    CBORObject keyAsBytes = request(2, 0x05);
    keyAsBytes.Add(0x03, new byte[65]);
    keyAsBytes.Add(0x06, new byte[32]);
    assertThat(send(keyAsBytes).status()).isEqualTo(0x11);
    CBORObject hashAsText = request(2, 0x05);
    hashAsText.Add(0x03, platform(2).coseKey());
    hashAsText.Add(0x06, "x");
    assertThat(send(hashAsText).status()).isEqualTo(0x11);
    CBORObject rpAsInt = request(2, 0x09);
    rpAsInt.Add(0x0A, 7);
    assertThat(send(rpAsInt).status()).isEqualTo(0x11);
  }

  @Test
  @DisplayName("6.5.5.7: a keyAgreement point off the curve -> INVALID_PARAMETER, no retry spent")
  void getPinToken_offCurveKey_invalidParameter() throws Exception {
    setPin(2, "1234");
    PinPlatform platform = platform(2);
    CBORObject key = platform.coseKey();
    byte[] y = key.get(CBORObject.FromObject(-3)).GetByteString();
    y[31] ^= 1;
    key.set(CBORObject.FromObject(-3), CBORObject.FromObject(y));
    CBORObject request = request(2, 0x05);
    request.Add(0x03, key);
    request.Add(0x06, platform.encrypt(PinPlatform.pinHash("1234")));
    assertThat(send(request).status()).isEqualTo(0x02);
    assertThat(retries()).isEqualTo(8);
  }

  @Test
  void handle_rpIdUtf8_accepted() throws Exception {
    setPin(2, "1234");
    String rp =
        new String("b\u00fccher.example".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    byte[] token = getToken(2, "1234", PERMISSION_GA, rp).token();
    assertThat(check(2, token, PERMISSION_GA, rp)).isEqualTo(CtapStatus.CTAP2_OK);
  }
}
