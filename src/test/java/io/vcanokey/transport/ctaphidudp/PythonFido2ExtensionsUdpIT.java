package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The makeCredential and getAssertion extensions proven by a real client over {@code serve
 * --ctaphid-udp}: python-fido2's (Debian python3-fido2 0.9.1) HmacSecretExtension builds the
 * hmac-secret input (CTAP 2.1, 12.5) with PIN/UV auth protocols one and two and decrypts the output
 * (script {@code host/hmac_udp.py}); its AttestationObject, AssertionResponse and NoneAttestation
 * check largeBlobKey, none attestation and the user member (script {@code host/ext_udp.py}).
 */
class PythonFido2ExtensionsUdpIT {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "CTAP 2.1 12.5 with python-fido2: same salt same output, two salts, both PIN protocols,"
          + " saltAuth and salt length errors, UV changes CredRandom, credProtect 2 and 3")
  void pythonFido2_hmacSecret_outputsDecryptAndRepeat() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("hmac_udp.py");
    }

    assertThat(output)
        .contains("ok makeCredential: authData extension hmac-secret true")
        .contains("ok one salt, protocol 1: same salt, same 32-byte output; signature verified")
        .contains("ok another salt: another output")
        .contains("ok two salts: output1 and output2 match the single-salt outputs")
        .contains("ok protocol 2: the same outputs as protocol 1")
        .contains("ok wrong saltAuth: PIN_AUTH_INVALID")
        .contains("ok 16-byte salt: INVALID_LENGTH")
        .contains("ok after UV: CredRandomWithUV gives another output, the same with both")
        .contains("ok credProtect 3: hidden without UV, hmac-secret output with UV")
        .contains("ok credProtect 2: hidden without allowList, hmac-secret output with it")
        .contains("ALL OK");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 12.3 largeBlobKey, CTAP 2.2 attestationFormatsPreference none, 6.2.2 user member"
          + " after UV, checked with python-fido2's AttestationObject and NoneAttestation")
  void pythonFido2_largeBlobKeyNoneAttestationUser_asSpecified() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("ext_udp.py");
    }

    assertThat(output)
        .contains("ok largeBlobKey: 32 bytes from makeCredential, the same from getAssertion")
        .contains("ok largeBlobKey without rk: INVALID_OPTION")
        .contains("ok attestationFormatsPreference [none, packed]: fmt none, NONE")
        .contains("ok attestationFormatsPreference [packed, none]: fmt packed, BASIC")
        .contains("ok user member: id alone without UV; after UV id, name and displayName of both")
        .contains("ALL OK");
  }
}
