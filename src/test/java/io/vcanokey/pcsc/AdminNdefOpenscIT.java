package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.guest.KeyProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin applet (canokey-core inventory, section 8) and the NDEF type 4 tag (NFC Forum Type 4
 * Tag technical specification 2.0; inventory, section 7) driven with raw APDUs from OpenSC's
 * opensc-tool through pcscd's vpcd reader. Expected bytes come from those documents.
 */
class AdminNdefOpenscIT extends PcscdTest {

  private static final String SELECT_ADMIN = "00 A4 04 00 05 F0 00 00 00 00";
  private static final String SELECT_NDEF = "00 A4 04 00 07 D2 76 00 00 85 01 01";
  private static final String VERIFY_DEFAULT = "00 20 00 00 06 31 32 33 34 35 36"; // "123456"
  private static final String VERIFY_WRONG = "00 20 00 00 06 30 30 30 30 30 30"; // "000000"
  private static final String SELECT_CC = "00 A4 00 0C 02 E1 03";
  private static final String SELECT_NDEF_FILE = "00 A4 00 0C 02 00 01";
  private static final String FACTORY_RESET = "00 50 00 00 05 52 45 53 45 54"; // "RESET"

  /**
   * Default NDEF file (inventory 7): NLEN 0011, then one short well-known URI record (D1 01 0D 55)
   * with prefix 04 "https://" and "canokeys.org".
   */
  private static final String DEFAULT_NDEF = "0011D1010D550463616E6F6B6579732E6F7267";

  /**
   * Capability container (T4T 2.0, 5.1, and inventory 7): CCLEN 000F, mapping version 2.0, MLe
   * 0400, MLc 0400, NDEF file control TLV 04 06 with file 0001, size 0400, read access 00 and write
   * access FF in read-only mode.
   */
  private static final String CC_READ_ONLY = "000F2004000400040600010400" + "00FF";

  @TempDir Path temp;

