package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client over {@code serve --ctaphid-udp}: python-fido2 (Debian python3-fido2) drives U2F
 * through its own CtapHidDevice and Ctap1 classes on a UDP connection, and checks the registration
 * and authentication signatures with its own RegistrationData.verify and SignatureData.verify
 * (script {@code host/u2f_udp.py}); and FIDO2 through its Fido2Client with a PIN, checked by its
 * Fido2Server (script {@code host/fido2_udp.py}).
 */
class PythonFido2U2fUdpIT {

  @TempDir Path dir;

  @Test
  @DisplayName("python-fido2 Ctap1 over UDP: version, register, check-only, authenticate verified")
  void pythonFido2_u2fOverUdp_signaturesVerify() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("u2f_udp.py");
    }

    assertThat(output)
        .contains("ok version: U2F_V2")
        .contains("ok register: key handle 70 bytes")
        .contains("signature verified")
        .contains("ok check-only: 6985 for our key handle")
        .contains("ok check-only: 6A80 for another application")
        .contains("ok authenticate: signatures verified, user presence set, counter 1 then 2")
        .contains("ALL OK");
  }

  @Test
  @DisplayName("U2F raw message formats 3.3 over UDP: with --touch deny REGISTER answers 6985")
  void pythonFido2_touchDenied_registerRefused() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "deny")) {
      output = key.run("u2f_udp.py", "deny");
    }

    assertThat(output).contains("ok register refused: 6985").contains("ALL OK");
  }

  @Test
  @DisplayName(
      "python-fido2 Fido2Client over UDP: PIN set, makeCredential and getAssertion with a"
          + " pinUvAuthToken, packed attestation and signatures verified by Fido2Server")
  void pythonFido2_fido2WithPin_verifiedByServer() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("fido2_udp.py");
    }

    assertThat(output)
        .contains("ok clientPIN: PIN set, getInfo says clientPin true")
        .contains("ok attestation: packed BASIC")
        .contains("ok makeCredential: 70-byte credential ID, UV set, algorithm -7")
        .contains("ok getAssertion with allowList: signature verified by Fido2Server")
        .contains("ok getAssertion discoverable: found without allowList, user id b'user-1'")
        .contains("ALL OK");
  }
}
