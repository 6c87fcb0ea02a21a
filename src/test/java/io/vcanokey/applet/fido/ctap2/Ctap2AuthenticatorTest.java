package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.platform.UserPresence.Touch;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ctap2AuthenticatorTest {

  private static final String RP_ID = "example.com";
  private static final int ES256 = -7;
  private static final int EDDSA = -8;

  @TempDir Path dir;

  private StateFile state;
  private boolean touchGranted = true;
  private final List<String> touches = new ArrayList<>();
  private long now = 0;
  private Ctap2Authenticator authenticator;
  private final byte[] clientDataHash = new byte[32];

  private ResponseRecorder last;
  private UserPresence presence;

  @BeforeEach
  void setUp() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    Provisioning.provision(state, new SecureRandom());
    presence =
        new UserPresence() {
          @Override
          public boolean confirm(String purpose) {
            touches.add(purpose);
            return touchGranted;
          }

          @Override
          public TouchPolicy policy() {
            return TouchPolicy.AUTO;
          }
        };
    authenticator =
        new Ctap2Authenticator(
            new AppletContext(state, presence, new SecureRandom()),
            null,
            FidoHandler.AAGUID,
            () -> now);
    new SecureRandom().nextBytes(clientDataHash);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  // ------------------------------------------------------------------ request builders

  private byte[] send(CtapCommand command, CBORObject params) {
    byte[] body = params == null ? new byte[0] : params.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = (byte) command.value();
    System.arraycopy(body, 0, request, 1, body.length);
    return sendRaw(command, request);
  }

  private byte[] sendRaw(CtapCommand command, byte[] request) {
    last = new ResponseRecorder();
    try {
      authenticator.handle(command, request, last, RequestPresence.NOT_ASKED);
    } catch (RequestPresence.Needed needed) {
      // What FidoHandler does: ask, then run the request again with the answer.
      last.awaitingUserPresence();
      Touch touch = presence.confirm(needed.purpose()) ? Touch.GRANTED : Touch.REFUSED;
      last.processing();
      authenticator.handle(command, request, last, RequestPresence.answered(touch));
    }
    assertThat(last.responses).hasSize(1);
    return last.responses.get(0);
  }

  private static CBORObject makeCredentialParams(
      byte[] cdh, byte[] userId, boolean rk, int... algs) {
    CBORObject params = CBORObject.NewMap();
    params.Add(1, cdh);
    CBORObject rp = CBORObject.NewMap();
    rp.Add("id", RP_ID);
    rp.Add("name", "Example");
    params.Add(2, rp);
    CBORObject user = CBORObject.NewMap();
    user.Add("id", userId);
    user.Add("name", "alice");
    user.Add("displayName", "Alice");
    params.Add(3, user);
    CBORObject credParams = CBORObject.NewArray();
    for (int alg : algs) {
      CBORObject p = CBORObject.NewMap();
      p.Add("alg", alg);
      p.Add("type", "public-key");
      credParams.Add(p);
    }
    params.Add(4, credParams);
    if (rk) {
      CBORObject options = CBORObject.NewMap();
      options.Add("rk", true);
      params.Add(7, options);
    }
    return params;
  }

  private CBORObject getAssertionParams(byte[]... allowed) {
    CBORObject params = CBORObject.NewMap();
    params.Add(1, RP_ID);
    params.Add(2, clientDataHash);
    if (allowed.length > 0) {
      CBORObject list = CBORObject.NewArray();
      for (byte[] id : allowed) {
        list.Add(descriptor(id));
      }
      params.Add(3, list);
    }
    return params;
  }

  private static CBORObject descriptor(byte[] id) {
    CBORObject d = CBORObject.NewMap();
    d.Add("id", id);
    d.Add("type", "public-key");
    return d;
  }

  private static CBORObject ok(byte[] response) {
    assertThat(Hex.encode(Arrays.copyOf(response, 1))).isEqualTo("00");
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
  }

  private static String status(byte[] response) {
    assertThat(response).hasSize(1);
    return Hex.encode(response);
  }

  /** The parsed attested credential data of a makeCredential authData (WebAuthn 6.5.1). */
  private record Attested(
      int flags,
      long counter,
      byte[] aaguid,
      byte[] credentialId,
      CBORObject coseKey,
      Optional<CBORObject> extensions) {}

  private static Attested parseAttested(byte[] authData) {
    ByteBuffer in = ByteBuffer.wrap(authData);
    byte[] rpIdHash = new byte[32];
    in.get(rpIdHash);
    assertThat(rpIdHash).isEqualTo(sha256(RP_ID.getBytes(StandardCharsets.UTF_8)));
    int flags = in.get() & 0xFF;
    long counter = in.getInt() & 0xFFFFFFFFL;
    byte[] aaguid = new byte[16];
    in.get(aaguid);
    byte[] credentialId = new byte[in.getShort() & 0xFFFF];
    in.get(credentialId);
    ByteArrayInputStream rest =
        new ByteArrayInputStream(authData, in.position(), authData.length - in.position());
    CBORObject coseKey = CBORObject.Read(rest);
    Optional<CBORObject> extensions =
        rest.available() > 0 ? Optional.of(CBORObject.Read(rest)) : Optional.empty();
    assertThat(rest.available()).isZero();
    return new Attested(flags, counter, aaguid, credentialId, coseKey, extensions);
  }

  private static PublicKey publicKey(CBORObject cose) throws Exception {
    if (cose.get(1).AsInt32() == 1) { // OKP Ed25519: SubjectPublicKeyInfo prefix of RFC 8410
      byte[] spki = Hex.decode("302A300506032B6570032100");
      byte[] x = cose.get(-2).GetByteString();
      byte[] encoded = Arrays.copyOf(spki, spki.length + x.length);
      System.arraycopy(x, 0, encoded, spki.length, x.length);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECPoint w =
        new ECPoint(
            new BigInteger(1, cose.get(-2).GetByteString()),
            new BigInteger(1, cose.get(-3).GetByteString()));
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
  }

  private static boolean verify(PublicKey key, byte[] message, byte[] signature) throws Exception {
    Signature v =
        Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "Ed25519");
    v.initVerify(key);
    v.update(message);
    return v.verify(signature);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private long storedCounter() {
    return ByteBuffer.wrap(state.get(Provisioning.SIGNATURE_COUNTER).orElseThrow()).getInt()
        & 0xFFFFFFFFL;
  }

  /** Makes a credential and returns its ID and COSE public key. */
  private Attested register(byte[] userId, boolean rk, int alg) {
    CBORObject response =
        ok(
            send(
                CtapCommand.MAKE_CREDENTIAL,
                makeCredentialParams(clientDataHash, userId, rk, alg)));
    return parseAttested(response.get(2).GetByteString());
  }

  // ------------------------------------------------------------------ makeCredential

  @ParameterizedTest
  @ValueSource(ints = {ES256, EDDSA})
  @DisplayName(
      "CTAP 2.1 6.1.2, WebAuthn 8.2: packed attestation by the batch certificate over"
          + " authData || clientDataHash, checked by the JDK")
  void makeCredential_supportedAlgorithm_packedAttestationVerifies(int alg) throws Exception {
    CBORObject response =
        ok(
            send(
                CtapCommand.MAKE_CREDENTIAL,
                makeCredentialParams(clientDataHash, new byte[] {1, 2, 3}, false, -257, alg)));

    assertThat(response.get(1).AsString()).isEqualTo("packed");
    byte[] authData = response.get(2).GetByteString();
    Attested attested = parseAttested(authData);
    assertThat(attested.flags()).isEqualTo(0x41); // UP | AT
    assertThat(attested.counter()).isEqualTo(1);
    assertThat(Hex.encode(attested.aaguid())).isEqualTo("244EB29EE0904E4981FE1F20F8D3B8F4");
    assertThat(attested.credentialId()).hasSize(70);
    assertThat(attested.coseKey().get(3).AsInt32()).isEqualTo(alg);
    CBORObject attStmt = response.get(3);
    assertThat(attStmt.get("alg").AsInt32()).isEqualTo(ES256);
    byte[] certBytes = attStmt.get("x5c").get(0).GetByteString();
    assertThat(certBytes).isEqualTo(state.get(Provisioning.ATTESTATION_CERT).orElseThrow());
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certBytes));
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(cert.getPublicKey());
    v.update(concat(authData, clientDataHash));
    assertThat(v.verify(attStmt.get("sig").GetByteString())).isTrue();
    assertThat(storedCounter()).isEqualTo(1);
    assertThat(last.progress).containsExactly("up", "processing");
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2 step 3: no supported algorithm -> CTAP2_ERR_UNSUPPORTED_ALGORITHM")
  void makeCredential_onlyRs256_unsupportedAlgorithm() {
    byte[] r =
        send(
            CtapCommand.MAKE_CREDENTIAL,
            makeCredentialParams(clientDataHash, new byte[] {1}, false, -257));
    assertThat(status(r)).isEqualTo("26");
    assertThat(touches).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  @DisplayName("CTAP 2.1 6.1: a missing required parameter -> CTAP2_ERR_MISSING_PARAMETER")
  void makeCredential_missingRequired_missingParameter(int key) {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.Remove(CBORObject.FromObject(key));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("14");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  @DisplayName(
      "CTAP 2.1 6.1, 8: a parameter of the wrong CBOR type -> CTAP2_ERR_CBOR_UNEXPECTED_TYPE")
  void makeCredential_mistyped_cborUnexpectedType(int key) {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.set(CBORObject.FromObject(key), CBORObject.FromObject(key == 9 ? "one" : 7));
    if (key == 9) {
      params.Add(8, new byte[16]);
    }
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("11");
  }

  @Test
  @DisplayName("CTAP 2.1 6.1: rp.id and user.id missing or mistyped -> 0x14 / 0x11")
  void makeCredential_badEntityMembers_specifiedErrors() {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.get(2).Remove(CBORObject.FromObject("id"));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("14");
    params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.get(3).set("id", CBORObject.FromObject("text"));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("11");
    params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.get(4).get(0).set("alg", CBORObject.FromObject("ES256"));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("11");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 8: parameters that are not CBOR -> CTAP2_ERR_INVALID_CBOR; not a map -> 0x11")
  void makeCredential_malformedCbor_invalidCbor() {
    assertThat(status(sendRaw(CtapCommand.MAKE_CREDENTIAL, new byte[] {0x01, (byte) 0xA1})))
        .isEqualTo("12");
    assertThat(status(sendRaw(CtapCommand.MAKE_CREDENTIAL, new byte[] {0x01, (byte) 0x80})))
        .isEqualTo("11");
    assertThat(status(sendRaw(CtapCommand.MAKE_CREDENTIAL, new byte[] {0x01}))).isEqualTo("14");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 5: uv true without built-in UV, up false -> CTAP2_ERR_INVALID_OPTION")
  void makeCredential_uvTrueOrUpFalse_invalidOption() {
    for (String option : List.of("uv", "up")) {
      CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
      CBORObject options = CBORObject.NewMap();
      options.Add(option, option.equals("uv"));
      params.Add(7, options);
      assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("2C");
    }
    assertThat(touches).isEmpty();
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 1: zero-length pinUvAuthParam, no PIN set -> touch, CTAP2_ERR_PIN_NOT_SET")
  void makeCredential_emptyPinUvAuthParam_pinNotSetAfterTouch() {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.Add(8, new byte[0]);
    params.Add(9, 1);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("35");
    assertThat(last.progress).containsExactly("up", "processing");
    touchGranted = false;
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("27");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 2: pinUvAuthParam without protocol -> 0x14, unknown protocol -> 0x02")
  void makeCredential_pinUvAuthParamProtocol_checked() {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, false, ES256);
    params.Add(8, new byte[16]);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("14");
    params.Add(9, 3);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("02");
    assertThat(storedCounter()).isZero();
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 12: a credential of ours in excludeList -> touch, CTAP2_ERR_CREDENTIAL_EXCLUDED")
  void makeCredential_excludedCredential_excludedAfterTouch() {
    byte[] id = register(new byte[] {1}, false, ES256).credentialId();
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {2}, false, ES256);
    CBORObject exclude = CBORObject.NewArray();
    byte[] foreign = id.clone();
    foreign[0] ^= 1;
    exclude.Add(descriptor(foreign));
    exclude.Add(descriptor(id));
    params.Add(5, exclude);
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("19");
    assertThat(last.progress).containsExactly("up", "processing");
    assertThat(storedCounter()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 14: the user refuses presence -> CTAP2_ERR_OPERATION_DENIED, nothing stored")
  void makeCredential_touchRefused_operationDenied() {
    touchGranted = false;
    byte[] r =
        send(
            CtapCommand.MAKE_CREDENTIAL,
            makeCredentialParams(clientDataHash, new byte[] {1}, true, ES256));
    assertThat(status(r)).isEqualTo("27");
    assertThat(storedCounter()).isZero();
    assertThat(state.names()).noneMatch(n -> n.startsWith(ResidentCredentials.PREFIX));
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2: clientDataHash must be 32 bytes")
  void makeCredential_shortClientDataHash_invalidLength() {
    byte[] r =
        send(
            CtapCommand.MAKE_CREDENTIAL,
            makeCredentialParams(new byte[31], new byte[] {1}, false, ES256));
    assertThat(status(r)).isEqualTo("03");
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2 step 17: the store is full -> CTAP2_ERR_KEY_STORE_FULL")
  void makeCredential_storeFull_keyStoreFull() throws Exception {
    byte[] id = register(new byte[] {0}, true, ES256).credentialId();
    state.update(
        tx -> {
          for (int i = 1; i < ResidentCredentials.CAPACITY; i++) {
            tx.put(
                ResidentCredentials.PREFIX + String.format("%03d", i),
                new ResidentCredentials.Entry(
                        "",
                        id,
                        "other.example",
                        new byte[] {(byte) i},
                        Optional.empty(),
                        Optional.empty(),
                        new byte[0],
                        i + 1)
                    .encode());
          }
        });
    byte[] r =
        send(
            CtapCommand.MAKE_CREDENTIAL,
            makeCredentialParams(clientDataHash, new byte[] {9}, true, ES256));
    assertThat(status(r)).isEqualTo("28");
    // the same RP and user.id replaces its credential instead
    ok(
        send(
            CtapCommand.MAKE_CREDENTIAL,
            makeCredentialParams(clientDataHash, new byte[] {0}, true, ES256)));
  }

  // ------------------------------------------------------------------ getAssertion

  @ParameterizedTest
  @ValueSource(ints = {ES256, EDDSA})
  @DisplayName(
      "CTAP 2.1 6.2.2, WebAuthn 6.3.3: an allowList assertion verifies with the attested key")
  void getAssertion_allowList_signatureVerifies(int alg) throws Exception {
    Attested credential = register(new byte[] {1}, false, alg);

    CBORObject response =
        ok(
            send(
                CtapCommand.GET_ASSERTION,
                getAssertionParams(new byte[70], credential.credentialId())));

    assertThat(response.get(1).get("id").GetByteString()).isEqualTo(credential.credentialId());
    byte[] authData = response.get(2).GetByteString();
    assertThat(authData).hasSize(37);
    assertThat(Arrays.copyOf(authData, 32))
        .isEqualTo(sha256(RP_ID.getBytes(StandardCharsets.UTF_8)));
    assertThat(authData[32]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(authData, 33, 4).getInt()).isEqualTo(2);
    assertThat(
            verify(
                publicKey(credential.coseKey()),
                concat(authData, clientDataHash),
                response.get(3).GetByteString()))
        .isTrue();
    assertThat(response.ContainsKey(4)).isFalse();
    assertThat(response.ContainsKey(5)).isFalse();
    assertThat(storedCounter()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.2.2: discoverable credentials, newest first, numberOfCredentials, getNextAssertion")
  void getAssertion_discoverable_iteratesWithNextAssertion() throws Exception {
    Attested older = register(new byte[] {1}, true, ES256);
    Attested newer = register(new byte[] {2}, true, EDDSA);
    register(new byte[] {3}, false, ES256); // not discoverable: not listed

    CBORObject first = ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    assertThat(first.get(5).AsInt32()).isEqualTo(2);
    assertThat(first.get(1).get("id").GetByteString()).isEqualTo(newer.credentialId());
    assertThat(first.get(4).get("id").GetByteString()).isEqualTo(new byte[] {2});
    assertThat(first.get(4).size()).isEqualTo(1); // no name without UV
    assertThat(
            verify(
                publicKey(newer.coseKey()),
                concat(first.get(2).GetByteString(), clientDataHash),
                first.get(3).GetByteString()))
        .isTrue();

    CBORObject second = ok(send(CtapCommand.GET_NEXT_ASSERTION, null));
    assertThat(second.get(1).get("id").GetByteString()).isEqualTo(older.credentialId());
    assertThat(second.ContainsKey(5)).isFalse();
    assertThat(
            verify(
                publicKey(older.coseKey()),
                concat(second.get(2).GetByteString(), clientDataHash),
                second.get(3).GetByteString()))
        .isTrue();

    assertThat(status(send(CtapCommand.GET_NEXT_ASSERTION, null))).isEqualTo("30");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.3: getNextAssertion after 30 s or after another command -> CTAP2_ERR_NOT_ALLOWED")
  void getNextAssertion_expiredOrInterrupted_notAllowed() {
    register(new byte[] {1}, true, ES256);
    register(new byte[] {2}, true, ES256);
    ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    now += 30_000_000_001L;
    assertThat(status(send(CtapCommand.GET_NEXT_ASSERTION, null))).isEqualTo("30");
    ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    register(new byte[] {3}, false, ES256);
    assertThat(status(send(CtapCommand.GET_NEXT_ASSERTION, null))).isEqualTo("30");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.3: a getInfo between getAssertion and getNextAssertion ends the sequence")
  void getNextAssertion_afterGetInfo_notAllowed() {
    FidoHandler handler =
        new FidoHandler(new AppletContext(state, UserPresence.always(), new SecureRandom()));
    ResponseRecorder recorder = new ResponseRecorder();
    for (int user = 1; user <= 2; user++) {
      byte[] body =
          makeCredentialParams(clientDataHash, new byte[] {(byte) user}, true, ES256)
              .EncodeToBytes();
      handler.handleCbor(concat(new byte[] {0x01}, body), recorder);
    }
    handler.handleCbor(concat(new byte[] {0x02}, getAssertionParams().EncodeToBytes()), recorder);
    assertThat(ok(recorder.responses.get(2)).get(5).AsInt32()).isEqualTo(2);

    handler.handleCbor(new byte[] {0x04}, recorder);
    handler.handleCbor(new byte[] {0x08}, recorder);

    assertThat(recorder.responses.get(4)).containsExactly(0x30);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.3: the 30 s timer runs from the last getAssertion or getNextAssertion, and"
          + " each getNextAssertion restarts it")
  void getNextAssertion_eachWithin30sOfPrevious_allServed() {
    register(new byte[] {1}, true, ES256);
    register(new byte[] {2}, true, ES256);
    register(new byte[] {3}, true, ES256);
    ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    now += 20_000_000_000L;
    ok(send(CtapCommand.GET_NEXT_ASSERTION, null));
    now += 20_000_000_000L; // 40 s after getAssertion, 20 s after the last getNextAssertion

    ok(send(CtapCommand.GET_NEXT_ASSERTION, null));
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.2.2 step 5: up = false gives a silent assertion with UP clear and no touch")
  void getAssertion_upFalse_silent() {
    Attested credential = register(new byte[] {1}, false, ES256);
    touches.clear();
    CBORObject params = getAssertionParams(credential.credentialId());
    CBORObject options = CBORObject.NewMap();
    options.Add("up", false);
    params.Add(5, options);
    CBORObject response = ok(send(CtapCommand.GET_ASSERTION, params));
    assertThat(response.get(2).GetByteString()[32]).isZero();
    assertThat(touches).isEmpty();
    assertThat(last.progress).isEmpty();
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.2.2: errors: rk option 0x2B, uv 0x2C, no credentials 0x2E, missing 0x14, types 0x11")
  void getAssertion_errors_specifiedCodes() {
    CBORObject params = getAssertionParams();
    CBORObject options = CBORObject.NewMap();
    options.Add("rk", true);
    params.Add(5, options);
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("2B");
    options = CBORObject.NewMap();
    options.Add("uv", true);
    params.set(CBORObject.FromObject(5), options);
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("2C");
    assertThat(status(send(CtapCommand.GET_ASSERTION, getAssertionParams()))).isEqualTo("2E");
    assertThat(status(send(CtapCommand.GET_ASSERTION, getAssertionParams(new byte[70]))))
        .isEqualTo("2E");
    params = getAssertionParams();
    params.Remove(CBORObject.FromObject(1));
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("14");
    params = getAssertionParams();
    params.set(CBORObject.FromObject(1), CBORObject.FromObject(new byte[] {1}));
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("11");
    params = getAssertionParams();
    params.Add(3, CBORObject.FromObject("list"));
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("11");
    params = getAssertionParams();
    params.Add(6, new byte[0]);
    assertThat(status(send(CtapCommand.GET_ASSERTION, params))).isEqualTo("35");
    assertThat(storedCounter()).isZero();
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2 / 6.2.2: a deleted discoverable credential's ID no longer asserts")
  void getAssertion_discoverableIdNotStored_noCredentials() throws Exception {
    Attested credential = register(new byte[] {1}, true, ES256);
    state.update(tx -> tx.delete(ResidentCredentials.PREFIX + "000"));
    assertThat(
            status(send(CtapCommand.GET_ASSERTION, getAssertionParams(credential.credentialId()))))
        .isEqualTo("2E");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 17, 6.2.2: the discoverable credential and the signature counter"
          + " survive reopening the state file")
  void discoverableCredential_reopenedState_stillAssertsWithLaterCounter() throws Exception {
    Attested credential = register(new byte[] {7}, true, EDDSA);
    state.close();
    state = StateFile.open(dir.resolve("key"));
    authenticator =
        new Ctap2Authenticator(
            new AppletContext(state, UserPresence.always(), new SecureRandom()),
            null,
            FidoHandler.AAGUID,
            () -> now);

    CBORObject response = ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));

    assertThat(response.get(1).get("id").GetByteString()).isEqualTo(credential.credentialId());
    byte[] authData = response.get(2).GetByteString();
    assertThat(ByteBuffer.wrap(authData, 33, 4).getInt()).isEqualTo(2);
    assertThat(
            verify(
                publicKey(credential.coseKey()),
                concat(authData, clientDataHash),
                response.get(3).GetByteString()))
        .isTrue();
  }

  @Test
  @DisplayName(
      "Malformed input is normal input: every truncation and bit flip of makeCredential and"
          + " getAssertion requests gets a status, never an exception, and the store stays readable")
  void malformedRequests_truncatedOrFlipped_answeredWithStatus() {
    byte[] id = register(new byte[] {1}, true, ES256).credentialId();
    List<byte[]> requests = new ArrayList<>();
    for (CBORObject params :
        List.of(
            makeCredentialParams(clientDataHash, new byte[] {2}, true, ES256, EDDSA),
            getAssertionParams(id))) {
      requests.add(params.EncodeToBytes());
    }
    CtapCommand[] commands = {CtapCommand.MAKE_CREDENTIAL, CtapCommand.GET_ASSERTION};
    touchGranted = false; // refuse every touch, so a mutated request that is valid stores nothing
    for (int r = 0; r < requests.size(); r++) {
      byte[] body = requests.get(r);
      for (int i = 0; i < body.length; i++) {
        for (int variant = 0; variant < 3; variant++) {
          byte[] mutated = variant == 0 ? Arrays.copyOf(body, i) : body.clone();
          if (variant == 1) {
            mutated[i] ^= 0x01;
          } else if (variant == 2) {
            mutated[i] ^= (byte) 0x80;
          }
          byte[] request = new byte[1 + mutated.length];
          request[0] = (byte) commands[r].value();
          System.arraycopy(mutated, 0, request, 1, mutated.length);
          byte[] response = sendRaw(commands[r], request);
          assertThat(response[0]).as("status").isNotEqualTo((byte) 0x7F);
        }
      }
    }
    touchGranted = true;
    CBORObject response = ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    assertThat(response.get(1).get("id").GetByteString()).isEqualTo(id);
  }

  // ------------------------------------------------------------------ getNextAssertion

  @Test
  @DisplayName(
      "CTAP 2.1 6.3: getNextAssertion without a preceding getAssertion -> CTAP2_ERR_NOT_ALLOWED")
  void getNextAssertion_nothingPending_notAllowed() {
    assertThat(status(send(CtapCommand.GET_NEXT_ASSERTION, null))).isEqualTo("30");
  }

  // ------------------------------------------------------------------ extensions (12.1, 12.2)

  private Attested registerWithExtensions(byte[] userId, boolean rk, CBORObject extensions) {
    CBORObject params = makeCredentialParams(clientDataHash, userId, rk, ES256);
    params.Add(6, extensions);
    return parseAttested(ok(send(CtapCommand.MAKE_CREDENTIAL, params)).get(2).GetByteString());
  }

  private static CBORObject extension(String name, Object value) {
    CBORObject map = CBORObject.NewMap();
    map.Add(name, value);
    return map;
  }

  @Test
  @DisplayName("CTAP 2.1 12.1: credProtect is echoed in authData extensions with the ED flag")
  void makeCredential_credProtect_echoed() {
    Attested credential = registerWithExtensions(new byte[] {1}, true, extension("credProtect", 2));
    assertThat(credential.flags()).isEqualTo(0xC1); // UP | AT | ED
    assertThat(credential.extensions().orElseThrow().get("credProtect").AsInt32()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4})
  @DisplayName("CTAP 2.1 12.1: a credProtect level outside 1..3 is refused (reference: 0x2C)")
  void makeCredential_credProtectOutOfRange_invalidOption(int level) {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, true, ES256);
    params.Add(6, extension("credProtect", level));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("2C");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 12.1: without UV, level 2 is usable only through allowList and level 3 never")
  void getAssertion_credProtectLevels_enforced() {
    Attested optional = register(new byte[] {1}, true, ES256);
    Attested withList = registerWithExtensions(new byte[] {2}, true, extension("credProtect", 2));
    Attested required = registerWithExtensions(new byte[] {3}, true, extension("credProtect", 3));

    CBORObject discovered = ok(send(CtapCommand.GET_ASSERTION, getAssertionParams()));
    assertThat(discovered.get(1).get("id").GetByteString()).isEqualTo(optional.credentialId());
    assertThat(discovered.ContainsKey(5)).isFalse();

    CBORObject listed =
        ok(send(CtapCommand.GET_ASSERTION, getAssertionParams(withList.credentialId())));
    assertThat(listed.get(1).get("id").GetByteString()).isEqualTo(withList.credentialId());

    assertThat(status(send(CtapCommand.GET_ASSERTION, getAssertionParams(required.credentialId()))))
        .isEqualTo("2E");
  }

  @Test
  @DisplayName("CTAP 2.1 12.1 / 6.1.2 step 12: a level 3 credential does not exclude without UV")
  void makeCredential_excludeListLevel3_notExcluded() {
    Attested required = registerWithExtensions(new byte[] {3}, true, extension("credProtect", 3));
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {4}, false, ES256);
    CBORObject exclude = CBORObject.NewArray();
    exclude.Add(descriptor(required.credentialId()));
    params.Add(5, exclude);
    ok(send(CtapCommand.MAKE_CREDENTIAL, params));
  }

  @Test
  @DisplayName("CTAP 2.1 12.2: credBlob is stored with a discoverable credential and read back")
  void credBlob_discoverable_storedAndReturned() {
    byte[] blob = "blob!".getBytes(StandardCharsets.US_ASCII);
    Attested credential = registerWithExtensions(new byte[] {1}, true, extension("credBlob", blob));
    assertThat(credential.extensions().orElseThrow().get("credBlob").AsBoolean()).isTrue();

    CBORObject params = getAssertionParams();
    params.Add(4, extension("credBlob", true));
    CBORObject response = ok(send(CtapCommand.GET_ASSERTION, params));
    byte[] authData = response.get(2).GetByteString();
    assertThat(authData[32]).isEqualTo((byte) 0x81); // UP | ED
    CBORObject extensions =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(authData, 37, authData.length));
    assertThat(extensions.get("credBlob").GetByteString()).isEqualTo(blob);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 12.2: credBlob is not stored for a non-discoverable credential or when longer"
          + " than maxCredBlobLength (32); the output says false and the read-back is empty")
  void credBlob_notStorable_false() {
    Attested nonResident =
        registerWithExtensions(new byte[] {1}, false, extension("credBlob", new byte[4]));
    assertThat(nonResident.extensions().orElseThrow().get("credBlob").AsBoolean()).isFalse();
    Attested tooLong =
        registerWithExtensions(new byte[] {2}, true, extension("credBlob", new byte[33]));
    assertThat(tooLong.extensions().orElseThrow().get("credBlob").AsBoolean()).isFalse();

    CBORObject params = getAssertionParams(nonResident.credentialId());
    params.Add(4, extension("credBlob", true));
    byte[] authData = ok(send(CtapCommand.GET_ASSERTION, params)).get(2).GetByteString();
    CBORObject extensions =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(authData, 37, authData.length));
    assertThat(extensions.get("credBlob").GetByteString()).isEmpty();
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1, 12.2: extension inputs of the wrong type -> CTAP2_ERR_CBOR_UNEXPECTED_TYPE")
  void extensions_mistyped_cborUnexpectedType() {
    CBORObject params = makeCredentialParams(clientDataHash, new byte[] {1}, true, ES256);
    params.Add(6, extension("credProtect", "high"));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("11");
    params = makeCredentialParams(clientDataHash, new byte[] {1}, true, ES256);
    params.Add(6, extension("credBlob", true));
    assertThat(status(send(CtapCommand.MAKE_CREDENTIAL, params))).isEqualTo("11");
  }

  // ------------------------------------------------------------------ through FidoHandler

  @Test
  @DisplayName("CTAP 2.1 6: the key's FidoHandler routes makeCredential and getAssertion")
  void fidoHandler_withContext_routesCredentialCommands() throws Exception {
    FidoHandler handler =
        new FidoHandler(new AppletContext(state, UserPresence.always(), new SecureRandom()));
    CBORObject mc = makeCredentialParams(clientDataHash, new byte[] {1}, true, EDDSA);
    byte[] body = mc.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = 0x01;
    System.arraycopy(body, 0, request, 1, body.length);
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    Attested credential = parseAttested(ok(recorder.responses.get(0)).get(2).GetByteString());

    body = getAssertionParams().EncodeToBytes();
    request = new byte[1 + body.length];
    request[0] = 0x02;
    System.arraycopy(body, 0, request, 1, body.length);
    recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    CBORObject assertion = ok(recorder.responses.get(0));
    assertThat(
            verify(
                publicKey(credential.coseKey()),
                concat(assertion.get(2).GetByteString(), clientDataHash),
                assertion.get(3).GetByteString()))
        .isTrue();
    // The presence service answered at once, so the host heard no keepalive status.
    assertThat(recorder.progress).isEmpty();
  }

  // ------------------------------------------------------------------ a real client's view

  @Test
  @DisplayName(
      "python-fido2 0.9.1 (a real client) verifies our packed attestation (PackedAttestation,"
          + " with its certificate rules) and our assertions (AssertionResponse.verify)")
  void pythonFido2_verifiesAttestationAndAssertion() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(Files.isExecutable(python), "/usr/bin/python3 missing");
      Assumptions.assumeTrue(
          run(python, "import fido2", "").exitValue() == 0, "python3-fido2 missing");
    }
    StringBuilder input = new StringBuilder();
    input.append(Hex.encode(clientDataHash)).append('\n');
    for (int alg : new int[] {ES256, EDDSA}) {
      byte[] mc =
          send(
              CtapCommand.MAKE_CREDENTIAL,
              makeCredentialParams(clientDataHash, new byte[] {(byte) alg}, false, alg));
      byte[] id = parseAttested(ok(mc).get(2).GetByteString()).credentialId();
      byte[] ga = send(CtapCommand.GET_ASSERTION, getAssertionParams(id));
      input.append(Hex.encode(Arrays.copyOfRange(mc, 1, mc.length))).append(' ');
      input.append(Hex.encode(Arrays.copyOfRange(ga, 1, ga.length))).append('\n');
    }
    String script =
        String.join(
            "\n",
            "import sys, binascii",
            "from fido2.ctap2 import AttestationObject, AssertionResponse",
            "from fido2.attestation import PackedAttestation",
            "from fido2.cose import CoseKey",
            "lines = sys.stdin.read().split('\\n')",
            "cdh = binascii.unhexlify(lines[0])",
            "for line in lines[1:3]:",
            "    mc, ga = (binascii.unhexlify(x) for x in line.split())",
            "    att = AttestationObject(mc)",
            "    result = PackedAttestation().verify(att.att_statement, att.auth_data, cdh)",
            "    key = CoseKey.parse(att.auth_data.credential_data.public_key)",
            "    AssertionResponse(ga).verify(cdh, key)",
            "    print(att.fmt, result.attestation_type.name, key.ALGORITHM,"
                + " att.auth_data.credential_data.aaguid.hex())");

    Result result = run(python, script, input.toString());

    assertThat(result.exitValue()).as(result.stderr()).isZero();
    assertThat(result.stdout().lines())
        .containsExactly(
            "packed BASIC -7 244eb29ee0904e4981fe1f20f8d3b8f4",
            "packed BASIC -8 244eb29ee0904e4981fe1f20f8d3b8f4");
  }

  private record Result(int exitValue, String stdout, String stderr) {}

  private static Result run(Path python, String script, String stdin) throws Exception {
    Process process = new ProcessBuilder(python.toString(), "-c", script).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("python3 did not finish");
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