  @Test
  @DisplayName("opensc-tool: admin PIN, serial, version, config, NDEF read-only, usage, resets")
  void opensc_adminAndNdef_asSpecified() throws Exception {
    try (KeyProcess key =
        KeyProcess.startVpcd("admin-ndef", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);

      List<OpenscTool.Response> a =
          send(
              SELECT_ADMIN,
              "00 32 00 00 04", // READ SN: no PIN needed
              "00 31 01 00 00", // READ VERSION, hardware variant
              "00 40 04 00", // CONFIG before VERIFY
              VERIFY_WRONG,
              "00 20 00 00", // VERIFY status query
              VERIFY_DEFAULT,
              "00 42 00 00 06", // READ CONFIG
              "00 41 00 00 02", // FLASH USAGE
              "00 08 01 00", // NDEF read-only
              SELECT_NDEF,
              SELECT_CC,
              "00 B0 00 00 0F",
              SELECT_NDEF_FILE,
              "00 B0 00 00 13",
              "00 D6 00 00 03 00 01 AA");
      assertThat(a.get(0).sw()).isEqualTo(0x9000);
      assertThat(a.get(1).sw()).isEqualTo(0x9000);
      assertThat(a.get(1).hex()).isEqualTo(key.serial());
      assertThat(new String(a.get(2).data(), StandardCharsets.US_ASCII)).isEqualTo("CanoKey QEMU");
      assertThat(a.get(3).sw()).as("CONFIG before VERIFY").isEqualTo(0x6982);
      assertThat(a.get(4).sw()).as("wrong PIN: 2 tries left").isEqualTo(0x63C2);
      assertThat(a.get(5).sw()).as("status query").isEqualTo(0x63C2);
      assertThat(a.get(6).sw()).isEqualTo(0x9000);
      // inventory 8: [led_on, 0, ndef_read_only, ndef_enabled, webusb_landing, 0], defaults 1/0/1/1
      assertThat(a.get(7).hex()).isEqualTo("010000010100");
      assertThat(a.get(8).sw()).isEqualTo(0x9000);
      assertThat(a.get(8).data()[1] & 0xFF).as("capacity in KiB").isEqualTo(128);
      assertThat(a.get(9).sw()).isEqualTo(0x9000);
      assertThat(a.get(12).hex()).isEqualTo(CC_READ_ONLY);
      assertThat(a.get(14).hex()).isEqualTo(DEFAULT_NDEF);
      assertThat(a.get(15).sw()).as("UPDATE BINARY while read-only").isEqualTo(0x6982);

      List<OpenscTool.Response> b =
          send(
              SELECT_ADMIN,
              VERIFY_DEFAULT,
              "00 08 00 00", // NDEF read/write
              SELECT_NDEF,
              SELECT_NDEF_FILE,
              "00 D6 00 00 0C 00 0A D1 01 06 55 04 61 2E 6F 72 67",
              "00 B0 00 00 0C",
              "00 D6 03 FF 02 01 02", // 1023 + 2 > 1024
              "00 B0 04 00 01"); // offset 1024: outside the file
      assertThat(b.get(5).sw()).isEqualTo(0x9000);
      assertThat(b.get(6).hex()).isEqualTo("000AD101065504612E6F7267");
      assertThat(b.get(7).sw()).isEqualTo(0x6700);
      assertThat(b.get(8).sw()).isEqualTo(0x6B00);

      List<OpenscTool.Response> c =
          send(
              SELECT_ADMIN,
              VERIFY_DEFAULT,
              "00 07 00 00", // reset NDEF
              "00 40 04 00", // NDEF off
              SELECT_NDEF,
              SELECT_ADMIN,
              VERIFY_DEFAULT,
              "00 40 04 01", // NDEF on
              SELECT_NDEF,
              SELECT_NDEF_FILE,
              "00 B0 00 00 13");
      assertThat(c.get(2).sw()).isEqualTo(0x9000);
      assertThat(c.get(3).sw()).isEqualTo(0x9000);
      assertThat(c.get(4).sw()).as("SELECT of a disabled NDEF applet").isEqualTo(0x6A82);
      assertThat(c.get(7).sw()).isEqualTo(0x9000);
      assertThat(c.get(8).sw()).isEqualTo(0x9000);
      assertThat(c.get(10).hex()).as("NDEF reset to the default").isEqualTo(DEFAULT_NDEF);

      List<OpenscTool.Response> d =
          send(
              SELECT_ADMIN,
              FACTORY_RESET,
              VERIFY_WRONG,
              VERIFY_WRONG,
              VERIFY_WRONG,
              VERIFY_DEFAULT,
              FACTORY_RESET,
              VERIFY_DEFAULT);
      assertThat(d.get(1).sw()).as("factory reset while the PIN works").isEqualTo(0x6985);
      assertThat(d.get(2).sw()).isEqualTo(0x63C2);
      assertThat(d.get(3).sw()).isEqualTo(0x63C1);
      assertThat(d.get(4).sw()).isEqualTo(0x63C0);
      assertThat(d.get(5).sw()).as("blocked").isEqualTo(0x6983);
      assertThat(d.get(6).sw()).as("factory reset, touch granted").isEqualTo(0x9000);
      assertThat(d.get(7).sw()).as("PIN back to 123456").isEqualTo(0x9000);
    }
  }

  @Test
  @DisplayName("--touch deny: resets ask for a touch, are refused with 6985, and change nothing")
  void opensc_touchDenied_resetsRefused() throws Exception {
    try (KeyProcess key =
        KeyProcess.startVpcd(
            "admin-deny", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS, "--touch", "deny")) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);

      List<OpenscTool.Response> r =
          send(
              SELECT_ADMIN,
              VERIFY_DEFAULT,
              "00 07 00 00", // reset NDEF
              "00 05 00 00", // reset OATH
              VERIFY_WRONG,
              VERIFY_WRONG,
              VERIFY_WRONG,
              FACTORY_RESET,
              "00 20 00 00");
      assertThat(r.get(1).sw()).isEqualTo(0x9000);
      assertThat(r.get(2).sw()).isEqualTo(0x6985);
      assertThat(r.get(3).sw()).isEqualTo(0x6985);
      assertThat(r.get(7).sw()).as("factory reset, touch refused").isEqualTo(0x6985);
      assertThat(r.get(8).sw()).as("PIN still blocked: nothing was reset").isEqualTo(0x6983);
    }
  }

  private List<OpenscTool.Response> send(String... apdus) {
    return OpenscTool.send(Pcscd.READER, temp, apdus);
  }
}
