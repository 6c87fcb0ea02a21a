package io.vcanokey.applet.fido.ctap2;

import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.body;
import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.key.Provisioning;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** authenticatorReset (CTAP 2.1, 6.6) and authenticatorSelection (6.9) through FidoHandler. */
class AuthenticatorResetTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;
  private FidoKeyDriver key;

  @BeforeEach
  void setUp() throws Exception {
    key = new FidoKeyDriver(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  private int reset() {
    return status(key.send(0x07, null));
  }

  /** A discoverable credential, a PIN, a large-blob array and a raised minimum PIN length. */
  private byte[] fillState() throws Exception {
    byte[] made = key.send(0x01, key.makeCredentialRequest(true));
    assertThat(status(made)).isZero();
    byte[] authData = body(made).get(CBORObject.FromObject(0x02)).GetByteString();
    int idLength = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    byte[] credentialId = java.util.Arrays.copyOfRange(authData, 55, 55 + idLength);

    CBORObject array = CBORObject.NewArray().Add(new byte[] {1});
    byte[] cbor = array.EncodeToBytes();
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    serialized.writeBytes(cbor);
    serialized.write(MessageDigest.getInstance("SHA-256").digest(cbor), 0, 16);
    byte[] blob = serialized.toByteArray();
    CBORObject set = CBORObject.NewMap().Add(0x02, blob).Add(0x03, 0).Add(0x04, blob.length);
    assertThat(status(key.send(0x0C, set))).isZero();
    assertThat(status(key.send(0x0D, CBORObject.NewMap().Add(1, 3).Add(2, minLength(6))))).isZero();
    assertThat(key.setPin("123456")).isZero();
    key.touches.clear();
    return credentialId;
  }

  private static CBORObject minLength(int length) {
    return CBORObject.NewMap().Add(0x01, length);
  }

  private Set<String> fidoRecords() {
    return key.state.names().stream()
        .filter(n -> n.startsWith("fido/"))
        .collect(Collectors.toSet());
  }

  @Test
  @DisplayName("6.6: within 10 s of power-up and with a touch, reset erases every FIDO state")
  void reset_withinWindow_erasesState() throws Exception {
    byte[] credentialId = fillState();
    byte[] khKey = key.state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow();
    byte[] heKey = key.state.get(Provisioning.HMAC_SECRET_KEY).orElseThrow();
    byte[] attestationKey = key.state.get(Provisioning.ATTESTATION_KEY).orElseThrow();
    byte[] attestationCert = key.state.get(Provisioning.ATTESTATION_CERT).orElseThrow();
    key.now += 9 * SECOND;

    assertThat(reset()).isZero();

    assertThat(key.touches).hasSize(1);
    CBORObject info = key.info();
    assertThat(info.get(CBORObject.FromObject(0x04)).get("clientPin").isFalse()).isTrue();
    assertThat(info.get(CBORObject.FromObject(0x0D)).AsInt32Value()).isEqualTo(4);
    byte[] blobs =
        body(key.send(0x0C, CBORObject.NewMap().Add(0x01, 100).Add(0x03, 0)))
            .get(CBORObject.FromObject(0x01))
            .GetByteString();
    assertThat(Hex.encode(blobs)).isEqualTo("8076BE8B528D0075F7AAE98D6FA57A6D3C");
    assertThat(status(key.send(0x02, key.getAssertionRequest()))).isEqualTo(0x2E);
    CBORObject allow = key.getAssertionRequest();
    allow.Add(
        0x03,
        CBORObject.NewArray()
            .Add(CBORObject.NewMap().Add("id", credentialId).Add("type", "public-key")));
    assertThat(status(key.send(0x02, allow))).isEqualTo(0x2E);
    assertThat(key.state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow()).isNotEqualTo(khKey);
    assertThat(key.state.get(Provisioning.HMAC_SECRET_KEY).orElseThrow()).isNotEqualTo(heKey);
    assertThat(key.state.get(Provisioning.ATTESTATION_KEY).orElseThrow()).isEqualTo(attestationKey);
    assertThat(key.state.get(Provisioning.ATTESTATION_CERT).orElseThrow())
        .isEqualTo(attestationCert);
    assertThat(key.state.get(Provisioning.SIGNATURE_COUNTER).orElseThrow())
        .containsExactly(0, 0, 0, 0);
    assertThat(fidoRecords())
        .containsExactlyInAnyOrder(
            Provisioning.ATTESTATION_KEY,
            Provisioning.ATTESTATION_CERT,
            Provisioning.ATTESTATION_ROOT_CERT,
            Provisioning.KEY_HANDLE_KEY,
            Provisioning.HMAC_SECRET_KEY,
            Provisioning.SIGNATURE_COUNTER);
    Provisioning.check(key.state);
    assertThat(key.setPin("1234")).isZero(); // the minimum is back to 4
  }

  @Test
  @DisplayName("6.6: more than 10 s after power-up reset is CTAP2_ERR_NOT_ALLOWED; powerUp reopens")
  void reset_afterWindow_notAllowedUntilPowerUp() throws Exception {
    fillState();
    key.now += 10 * SECOND + 1;

    assertThat(reset()).isEqualTo(0x30);
    assertThat(key.touches).isEmpty();
    assertThat(key.info().get(CBORObject.FromObject(0x04)).get("clientPin").isTrue()).isTrue();

    key.handler.powerUp();
    key.now += 10 * SECOND;
    assertThat(reset()).isZero();
    assertThat(key.info().get(CBORObject.FromObject(0x04)).get("clientPin").isFalse()).isTrue();
  }

  @Test
  @DisplayName("6.6: a refused touch is CTAP2_ERR_OPERATION_DENIED and erases nothing")
  void reset_touchRefused_operationDenied() throws Exception {
    fillState();
    Set<String> before = fidoRecords();
    byte[] khKey = key.state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow();
    key.touch = false;

    assertThat(reset()).isEqualTo(0x27);

    assertThat(fidoRecords()).isEqualTo(before);
    assertThat(key.state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow()).isEqualTo(khKey);
  }

  @Test
  @DisplayName("6.6: trailing parameters are ignored; a PIN-protected key needs no token to reset")
  void reset_withParametersAndPin_stillResets() throws Exception {
    assertThat(key.setPin("1234")).isZero();

    assertThat(status(key.sendRaw(new byte[] {0x07, (byte) 0xA0}))).isZero();
    assertThat(key.info().get(CBORObject.FromObject(0x04)).get("clientPin").isFalse()).isTrue();
  }

  @Test
  @DisplayName("6.3 and 6.6: after a reset getNextAssertion answers CTAP2_ERR_NOT_ALLOWED")
  void reset_betweenAssertions_endsSequence() throws Exception {
    CBORObject second = key.makeCredentialRequest(true);
    second.set(0x03, CBORObject.NewMap().Add("id", new byte[] {4, 5, 6}).Add("name", "bob"));
    assertThat(status(key.send(0x01, key.makeCredentialRequest(true)))).isZero();
    assertThat(status(key.send(0x01, second))).isZero();
    byte[] first = key.send(0x02, key.getAssertionRequest());
    assertThat(body(first).get(CBORObject.FromObject(0x05)).AsInt32Value()).isEqualTo(2);

    assertThat(reset()).isZero();

    assertThat(key.send(0x08, null)).containsExactly(0x30);
  }

  @Test
  @DisplayName("6.9: selection answers CTAP2_OK after a touch, CTAP2_ERR_OPERATION_DENIED without")
  void selection_touch_okOrDenied() {
    assertThat(key.send(0x0B, null)).containsExactly(0x00);
    key.touch = false;
    assertThat(key.send(0x0B, null)).containsExactly(0x27);
    assertThat(key.touches).hasSize(2);
  }
}
