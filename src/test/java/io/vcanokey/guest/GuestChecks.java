package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Properties;

/**
 * Guest script fragments and the assertions on what they report, shared by the guest ITs. Expected
 * values come from the CanoKey inventory (USB identity, section 1; ATR, section 1.6) and CTAP 2.1
 * section 11.2 (CTAPHID), never from the key's own output.
 */
final class GuestChecks {

  /** Inventory section 1.1 and 1.2: idVendor 0x20A0, idProduct 0x42D4, product "CanoKey QEMU". */
  static final String VID_PID = "20a0:42d4";

  static final String PRODUCT = "CanoKey QEMU";

  /**
   * Inventory section 1.6: the CCID ATR, as opensc-tool prints it (lower-case, colon-separated).
   */
  static final String ATR = "3b:f7:11:00:00:81:31:fe:65:43:61:6e:6f:6b:65:79:99";

  private GuestChecks() {}

  /** Waits for {@code keys} keys, then writes lsusb and sysfs reports. */
  static String enumerate(int keys) {
    return ". ./lib.sh\nwait_for_keys " + keys + " 30\nusb_report\n";
  }

  /** CTAPHID INIT and PINGs of the given sizes on every key, results in out/ctaphid.txt. */
  static String ctaphid(int keys, String sizes) {
    return "/usr/bin/python3 ./ctaphid_check.py --out out/ctaphid.txt --devices "
        + keys
        + " --sizes "
        + sizes
        + "\n";
  }

  /** python-fido2's getInfo on every key, results in out/fido2.txt. */
  static String fido2Info() {
    return "/usr/bin/python3 ./fido2_info.py out/fido2.txt\n";
  }

  /** The guest's pcscd and opensc-tool, results in out/opensc-*.txt. */
  static String pcsc(int keys) {
    return "pcsc_report " + keys + "\n";
  }

  /** lsusb lists the key by id and product string, and sysfs sees {@code keys} of them. */
  static void assertEnumerated(GuestResult result, int keys) {
    assertThat(result.properties("enumerate.txt").getProperty("count"))
        .as("keys enumerated (out/enumerate.txt)")
        .isEqualTo(String.valueOf(keys));
    assertThat(result.out("lsusb.txt").lines().filter(l -> l.contains("ID " + VID_PID)))
        .as("lsusb lines for " + VID_PID)
        .hasSize(keys)
        .allSatisfy(line -> assertThat(line).contains(PRODUCT));
    assertThat(result.out("lsusb-v.txt"))
        .containsPattern("idVendor\\s+0x20a0")
        .containsPattern("idProduct\\s+0x42d4")
        .containsPattern("iProduct\\s+\\d+\\s+" + PRODUCT);
    Properties sysfs = result.properties("usb-devices.txt");
    for (int i = 0; i < keys; i++) {
      assertThat(sysfs.getProperty(i + ".product")).isEqualTo(PRODUCT);
    }
  }

  /**
   * CTAP 2.1 11.2.9.1.3: INIT on the broadcast channel echoes the 8-byte nonce and allocates a
   * channel that is neither 0 nor broadcast, protocol version 2; 11.2.9.1.2: PING echoes its data.
   */
  static void assertCtaphid(GuestResult result, int keys, int... pingSizes) {
    Properties ctap = result.properties("ctaphid.txt");
    assertThat(ctap.getProperty("devices")).isEqualTo(String.valueOf(keys));
    for (int i = 0; i < keys; i++) {
      String p = i + ".";
      assertThat(ctap.getProperty(p + "error")).as("CTAPHID error on key " + i).isNull();
      assertThat(ctap.getProperty(p + "init.nonce_echo")).isEqualTo("true");
      assertThat(ctap.getProperty(p + "init.cid_valid")).isEqualTo("true");
      assertThat(ctap.getProperty(p + "init.length")).isEqualTo("17");
      assertThat(ctap.getProperty(p + "init.protocol")).isEqualTo("2");
      for (int size : pingSizes) {
        assertThat(ctap.getProperty(p + "ping." + size)).as("PING " + size).isEqualTo("ok");
        assertThat(ctap.getProperty(p + "ping." + size + ".echo_length"))
            .isEqualTo(String.valueOf(size));
      }
    }
  }

  /**
   * python-fido2, a real client, accepts the key's getInfo: the values are the inventory's (section
   * 3.3; the extensions are its four plus minPinLength, CTAP 2.1 12.4) and the CTAPHID INIT fields
   * CTAP 2.1 section 11.2.9.1.3 defines.
   */
  static void assertFido2Info(GuestResult result, int keys) {
    Properties info = result.properties("fido2.txt");
    assertThat(info.getProperty("devices")).isEqualTo(String.valueOf(keys));
    for (int i = 0; i < keys; i++) {
      String p = i + ".";
      assertThat(info.getProperty(p + "error")).as("python-fido2 error on key " + i).isNull();
      assertThat(info.getProperty(p + "versions")).isEqualTo("U2F_V2,FIDO_2_0,FIDO_2_1");
      assertThat(info.getProperty(p + "extensions"))
          .isEqualTo("credBlob,credProtect,hmac-secret,largeBlobKey,minPinLength");
      assertThat(info.getProperty(p + "aaguid")).isEqualTo("244eb29ee0904e4981fe1f20f8d3b8f4");
      assertThat(info.getProperty(p + "max_msg_size")).isEqualTo("1300");
      assertThat(info.getProperty(p + "pin_uv_protocols")).isEqualTo("1,2");
      // CAPABILITY_WINK 0x01 | CAPABILITY_CBOR 0x04; NMSG clear because MSG is accepted.
      assertThat(info.getProperty(p + "capabilities")).isEqualTo("5");
    }
  }

  /** The guest's pcscd + libccid see {@code keys} CanoKey readers and each card's ATR. */
  static void assertPcsc(GuestResult result, int keys) {
    assertThat(result.out("opensc-l.txt").toLowerCase(Locale.ROOT).lines())
        .filteredOn(l -> l.contains("canokey"))
        .as("opensc-tool -l readers")
        .hasSize(keys);
    for (int r = 0; r < keys; r++) {
      assertThat(result.out("opensc-a-" + r + ".txt").toLowerCase(Locale.ROOT))
          .as("opensc-tool -r " + r + " -a")
          .contains(ATR);
    }
  }
}
