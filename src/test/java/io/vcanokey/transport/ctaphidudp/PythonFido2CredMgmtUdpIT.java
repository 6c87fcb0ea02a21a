package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * authenticatorCredentialManagement (CTAP 2.1, 6.8) with a real client over {@code serve
 * --ctaphid-udp}: python-fido2's (Debian python3-fido2 0.9.1) CredentialManagement class reads the
 * metadata, enumerates RPs and credentials, updates and deletes, and checks the errors (script
 * {@code host/credmgmt_udp.py}, which imports the UDP connection from {@code host/u2f_udp.py}).
 */
class PythonFido2CredMgmtUdpIT {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "python-fido2 CredentialManagement over UDP: metadata, enumerate RPs and credentials with"
          + " credProtect and attested public keys, update, delete, errors, and command 0x41")
  void pythonFido2_credentialManagement_allSubcommands() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("credmgmt_udp.py");
    }

    assertThat(output)
        .contains("ok getInfo: credMgmt true, credentialMgmtPreview absent")
        .contains("ok getCredsMetadata: existing 3, remaining 253")
        .contains("ok enumerateRPs: ['example.com', 'example.org'] with their rpIDHash, totalRPs 2")
        .contains("ok enumerateCredentials example.com: users ['user-a1', 'user-a2']")
        .contains("ok enumerateCredentials example.org: users ['user-b1']")
        .contains("ok updateUserInformation: name renamed, displayName removed")
        .contains("ok updateUserInformation with another user.id: 0x02")
        .contains("ok deleteCredential: 2 left, example.com keeps user-a2 only")
        .contains("ok deleteCredential again: 0x2E")
        .contains("ok enumerateRPsGetNextRP without Begin: 0x30")
        .contains("ok getCredsMetadata with a ga token: 0x33")
        .contains("ok enumerateCredentials of another RP with a token bound to example.org: 0x33")
        .contains("ok getCredsMetadata without pinUvAuthParam: 0x36")
        .contains("ok command 0x41: getCredsMetadata existing 2")
        .contains("ALL OK");
  }
}
