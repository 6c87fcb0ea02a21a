package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoResponder;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.applet.fido.u2f.U2fApplet;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.platform.UserPresence.Touch;
import io.vcanokey.storage.StateFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The extensions and response details of makeCredential and getAssertion: hmac-secret (CTAP 2.1,
 * 12.5), largeBlobKey (12.3), none attestation on request (CTAP 2.2, 6.1
 * attestationFormatsPreference), the user member after UV (6.2.2) and the shared signature counter.
 * The platform side of hmac-secret (key agreement, salt encryption, output decryption) is {@link
 * PinPlatform}, written with the JDK independently of the authenticator; hmac_udp.py checks the
 * same with python-fido2.
 */
class Ctap2ExtensionsTest {

  private static final String RP = "example.com";
  private static final int FLAG_UV = 0x04;
  private static final int FLAG_ED = 0x80;
  private static final String PIN = "1234";

  @TempDir Path dir;
  private StateFile state;
  private ClientPin pin;
  private AppletContext context;
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
            return true;
          }

          @Override
          public TouchPolicy policy() {
            return TouchPolicy.AUTO;
          }
        };
    context = new AppletContext(state, presence, new SecureRandom());
    authenticator = new Ctap2Authenticator(context, pin, FidoHandler.AAGUID, System::nanoTime);
    new SecureRandom().nextBytes(clientDataHash);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  // ---------------------------------------------------------------- hmac-secret

  @Test
  @DisplayName("12.5: makeCredential with hmac-secret true sets ED and outputs hmac-secret: true")
  void makeCredential_hmacSecretTrue_extensionOutputTrue() {
    byte[] answer = makeCredential(extensions("hmac-secret", true), false, null);

    assertThat(status(answer)).isZero();
    byte[] authData = body(answer).get(CBORObject.FromObject(0x02)).GetByteString();
    assertThat(authData[32] & FLAG_ED).isEqualTo(FLAG_ED);
    CBORObject outputs = trailingExtensions(authData);
    assertThat(outputs.get("hmac-secret").AsBoolean()).isTrue();
  }

  @Test
  @DisplayName(
      "12.5: output = encrypt(shared secret, HMAC-SHA-256(CredRandomWithoutUV, salt1)), the same"
          + " for the same salt and with either PIN/UV auth protocol")
  void getAssertion_hmacSecretOneSalt_decryptsToHmacOfCredRandom() throws Exception {
    byte[] credentialId =
        credentialId(makeCredential(extensions("hmac-secret", true), false, null));
    byte[] salt = filled(0xA5, 32);
    byte[] expected = hmac(credRandom(credentialId, false), salt);

    for (int protocol = 1; protocol <= 2; protocol++) {
      PinPlatform platform = platform(protocol);
      byte[] answer = getAssertion(credentialId, hmacInput(platform, salt, true), null, 0);
      assertThat(status(answer)).isZero();
      byte[] output = hmacOutput(answer);
      assertThat(output).hasSize(protocol == 1 ? 32 : 48);
      assertThat(platform.decrypt(output)).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("12.5: two salts give output1 || output2, each the HMAC of its own salt")
  void getAssertion_hmacSecretTwoSalts_bothOutputs() throws Exception {
    byte[] credentialId =
        credentialId(makeCredential(extensions("hmac-secret", true), false, null));
    byte[] salt1 = filled(0x01, 32);
    byte[] salt2 = filled(0x02, 32);
    PinPlatform platform = platform(2);

    byte[] answer =
        getAssertion(credentialId, hmacInput(platform, concat(salt1, salt2), true), null, 0);

    byte[] secret = credRandom(credentialId, false);
    assertThat(platform.decrypt(hmacOutput(answer)))
        .isEqualTo(concat(hmac(secret, salt1), hmac(secret, salt2)));
  }

  @Test
  @DisplayName("12.5: with UV (a pinUvAuthToken) the output comes from CredRandomWithUV instead")
  void getAssertion_hmacSecretWithUv_usesCredRandomWithUv() throws Exception {
    setPin();
    byte[] mcToken = token(2, ClientPin.PERMISSION_MC);
    byte[] credentialId =
        credentialId(
            makeCredential(
                extensions("hmac-secret", true),
                false,
                PinPlatform.authenticate(2, mcToken, clientDataHash)));
    byte[] salt = filled(0x33, 32);
    PinPlatform platform = platform(1);
    byte[] gaToken = token(1, ClientPin.PERMISSION_GA);

    byte[] answer =
        getAssertion(
            credentialId,
            hmacInput(platform, salt, true),
            PinPlatform.authenticate(1, gaToken, clientDataHash),
            1);

    assertThat(status(answer)).isZero();
    byte[] authData = body(answer).get(CBORObject.FromObject(0x02)).GetByteString();
    assertThat(authData[32] & FLAG_UV).isEqualTo(FLAG_UV);
    byte[] withUv = hmac(credRandom(credentialId, true), salt);
    assertThat(platform.decrypt(hmacOutput(answer)))
        .isEqualTo(withUv)
        .isNotEqualTo(hmac(credRandom(credentialId, false), salt));
  }

  @Test
  @DisplayName(
      "12.5: saltAuth that does not verify is PIN_AUTH_INVALID, salts of other than 32 or 64 bytes"
          + " INVALID_LENGTH, and neither changes the signature counter")
  void getAssertion_hmacSecretBadAuthOrLength_specifiedErrors() throws Exception {
    byte[] credentialId =
        credentialId(makeCredential(extensions("hmac-secret", true), false, null));
    byte[] counter = state.get("fido/sign-counter").orElseThrow();
    PinPlatform platform = platform(1);

    assertThat(
            status(getAssertion(credentialId, hmacInput(platform, new byte[32], false), null, 0)))
        .isEqualTo(0x33);
    for (int length : new int[] {16, 48, 96}) {
      byte[] answer =
          getAssertion(credentialId, hmacInput(platform, new byte[length], true), null, 0);
      assertThat(status(answer)).as("%d-byte salts", length).isEqualTo(0x03);
    }
    PinPlatform two = platform(2);
    byte[] saltEnc = Arrays.copyOf(two.encrypt(new byte[32]), 40); // not whole AES blocks
    CBORObject input =
        CBORObject.NewMap()
            .Add(1, two.coseKey())
            .Add(2, saltEnc)
            .Add(3, two.authenticate(saltEnc))
            .Add(4, 2);
    assertThat(status(getAssertion(credentialId, input, null, 0))).isEqualTo(0x03);

    assertThat(state.get("fido/sign-counter").orElseThrow()).isEqualTo(counter);
    assertThat(touches).hasSize(1); // the makeCredential touch only: errors come before UP
  }

  @Test
  @DisplayName(
      "12.5: a missing member is MISSING_PARAMETER, a mistyped one CBOR_UNEXPECTED_TYPE, an"
          + " unknown protocol or a keyAgreement that is no P-256 point INVALID_PARAMETER")
  void getAssertion_hmacSecretMalformedInput_specifiedErrors() throws Exception {
    byte[] credentialId =
        credentialId(makeCredential(extensions("hmac-secret", true), false, null));
    PinPlatform platform = platform(1);
    CBORObject good = hmacInput(platform, new byte[32], true);

    for (int member = 1; member <= 3; member++) {
      CBORObject input = CBORObject.DecodeFromBytes(good.EncodeToBytes());
      input.Remove(CBORObject.FromObject(member));
      assertThat(status(getAssertion(credentialId, input, null, 0)))
          .as("member %d missing", member)
          .isEqualTo(0x14);
      input.Add(member, "text");
      assertThat(status(getAssertion(credentialId, input, null, 0)))
          .as("member %d mistyped", member)
          .isEqualTo(0x11);
    }
    CBORObject protocol3 = CBORObject.DecodeFromBytes(good.EncodeToBytes()).Set(4, 3);
    assertThat(status(getAssertion(credentialId, protocol3, null, 0))).isEqualTo(0x02);
    CBORObject offCurve = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    offCurve.get(CBORObject.FromObject(1)).Set(-3, new byte[32]);
    assertThat(status(getAssertion(credentialId, offCurve, null, 0))).isEqualTo(0x02);
    assertThat(status(getAssertion(credentialId, CBORObject.FromObject(true), null, 0)))
        .isEqualTo(0x11);
  }

  @Test
  @DisplayName(
      "12.5 and 6.3: getNextAssertion answers hmac-secret too, each credential with its own"
          + " CredRandom and the salts of the getAssertion")
  void getNextAssertion_hmacSecret_perCredentialOutput() throws Exception {
    List<byte[]> ids = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      CBORObject request = makeCredentialRequest(extensions("hmac-secret", true), true, null);
      request.Set(0x03, CBORObject.NewMap().Add("id", new byte[] {(byte) i}));
      ids.add(credentialId(send(CtapCommand.MAKE_CREDENTIAL, request)));
    }
    byte[] salt = filled(0x5A, 32);
    PinPlatform platform = platform(2);
    CBORObject request = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    request.Add(0x04, extensions("hmac-secret", hmacInput(platform, salt, true)));

    byte[] first = send(CtapCommand.GET_ASSERTION, request);
    byte[] next = send(CtapCommand.GET_NEXT_ASSERTION, null);

    // newest first: the second credential, then the first
    assertThat(platform.decrypt(hmacOutput(first)))
        .isEqualTo(hmac(credRandom(ids.get(1), false), salt));
    assertThat(platform.decrypt(hmacOutput(next)))
        .isEqualTo(hmac(credRandom(ids.get(0), false), salt));
  }

  @Test
  @DisplayName("inventory 3.5: hmac-secret with up = false is UNSUPPORTED_OPTION")
  void getAssertion_hmacSecretSilent_unsupportedOption() throws Exception {
    byte[] credentialId =
        credentialId(makeCredential(extensions("hmac-secret", true), false, null));
    CBORObject request = assertionRequest(credentialId);
    request.Add(0x04, extensions("hmac-secret", hmacInput(platform(1), new byte[32], true)));
    request.Add(0x05, CBORObject.NewMap().Add("up", false));

    assertThat(status(send(CtapCommand.GET_ASSERTION, request))).isEqualTo(0x2B);
  }

  // ---------------------------------------------------------------- largeBlobKey

  @Test
  @DisplayName(
      "12.3: largeBlobKey with rk returns a 32-byte key in member 0x05; getAssertion asking for it"
          + " returns the same key in member 0x07, and only when asked")
  void largeBlobKey_discoverable_returnedByBoth() {
    byte[] made = makeCredential(extensions("largeBlobKey", true), true, null);
    assertThat(status(made)).isZero();
    byte[] key = body(made).get(CBORObject.FromObject(0x05)).GetByteString();
    assertThat(key).hasSize(32);

    CBORObject asked = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    asked.Add(0x04, extensions("largeBlobKey", true));
    byte[] assertion = send(CtapCommand.GET_ASSERTION, asked);
    assertThat(body(assertion).get(CBORObject.FromObject(0x07)).GetByteString()).isEqualTo(key);

    CBORObject plain = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    assertThat(body(send(CtapCommand.GET_ASSERTION, plain)).ContainsKey(0x07)).isFalse();
  }

  @Test
  @DisplayName("12.3: largeBlobKey false, or without rk, is INVALID_OPTION; not a boolean 0x11")
  void largeBlobKey_falseOrWithoutRk_invalidOption() {
    assertThat(status(makeCredential(extensions("largeBlobKey", false), true, null)))
        .isEqualTo(0x2C);
    assertThat(status(makeCredential(extensions("largeBlobKey", true), false, null)))
        .isEqualTo(0x2C);
    assertThat(status(makeCredential(extensions("largeBlobKey", 1), true, null))).isEqualTo(0x11);
    assertThat(status(makeCredential(CBORObject.NewMap(), true, null))).isZero();
    CBORObject request = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    request.Add(0x04, extensions("largeBlobKey", false));
    assertThat(status(send(CtapCommand.GET_ASSERTION, request))).isEqualTo(0x2C);
    assertThat(touches).hasSize(1);
  }

  @Test
  @DisplayName("12.3: a discoverable credential made without largeBlobKey has none to return")
  void largeBlobKey_credentialWithout_noMember() {
    assertThat(status(makeCredential(CBORObject.NewMap(), true, null))).isZero();
    CBORObject request = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    request.Add(0x04, extensions("largeBlobKey", true));

    byte[] answer = send(CtapCommand.GET_ASSERTION, request);

    assertThat(status(answer)).isZero();
    assertThat(body(answer).ContainsKey(0x07)).isFalse();
  }

  // ---------------------------------------------------------------- attestation format

  @Test
  @DisplayName(
      "CTAP 2.2 6.1 attestationFormatsPreference: \"none\" first gives fmt none, attStmt {}")
  void makeCredential_preferNone_noneAttestation() {
    CBORObject request = makeCredentialRequest(CBORObject.NewMap(), false, null);
    request.Add(0x0B, CBORObject.NewArray().Add("none").Add("packed"));

    CBORObject response = body(send(CtapCommand.MAKE_CREDENTIAL, request));

    assertThat(response.get(CBORObject.FromObject(0x01)).AsString()).isEqualTo("none");
    assertThat(response.get(CBORObject.FromObject(0x03)).size()).isZero();
    assertThat(response.get(CBORObject.FromObject(0x02)).GetByteString().length).isGreaterThan(37);
  }

  @ParameterizedTest
  @ValueSource(strings = {"packed,none", "tpm,packed", "tpm", ""})
  @DisplayName("CTAP 2.2 6.1: packed when it comes first, nothing supported is listed, or empty")
  void makeCredential_preferPackedOrUnknown_packed(String formats) {
    CBORObject list = CBORObject.NewArray();
    for (String f : formats.isEmpty() ? new String[0] : formats.split(",")) {
      list.Add(f);
    }
    CBORObject request = makeCredentialRequest(CBORObject.NewMap(), false, null);
    request.Add(0x0B, list);

    CBORObject response = body(send(CtapCommand.MAKE_CREDENTIAL, request));

    assertThat(response.get(CBORObject.FromObject(0x01)).AsString()).isEqualTo("packed");
    assertThat(response.get(CBORObject.FromObject(0x03)).ContainsKey("x5c")).isTrue();
  }

  @Test
  @DisplayName("CTAP 2.1 section 8: attestationFormatsPreference not an array of text is 0x11")
  void makeCredential_preferenceMistyped_cborUnexpectedType() {
    CBORObject notArray = makeCredentialRequest(CBORObject.NewMap(), false, null).Add(0x0B, "none");
    CBORObject notText =
        makeCredentialRequest(CBORObject.NewMap(), false, null)
            .Add(0x0B, CBORObject.NewArray().Add(1));

    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, notArray))).isEqualTo(0x11);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, notText))).isEqualTo(0x11);
    assertThat(touches).isEmpty();
  }

  // ---------------------------------------------------------------- user member

  @Test
  @DisplayName(
      "6.2.2 member user: after UV with several accounts, id, name and displayName, also in"
          + " getNextAssertion; without UV the id alone")
  void getAssertion_severalAccounts_userDetailsOnlyWithUv() throws Exception {
    setPin();
    for (int i = 1; i <= 2; i++) {
      byte[] token = token(2, ClientPin.PERMISSION_MC);
      CBORObject request =
          makeCredentialRequest(
              CBORObject.NewMap(), true, PinPlatform.authenticate(2, token, clientDataHash));
      request.Set(
          0x03,
          CBORObject.NewMap()
              .Add("id", new byte[] {(byte) i})
              .Add("name", "user" + i)
              .Add("displayName", "User " + i));
      assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, request))).isZero();
    }

    CBORObject plain = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    CBORObject user = body(send(CtapCommand.GET_ASSERTION, plain)).get(CBORObject.FromObject(0x04));
    assertThat(user.getKeys()).extracting(CBORObject::AsString).containsExactly("id");

    byte[] token = token(1, ClientPin.PERMISSION_GA);
    CBORObject verified =
        CBORObject.NewMap()
            .Add(0x01, RP)
            .Add(0x02, clientDataHash)
            .Add(0x06, PinPlatform.authenticate(1, token, clientDataHash))
            .Add(0x07, 1);
    CBORObject first = body(send(CtapCommand.GET_ASSERTION, verified));
    assertThat(first.get(CBORObject.FromObject(0x05)).AsInt32Value()).isEqualTo(2);
    CBORObject firstUser = first.get(CBORObject.FromObject(0x04));
    assertThat(firstUser.get("name").AsString()).isEqualTo("user2"); // newest first
    assertThat(firstUser.get("displayName").AsString()).isEqualTo("User 2");
    CBORObject next = body(send(CtapCommand.GET_NEXT_ASSERTION, null));
    assertThat(next.get(CBORObject.FromObject(0x04)).get("name").AsString()).isEqualTo("user1");
  }

  @Test
  @DisplayName("6.2.2 member user: a single account gets its id alone, even after UV")
  void getAssertion_singleAccountWithUv_idOnly() throws Exception {
    setPin();
    byte[] mcToken = token(2, ClientPin.PERMISSION_MC);
    assertThat(
            status(
                makeCredential(
                    CBORObject.NewMap(),
                    true,
                    PinPlatform.authenticate(2, mcToken, clientDataHash))))
        .isZero();
    byte[] token = token(2, ClientPin.PERMISSION_GA);
    CBORObject request =
        CBORObject.NewMap()
            .Add(0x01, RP)
            .Add(0x02, clientDataHash)
            .Add(0x06, PinPlatform.authenticate(2, token, clientDataHash))
            .Add(0x07, 2);

    CBORObject user = body(send(CtapCommand.GET_ASSERTION, request)).get(CBORObject.FromObject(4));

    assertThat(user.getKeys()).extracting(CBORObject::AsString).containsExactly("id");
  }

  // ---------------------------------------------------------------- token usage

  @Test
  @DisplayName(
      "6.1.2 step 14.4 and 6.2.2 step 9: after user presence the token keeps only lbw, so a"
          + " second makeCredential or getAssertion with it is PIN_AUTH_INVALID")
  void token_afterUserPresence_permissionsConsumed() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_MC | ClientPin.PERMISSION_GA);
    byte[] param = PinPlatform.authenticate(2, token, clientDataHash);
    byte[] made = makeCredential(CBORObject.NewMap(), false, param);
    assertThat(status(made)).isZero();

    assertThat(status(makeCredential(CBORObject.NewMap(), false, param))).isEqualTo(0x33);
    assertThat(status(getAssertion(credentialId(made), null, param, 2))).isEqualTo(0x33);

    byte[] gaToken = token(2, ClientPin.PERMISSION_GA);
    byte[] gaParam = PinPlatform.authenticate(2, gaToken, clientDataHash);
    assertThat(status(getAssertion(credentialId(made), null, gaParam, 2))).isZero();
    assertThat(status(getAssertion(credentialId(made), null, gaParam, 2))).isEqualTo(0x33);
  }

  @Test
  @DisplayName("6.2.2 step 9: a silent getAssertion (up = false) does not consume the token")
  void token_silentAssertion_notConsumed() throws Exception {
    setPin();
    byte[] mcToken = token(2, ClientPin.PERMISSION_MC);
    byte[] made =
        makeCredential(
            CBORObject.NewMap(), false, PinPlatform.authenticate(2, mcToken, clientDataHash));
    byte[] token = token(2, ClientPin.PERMISSION_GA);
    CBORObject silent = assertionRequest(credentialId(made));
    silent.Add(0x05, CBORObject.NewMap().Add("up", false));
    silent.Add(0x06, PinPlatform.authenticate(2, token, clientDataHash));
    silent.Add(0x07, 2);

    assertThat(status(send(CtapCommand.GET_ASSERTION, silent))).isZero();
    assertThat(status(send(CtapCommand.GET_ASSERTION, silent))).isZero();
  }

  // ---------------------------------------------------------------- signature counter

  @Test
  @DisplayName(
      "WebAuthn 6.1.1: at FFFFFFFF the counter does not wrap; makeCredential and getAssertion"
          + " answer LIMIT_EXCEEDED and nothing is stored")
  void counterExhausted_limitExceeded() throws Exception {
    byte[] credentialId = credentialId(makeCredential(CBORObject.NewMap(), false, null));
    state.put("fido/sign-counter", new byte[] {-1, -1, -1, -1});

    assertThat(status(makeCredential(CBORObject.NewMap(), true, null))).isEqualTo(0x15);
    assertThat(status(getAssertion(credentialId, null, null, 0))).isEqualTo(0x15);
    assertThat(state.names().stream().filter(n -> n.startsWith("fido/rk/"))).isEmpty();
    assertThat(state.get("fido/sign-counter").orElseThrow()).containsExactly(-1, -1, -1, -1);
  }

  @Test
  @DisplayName(
      "inventory 3.4: one global counter; U2F AUTHENTICATE (raw message formats 5.4) and CTAP2"
          + " authData (WebAuthn 6.1) each take the next value")
  void counter_sharedByU2fAndCtap2_consecutive() throws Exception {
    byte[] made = makeCredential(CBORObject.NewMap(), false, null);
    byte[] credentialId = credentialId(made);
    long afterMake = counterOf(body(made).get(CBORObject.FromObject(0x02)).GetByteString());

    // A non-discoverable ES256 credential ID is also a U2F key handle for appId = rpIdHash.
    byte[] apdu = new byte[5 + 32 + 32 + 1 + credentialId.length];
    apdu[1] = 0x02;
    apdu[2] = 0x03;
    apdu[4] = (byte) (apdu.length - 5);
    byte[] appId =
        MessageDigest.getInstance("SHA-256").digest(RP.getBytes(StandardCharsets.US_ASCII));
    System.arraycopy(appId, 0, apdu, 5 + 32, 32);
    apdu[5 + 64] = (byte) credentialId.length;
    System.arraycopy(credentialId, 0, apdu, 5 + 65, credentialId.length);
    byte[] u2f = new U2fApplet(context).process(apdu, RequestPresence.answered(Touch.GRANTED));
    assertThat(Arrays.copyOfRange(u2f, u2f.length - 2, u2f.length)).containsExactly(0x90, 0x00);
    long afterU2f = ByteBuffer.wrap(u2f, 1, 4).getInt() & 0xFFFFFFFFL;

    byte[] assertion = getAssertion(credentialId, null, null, 0);
    long afterAssertion =
        counterOf(body(assertion).get(CBORObject.FromObject(0x02)).GetByteString());

    assertThat(afterU2f).isEqualTo(afterMake + 1);
    assertThat(afterAssertion).isEqualTo(afterU2f + 1);
  }

  private static long counterOf(byte[] authData) {
    return ByteBuffer.wrap(authData, 33, 4).getInt() & 0xFFFFFFFFL;
  }

  // ---------------------------------------------------------------- requests

  private static CBORObject extensions(String name, Object value) {
    return CBORObject.NewMap().Add(name, value);
  }

  private CBORObject makeCredentialRequest(CBORObject extensions, boolean rk, byte[] param) {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, clientDataHash);
    request.Add(0x02, CBORObject.NewMap().Add("id", RP));
    request.Add(
        0x03,
        CBORObject.NewMap()
            .Add("id", new byte[] {1, 2, 3})
            .Add("name", "alice")
            .Add("displayName", "Alice"));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    request.Add(0x06, extensions);
    if (rk) {
      request.Add(0x07, CBORObject.NewMap().Add("rk", true));
    }
    if (param != null) {
      request.Add(0x08, param);
      request.Add(0x09, 2);
    }
    return request;
  }

  private byte[] makeCredential(CBORObject extensions, boolean rk, byte[] param) {
    return send(CtapCommand.MAKE_CREDENTIAL, makeCredentialRequest(extensions, rk, param));
  }

  private CBORObject assertionRequest(byte[] credentialId) {
    CBORObject request = CBORObject.NewMap().Add(0x01, RP).Add(0x02, clientDataHash);
    request.Add(
        0x03,
        CBORObject.NewArray()
            .Add(CBORObject.NewMap().Add("id", credentialId).Add("type", "public-key")));
    return request;
  }

  private byte[] getAssertion(byte[] credentialId, CBORObject hmacInput, byte[] param, int proto) {
    CBORObject request = assertionRequest(credentialId);
    if (hmacInput != null) {
      request.Add(0x04, extensions("hmac-secret", hmacInput));
    }
    if (param != null) {
      request.Add(0x06, param);
      request.Add(0x07, proto);
    }
    return send(CtapCommand.GET_ASSERTION, request);
  }

  /** The hmac-secret input (12.5) for {@code salts}; {@code goodAuth} false spoils saltAuth. */
  private static CBORObject hmacInput(PinPlatform platform, byte[] salts, boolean goodAuth)
      throws Exception {
    byte[] saltEnc = platform.encrypt(salts);
    byte[] saltAuth = platform.authenticate(saltEnc);
    if (!goodAuth) {
      saltAuth[0] ^= 1;
    }
    return CBORObject.NewMap()
        .Add(1, platform.coseKey())
        .Add(2, saltEnc)
        .Add(3, saltAuth)
        .Add(4, platform.protocol);
  }

  private byte[] send(CtapCommand command, CBORObject params) {
    byte[] body = params == null ? new byte[0] : params.EncodeToBytes();
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
    // As FidoHandler runs it: the first run asks for a touch, the second runs with the answer.
    try {
      authenticator.handle(command, request, responder, RequestPresence.NOT_ASKED);
    } catch (RequestPresence.Needed needed) {
      touches.add(needed.purpose());
      authenticator.handle(command, request, responder, RequestPresence.answered(Touch.GRANTED));
    }
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  // ---------------------------------------------------------------- responses

  private static int status(byte[] response) {
    return response[0] & 0xFF;
  }

  private static CBORObject body(byte[] response) {
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
  }

  /** The credential ID in attested credential data (WebAuthn 6.5.1): after the AAGUID. */
  private static byte[] credentialId(byte[] makeCredentialResponse) {
    assertThat(status(makeCredentialResponse)).isZero();
    byte[] authData = body(makeCredentialResponse).get(CBORObject.FromObject(0x02)).GetByteString();
    int length = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    return Arrays.copyOfRange(authData, 55, 55 + length);
  }

  /** The extensions map that ends a makeCredential authData, after the COSE public key. */
  private static CBORObject trailingExtensions(byte[] authData) {
    int length = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    byte[] rest = Arrays.copyOfRange(authData, 55 + length, authData.length);
    CBORObject[] items = CBORObject.DecodeSequenceFromBytes(rest);
    assertThat(items).hasSize(2);
    return items[1];
  }

  /**
   * The hmac-secret output in a getAssertion authData (WebAuthn 6.1: extensions after 37 bytes).
   */
  private static byte[] hmacOutput(byte[] getAssertionResponse) {
    assertThat(status(getAssertionResponse)).isZero();
    byte[] authData = body(getAssertionResponse).get(CBORObject.FromObject(0x02)).GetByteString();
    assertThat(authData[32] & FLAG_ED).isEqualTo(FLAG_ED);
    CBORObject extensions =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(authData, 37, authData.length));
    return extensions.get("hmac-secret").GetByteString();
  }

  // ---------------------------------------------------------------- platform side

  /**
   * CredRandom as HmacSecret's class comment specifies it, recomputed here with the JDK from the
   * key's kh-key: HMAC-SHA-256(HMAC-SHA-256(kh-key, label), credential ID).
   */
  private byte[] credRandom(byte[] credentialId, boolean uv) throws Exception {
    String label = "vcanokey hmac-secret " + (uv ? "CredRandomWithUV" : "CredRandomWithoutUV");
    byte[] key =
        hmac(state.get("fido/kh-key").orElseThrow(), label.getBytes(StandardCharsets.US_ASCII));
    return hmac(key, credentialId);
  }

  private static byte[] hmac(byte[] key, byte[] message) throws Exception {
    return PinPlatform.hmac(key, message);
  }

  private static byte[] filled(int value, int length) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return PinPlatform.concat(a, b);
  }

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

  private void setPin() throws Exception {
    PinPlatform platform = platform(2);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(PIN));
    clientPin(
        CBORObject.NewMap()
            .Add(0x01, 2)
            .Add(0x02, 0x03)
            .Add(0x03, platform.coseKey())
            .Add(0x04, platform.authenticate(newPinEnc))
            .Add(0x05, newPinEnc));
  }

  private byte[] token(int protocol, int permissions) throws Exception {
    PinPlatform platform = platform(protocol);
    CBORObject reply =
        clientPin(
            CBORObject.NewMap()
                .Add(0x01, protocol)
                .Add(0x02, 0x09)
                .Add(0x03, platform.coseKey())
                .Add(0x06, platform.encrypt(PinPlatform.pinHash(PIN)))
                .Add(0x09, permissions)
                .Add(0x0A, RP));
    return platform.decrypt(reply.get(CBORObject.FromObject(0x02)).GetByteString());
  }
}
