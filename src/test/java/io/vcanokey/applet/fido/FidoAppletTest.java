package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The FIDO applet through the card OS, with APDUs written from CTAP 2.1 section 11.3 (NFC) and the
 * FIDO U2F NFC and raw message format specifications; signatures are checked with the JDK.
 */
class FidoAppletTest {

  private static final String SELECT = "00 A4 04 00 08 A0 00 00 06 47 2F 00 01";

  /** FIDO U2F NFC protocol 1.2, applet selection: "U2F_V2" then 9000. */
  private static final String SELECT_ANSWER = "5532465F56329000";

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());
  private final CardOs card = new CardOs(List.of(new FidoApplet(handler)));
  private final SecureRandom random = new SecureRandom();

  @AfterEach
  void closeKey() throws IOException {
    key.close();
  }

  /** Sends one APDU and fetches the rest of a long answer with GET RESPONSE (ISO 7816-4, 5.1.3). */
  private ResponseApdu exchange(byte[] apdu) {
    ResponseApdu response = ResponseApdu.decode(card.transmit(apdu));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(response.data());
    while (response.sw1() == 0x61) {
      response = ResponseApdu.decode(card.transmit(Hex.decode("00 C0 00 00 00")));
      data.writeBytes(response.data());
    }
    return new ResponseApdu(data.toByteArray(), response.sw());
  }

  private ResponseApdu exchange(String apdu) {
    return exchange(Hex.decode(apdu));
  }

  private void select() {
    assertThat(Hex.encode(card.transmit(Hex.decode(SELECT)))).isEqualTo(SELECT_ANSWER);
  }

  /** NFCCTAP_MSG (CTAP 2.1, 11.3.7.1) as one extended APDU, with P1 80 as python-fido2 sends. */
  private ResponseApdu ctap(int command, CBORObject params) {
    byte[] cbor = params == null ? new byte[0] : params.EncodeToBytes();
    ByteBuffer apdu = ByteBuffer.allocate(4 + 3 + 1 + cbor.length + 2);
    apdu.put(new byte[] {(byte) 0x80, 0x10, (byte) 0x80, 0x00, 0x00});
    apdu.putShort((short) (1 + cbor.length));
    apdu.put((byte) command).put(cbor).putShort((short) 0);
    return exchange(apdu.array());
  }

  private static CBORObject ok(ResponseApdu response) {
    assertThat(Integer.toHexString(response.sw())).isEqualTo("9000");
    assertThat(response.data()[0]).as("CTAP status").isZero();
    return CBORObject.DecodeFromBytes(
        Arrays.copyOfRange(response.data(), 1, response.data().length));
  }

  @Test
  @DisplayName("CTAP 2.1 11.3.3 / U2F NFC 1.2: SELECT of A0000006472F0001 answers U2F_V2 9000")
  void select_fidoAid_u2fV2() {
    assertThat(Hex.encode(card.transmit(Hex.decode(SELECT)))).isEqualTo(SELECT_ANSWER);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.3.7.1: NFCCTAP_MSG getInfo (80 10 00 00 01 04) answers status 00, the getInfo"
          + " CBOR and 9000")
  void nfcctapMsg_getInfo_statusCborAnd9000() {
    CardOs infoOnly = new CardOs(List.of(new FidoApplet(new FidoHandler())));
    infoOnly.transmit(Hex.decode(SELECT));

    byte[] answer = infoOnly.transmit(Hex.decode("80 10 00 00 01 04 00"));

    assertThat(Hex.encode(answer)).isEqualTo("00" + GetInfoVector.BODY.replace(" ", "") + "9000");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.3.7.1: P1 80 (client supports NFCCTAP_GETRESPONSE) and CLA 00 (Yubico SDK)"
          + " reach the same getInfo; other P1/P2 answer 6A86")
  void nfcctapMsg_p1AndClassVariants_acceptedOrRefused() {
    select();

    CBORObject info = ok(exchange("80 10 80 00 01 04 00"));
    assertThat(info.get(1).get(1).AsString()).isEqualTo("FIDO_2_0");
    assertThat(ok(exchange("00 10 00 00 01 04 00"))).isEqualTo(info);
    assertThat(exchange("80 10 01 00 01 04 00").sw()).isEqualTo(0x6A86);
    assertThat(exchange("80 10 00 01 01 04 00").sw()).isEqualTo(0x6A86);
  }

  @Test
  @DisplayName("CTAP 2.1 11.3.7.1 and 6.4: an NFCCTAP_MSG without a command byte answers 03 9000")
  void nfcctapMsg_empty_invalidLength() {
    select();

    assertThat(Hex.encode(exchange("80 10 00 00 00").encode())).isEqualTo("039000");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.3.6: makeCredential chained in short APDUs (CLA 90) gives packed attestation"
          + " that verifies (WebAuthn 8.2), over 61XX response chaining")
  void nfcctapMsg_chainedMakeCredential_attestationVerifies() throws Exception {
    select();
    byte[] clientDataHash = new byte[32];
    random.nextBytes(clientDataHash);
    byte[] request =
        concat(new byte[] {0x01}, makeCredentialParams(clientDataHash, "a".repeat(300), false));
    assertThat(request.length).isGreaterThan(255);

    ResponseApdu response = null;
    for (int at = 0; at < request.length; at += 250) {
      int n = Math.min(250, request.length - at);
      boolean last = at + n == request.length;
      ByteArrayOutputStream apdu = new ByteArrayOutputStream();
      apdu.writeBytes(new byte[] {(byte) (last ? 0x80 : 0x90), 0x10, (byte) 0x80, 0x00});
      apdu.write(n);
      apdu.write(request, at, n);
      if (last) {
        apdu.write(0);
      }
      response = exchange(apdu.toByteArray());
      if (!last) {
        assertThat(response.sw()).isEqualTo(0x9000);
        assertThat(response.data()).isEmpty();
      }
    }

    CBORObject attestation = ok(response);
    assertThat(attestation.get(1).AsString()).isEqualTo("packed");
    byte[] authData = attestation.get(2).GetByteString();
    CBORObject statement = attestation.get(3);
    X509Certificate cert = certificate(statement.get("x5c").get(0).GetByteString());
    assertThat(
            verify(
                cert.getPublicKey(),
                concat(authData, clientDataHash),
                statement.get("sig").GetByteString()))
        .isTrue();
  }

  @Test
  @DisplayName(
      "U2F raw message formats 4 and 5 over the card: REGISTER and AUTHENTICATE signatures verify;"
          + " VERSION answers U2F_V2")
  void u2f_registerAuthenticate_signaturesVerify() throws Exception {
    select();
    byte[] challenge = new byte[32];
    byte[] application = new byte[32];
    random.nextBytes(challenge);
    random.nextBytes(application);

    assertThat(Hex.encode(exchange("00 03 00 00 00").encode())).isEqualTo(SELECT_ANSWER);

    ResponseApdu registered =
        exchange(concat(concat(Hex.decode("00 01 03 00 40"), concat(challenge, application)), 0));
    assertThat(registered.sw()).isEqualTo(0x9000);
    byte[] r = registered.data();
    assertThat(r[0]).isEqualTo((byte) 0x05); // reserved byte, 4.3
    byte[] userKey = Arrays.copyOfRange(r, 1, 66);
    int handleLength = r[66] & 0xFF;
    byte[] keyHandle = Arrays.copyOfRange(r, 67, 67 + handleLength);
    int certStart = 67 + handleLength;
    int certLength = derLength(r, certStart);
    X509Certificate cert = certificate(Arrays.copyOfRange(r, certStart, certStart + certLength));
    byte[] signature = Arrays.copyOfRange(r, certStart + certLength, r.length);
    byte[] signed =
        concat(
            concat(concat(new byte[] {0x00}, application), concat(challenge, keyHandle)), userKey);
    assertThat(verify(cert.getPublicKey(), signed, signature)).isTrue();

    // AUTHENTICATE chained in two short segments (CLA 10 then 00): ISO 7816-4, 5.1.1.1.
    byte[] data =
        concat(concat(challenge, application), concat(new byte[] {(byte) handleLength}, keyHandle));
    byte[] first = Arrays.copyOfRange(data, 0, 40);
    byte[] rest = Arrays.copyOfRange(data, 40, data.length);
    assertThat(exchange(concat(concat(Hex.decode("10 02 03 00"), new byte[] {40}), first)).sw())
        .isEqualTo(0x9000);
    ResponseApdu authenticated =
        exchange(
            concat(
                concat(Hex.decode("00 02 03 00"), new byte[] {(byte) rest.length}),
                concat(rest, new byte[] {0})));
    assertThat(authenticated.sw()).isEqualTo(0x9000);
    byte[] a = authenticated.data();
    assertThat(a[0] & 0x01).as("user presence flag").isEqualTo(1);
    byte[] signedAuth = concat(concat(application, Arrays.copyOfRange(a, 0, 5)), challenge);
    assertThat(verify(ecPublicKey(userKey), signedAuth, Arrays.copyOfRange(a, 5, a.length)))
        .isTrue();
  }

  @Test
  @DisplayName(
      "One FIDO state for both transports: getNextAssertion over the card follows a getAssertion"
          + " sent straight to the key's handler (as CTAPHID does)")
  void sharedHandler_getNextAssertionAcrossTransports_served() {
    byte[] clientDataHash = new byte[32];
    for (String user : List.of("u1", "u2")) {
      byte[] made =
          direct(concat(new byte[] {0x01}, makeCredentialParams(clientDataHash, user, true)));
      assertThat(made[0]).isZero();
    }
    CBORObject getAssertion = CBORObject.NewMap();
    getAssertion.Add(1, "example.com");
    getAssertion.Add(2, clientDataHash);
    byte[] first = direct(concat(new byte[] {0x02}, getAssertion.EncodeToBytes()));
    assertThat(first[0]).isZero();
    CBORObject firstBody = CBORObject.DecodeFromBytes(Arrays.copyOfRange(first, 1, first.length));
    assertThat(firstBody.get(5).AsInt32()).isEqualTo(2); // numberOfCredentials, 6.2

    select();
    CBORObject next = ok(exchange("80 10 80 00 01 08 00"));

    assertThat(next.get(4).get("id").GetByteString())
        .isNotEqualTo(firstBody.get(4).get("id").GetByteString());
  }

  @Test
  @DisplayName("CTAP 2.1 11.3.7.2: NFCCTAP_GETRESPONSE with no request running answers 6985")
  void getResponse_nothingRunning_conditionsNotSatisfied() {
    select();

    assertThat(exchange("80 11 00 00 00").sw()).isEqualTo(0x6985);
    assertThat(exchange("80 11 00 01 00").sw()).isEqualTo(0x6A86);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.3.7.2: a request waiting for a touch answers 9100 with keepalive status 02"
          + " until it completes; then NFCCTAP_GETRESPONSE returns status and CBOR with 9000")
  void getResponse_pendingRequest_statusUpdatesThenAnswer() {
    Deferred fido = new Deferred();
    CardOs deferred = new CardOs(List.of(new FidoApplet(fido)));
    deferred.transmit(Hex.decode(SELECT));

    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 10 80 00 01 02 00"))))
        .isEqualTo("029100");
    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 11 00 00 00")))).isEqualTo("029100");
    fido.responder.processing();
    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 11 00 00 00")))).isEqualTo("019100");
    fido.responder.respond(Hex.decode("00 A1 01 02"));

    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 11 00 00 00"))))
        .isEqualTo("00A101029000");
    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 11 00 00 00")))).isEqualTo("6985");
  }

  @Test
  @DisplayName(
      "A running request is cancelled by another command or by deselection; its late answer is"
          + " dropped")
  void pendingRequest_otherCommandOrPowerOff_cancelled() {
    Deferred fido = new Deferred();
    CardOs deferred = new CardOs(List.of(new FidoApplet(fido)));
    deferred.transmit(Hex.decode(SELECT));
    deferred.transmit(Hex.decode("80 10 80 00 01 02 00"));
    FidoResponder abandoned = fido.responder;

    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 10 80 00 01 01 00"))))
        .isEqualTo("029100");
    assertThat(fido.cancels).isEqualTo(1);
    abandoned.respond(Hex.decode("27")); // CTAP2_ERR_OPERATION_DENIED, too late
    fido.responder.respond(Hex.decode("00"));
    assertThat(Hex.encode(deferred.transmit(Hex.decode("80 11 00 00 00")))).isEqualTo("009000");

    deferred.transmit(Hex.decode("80 10 80 00 01 02 00"));
    deferred.powerOff();
    assertThat(fido.cancels).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "ISO 7816-4 5.1.3: unknown INS answers 6D00, a foreign class 6E00, a short U2F REGISTER"
          + " 6700 (U2F raw messages 3.3), GETRESPONSE with data 6700")
  void malformed_specificCommands_specifiedStatusWords() {
    select();

    assertThat(exchange("80 12 00 00 00").sw()).isEqualTo(0x6D00);
    assertThat(exchange("00 04 00 00 00").sw()).isEqualTo(0x6D00);
    assertThat(exchange("84 10 00 00 01 04 00").sw()).isEqualTo(0x6E00);
    assertThat(exchange("00 01 03 00 03 01 02 03 00").sw()).isEqualTo(0x6700);
    assertThat(exchange("80 11 00 00 01 00").sw()).isEqualTo(0x6700);
    ResponseApdu truncated = exchange("80 10 00 00 03 01 A1 01 00");
    assertThat(truncated.sw()).isEqualTo(0x9000);
    assertThat(truncated.data()).hasSize(1).doesNotContain((byte) 0x00);
  }

  @Test
  @DisplayName(
      "Malformed input is normal input: 3000 random APDUs never answer 6F00 and leave getInfo"
          + " working")
  void malformed_randomApdus_noBugAndStillWorking() {
    Random seeded = new Random(20261205);
    select();
    int[] classes = {0x00, 0x10, 0x80, 0x90, 0x84, 0xFF};
    int[] instructions = {0x01, 0x02, 0x03, 0x10, 0x11, 0xC0, 0xA4, seeded.nextInt(256)};
    for (int i = 0; i < 3000; i++) {
      byte[] apdu = new byte[4 + seeded.nextInt(300)];
      seeded.nextBytes(apdu);
      apdu[0] = (byte) classes[seeded.nextInt(classes.length)];
      apdu[1] = (byte) instructions[seeded.nextInt(instructions.length)];
      if (apdu.length > 5 && seeded.nextBoolean()) {
        apdu[4] = (byte) Math.min(255, apdu.length - 5); // a plausible short Lc
      }
      ResponseApdu answer = ResponseApdu.decode(card.transmit(apdu));
      assertThat(answer.sw()).as(Hex.encode(apdu)).isNotEqualTo(0x6F00);
    }

    select();
    assertThat(ok(exchange("80 10 80 00 01 04 00")).get(3).GetByteString()).hasSize(16);
  }

  @Test
  @DisplayName(
      "STYLE.md logging: clientPIN requests and answers are withheld from the card OS trace, at"
          + " once or through NFCCTAP_GETRESPONSE; getInfo is traced in full")
  void trace_clientPin_withheld() {
    Logger logger = (Logger) LoggerFactory.getLogger(CardOs.class);
    Level previous = logger.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.TRACE);
    try {
      select();
      // clientPIN getPINRetries (CTAP 2.1 6.5.5.2): {1: protocol 1, 2: subCommand 1}
      ResponseApdu retries = exchange("80 10 80 00 06 06 A2 01 01 02 01 00");
      assertThat(retries.sw()).isEqualTo(0x9000);
      exchange("80 10 80 00 01 04 00");
      Deferred fido = new Deferred();
      CardOs deferred = new CardOs(List.of(new FidoApplet(fido)));
      deferred.transmit(Hex.decode(SELECT));
      deferred.transmit(Hex.decode("80 10 80 00 06 06 A2 01 01 02 01 00"));
      fido.responder.respond(Hex.decode("00 A1 03 08"));
      deferred.transmit(Hex.decode("80 11 00 00 00"));
    } finally {
      logger.detachAppender(events);
      logger.setLevel(previous);
    }

    List<String> trace =
        events.list.stream()
            .filter(e -> e.getLevel() == Level.TRACE)
            .map(e -> e.getFormattedMessage())
            .toList();
    assertThat(trace).noneMatch(line -> line.contains("A2 01 01 02 01"));
    assertThat(trace).noneMatch(line -> line.contains("A1 03 08"));
    assertThat(trace).anyMatch(line -> line.startsWith("C-APDU 80 10 80 00 01 04"));
    assertThat(trace.stream().filter(line -> line.contains("withheld")).count())
        .as("two clientPIN requests and two answers withheld")
        .isGreaterThanOrEqualTo(4);
  }

  /** A CTAP request handed straight to the key's handler, as the CTAPHID function does. */
  private byte[] direct(byte[] request) {
    byte[][] out = new byte[1][];
    handler.handleCbor(
        request,
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
    return out[0];
  }

  /** An authenticator that answers only when the test says so, as one waiting for a touch. */
  private static final class Deferred implements FidoApplet.Authenticator {
    FidoResponder responder;
    int cancels;

    @Override
    public void handleCbor(byte[] request, FidoResponder responder) {
      this.responder = responder;
      responder.awaitingUserPresence();
    }

    @Override
    public void handleU2f(byte[] apdu, FidoResponder responder) {
      responder.respond(Hex.decode("6D00"));
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  /** CTAP 2.1 6.1.1 parameters: ES256, rp example.com, user id {@code user}. */
  private static byte[] makeCredentialParams(byte[] clientDataHash, String user, boolean rk) {
    CBORObject params = CBORObject.NewMap();
    params.Add(1, clientDataHash);
    CBORObject rp = CBORObject.NewMap();
    rp.Add("id", "example.com");
    params.Add(2, rp);
    CBORObject userEntity = CBORObject.NewMap();
    userEntity.Add("id", user.substring(0, Math.min(user.length(), 64)).getBytes());
    userEntity.Add("name", user);
    params.Add(3, userEntity);
    CBORObject alg = CBORObject.NewMap();
    alg.Add("alg", -7);
    alg.Add("type", "public-key");
    params.Add(4, CBORObject.NewArray().Add(alg));
    if (rk) {
      CBORObject options = CBORObject.NewMap();
      options.Add("rk", true);
      params.Add(7, options);
    }
    return params.EncodeToBytes();
  }

  /** Length of the DER element at {@code at}, header included (X.690, 8.1.3). */
  private static int derLength(byte[] b, int at) {
    int first = b[at + 1] & 0xFF;
    if (first < 0x80) {
      return 2 + first;
    }
    int n = first & 0x7F;
    int length = 0;
    for (int i = 0; i < n; i++) {
      length = length << 8 | (b[at + 2 + i] & 0xFF);
    }
    return 2 + n + length;
  }

  private static X509Certificate certificate(byte[] der) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static PublicKey ecPublicKey(byte[] point) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  private static boolean verify(PublicKey key, byte[] message, byte[] signature) throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] concat(byte[] a, int lastByte) {
    return concat(a, new byte[] {(byte) lastByte});
  }
}
