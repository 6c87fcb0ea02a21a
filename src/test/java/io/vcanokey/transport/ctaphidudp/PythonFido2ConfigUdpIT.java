package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client over {@code serve --ctaphid-udp}: python-fido2 (Debian python3-fido2 0.9.1) runs
 * authenticatorSelection, authenticatorReset (inside and outside its 10-second window),
 * authenticatorLargeBlobs through its LargeBlobs class (with and without a PIN),
 * authenticatorConfig through its Config class (setMinPINLength, toggleAlwaysUv) and the
 * minPinLength extension (script {@code host/fido2_config_udp.py}).
 */
class PythonFido2ConfigUdpIT {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "python-fido2 over UDP: selection, reset, largeBlobs, setMinPINLength, toggleAlwaysUv and"
          + " the minPinLength extension as CTAP 2.1 6.6 and 6.9 to 6.11 and 12.4 describe")
  void pythonFido2_configCommands_behaveAsSpecified() throws Exception {
    String output;
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "auto")) {
      output = key.run("fido2_config_udp.py");
    }
    assertThat(output)
        .contains("ok getInfo: largeBlobs, authnrCfg, setMinPINLength true, alwaysUv false")
        .contains("ok selection: CTAP2_OK")
        .contains("ok reset within 10 s of power-up: PIN gone")
        .contains("ok largeBlobs without PIN: empty array, put_blob then get_blob round trip")
        .contains("ok largeBlobs with PIN: PUAT_REQUIRED without a token")
        .contains("ok setMinPINLength 6: forcePINChange set, token refused (0x37)")
        .contains("ok toggleAlwaysUv: alwaysUv true, U2F_V2 gone")
        .contains("ok makeCredential minPinLength extension: {'minPinLength': 6}")
        .contains("ok toggleAlwaysUv again: off; enableEnterpriseAttestation 0x2B")
        .contains("ok reset after 10 s: NOT_ALLOWED")
        .contains("ALL OK");
  }
}
