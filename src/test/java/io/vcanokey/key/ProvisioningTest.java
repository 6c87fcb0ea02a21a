package io.vcanokey.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningTest {

  @TempDir Path dir;

  @Test
  @DisplayName("attestation certificate meets WebAuthn L2 8.2.1 packed-attestation requirements")
  void provision_attestationCertificate_meetsPackedRequirements() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      Provisioning.provision(state, new SecureRandom());

      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      X509Certificate cert =
          (X509Certificate)
              factory.generateCertificate(
                  new ByteArrayInputStream(state.get(Provisioning.ATTESTATION_CERT).orElseThrow()));
      X509Certificate root =
          (X509Certificate)
              factory.generateCertificate(
                  new ByteArrayInputStream(
                      state.get(Provisioning.ATTESTATION_ROOT_CERT).orElseThrow()));

      assertThat(cert.getVersion()).isEqualTo(3);
      assertThat(cert.getSubjectX500Principal().getName())
          .contains("OU=Authenticator Attestation")
          .contains("C=CN")
          .contains("O=vcanokey")
          .contains("CN=vcanokey Serial " + Provisioning.serialString(state));
      assertThat(cert.getBasicConstraints()).isEqualTo(-1);
      // id-fido-gen-ce-aaguid: OCTET STRING wrapping OCTET STRING(16) of the AAGUID.
      assertThat(Hex.encode(cert.getExtensionValue("1.3.6.1.4.1.45724.1.1.4")))
          .isEqualTo("04120410" + "244EB29EE0904E4981FE1F20F8D3B8F4");
      assertThat(cert.getCriticalExtensionOIDs()).doesNotContain("1.3.6.1.4.1.45724.1.1.4");
      cert.verify(root.getPublicKey());
      root.verify(root.getPublicKey());

      // The stored private key belongs to the certified public key.
      ECPrivateKey key =
          (ECPrivateKey)
              KeyFactory.getInstance("EC")
                  .generatePrivate(
                      new PKCS8EncodedKeySpec(
                          state.get(Provisioning.ATTESTATION_KEY).orElseThrow()));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(new byte[] {1, 2, 3});
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(cert.getPublicKey());
      verifier.update(new byte[] {1, 2, 3});
      assertThat(verifier.verify(signature)).isTrue();
    }
  }

  @Test
  void provision_defaults() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      Provisioning.provision(state, new SecureRandom());

      assertThat(state.get(Provisioning.SERIAL_NUMBER).orElseThrow()).hasSize(4);
      assertThat(Provisioning.serialString(state))
          .matches("[0-7][0-9A-F]{7}")
          .isNotEqualTo("00000000");
      assertThat(state.get(Provisioning.ADMIN_PIN)).contains("123456".getBytes());
      assertThat(state.get(Provisioning.ADMIN_PIN_RETRIES)).contains(new byte[] {3});
      assertThat(state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow()).hasSize(32);
      assertThat(state.get(Provisioning.HMAC_SECRET_KEY).orElseThrow()).hasSize(32);
    }
  }

  @Test
  void open_twoFiles_differentSerials() throws Exception {
    try (VirtualKey a = VirtualKey.open(dir.resolve("a"), io.vcanokey.core.trace.Tracer.OFF);
        VirtualKey b = VirtualKey.open(dir.resolve("b"), io.vcanokey.core.trace.Tracer.OFF)) {
      assertThat(a.serialNumber()).isNotEqualTo(b.serialNumber());
    }
    try (VirtualKey again = VirtualKey.open(dir.resolve("a"), io.vcanokey.core.trace.Tracer.OFF)) {
      assertThat(again.device().descriptors().serialNumber()).isEqualTo(again.serialNumber());
    }
  }

  @Test
  @DisplayName("a checksum-valid file that lost its serial is refused, never re-provisioned")
  void open_damagedFile_refusedAndUntouched() throws Exception {
    Path path = dir.resolve("k");
    try (VirtualKey key = VirtualKey.open(path, io.vcanokey.core.trace.Tracer.OFF)) {
      assertThat(key.serialNumber()).hasSize(8);
    }
    try (StateFile state = StateFile.open(path)) {
      state.update(tx -> tx.delete(Provisioning.SERIAL_NUMBER));
    }
    byte[] before = java.nio.file.Files.readAllBytes(path);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> VirtualKey.open(path, io.vcanokey.core.trace.Tracer.OFF))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("admin/sn missing");
    assertThat(java.nio.file.Files.readAllBytes(path)).isEqualTo(before);
  }
}
