package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static io.vcanokey.applet.piv.PivHost.concat;
import static io.vcanokey.applet.piv.PivHost.inner;
import static io.vcanokey.applet.piv.PivHost.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SELECT, data objects, PIN and PUK of the PIV applet, driven with raw APDUs through the card OS.
 * Expected bytes come from NIST SP 800-73-4 (parts 1 and 2) and Yubico's PIV documentation.
 */
class PivAppletTest {

  @TempDir Path dir;

  PivHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new PivHost(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  // ---- SELECT and identity ---------------------------------------------------------------------

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.1.1: SELECT answers the application property template")
  void select_pivAid_answersApplicationPropertyTemplate() {
    ResponseApdu r = host.send(PivHost.SELECT);

    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("61114F06000010000100" + "79074F05A000000308");
  }

  @Test
  @DisplayName("SP 800-73-4 part 1, 2.2: the full AID with version selects the applet too")
  void select_fullAid_selects() {
    assertSw(host.send("00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00"), 0x9000);
  }

  @Test
  @DisplayName("Yubico GET VERSION answers 5.7.0; GET SERIAL the key's serial number")
  void versionAndSerial_answerFirmwareAndSerial() {
    ResponseApdu version = host.send("00 FD 00 00");
    ResponseApdu serial = host.send("00 F8 00 00");

    assertSw(version, 0x9000);
    assertThat(Hex.encode(version.data())).isEqualTo("050700");
    assertSw(serial, 0x9000);
    assertThat(serial.data()).isEqualTo(PivHost.SERIAL);
  }

  @Test
  @DisplayName("STYLE.md: key import, a new management key and printed information are not traced")
  void carriesSecret_secretCommandsOnly() {
    PivApplet applet = host.applet;

    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xFE, 0x11, 0x9A, new byte[3]))).isTrue();
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xFF, 0xFF, 0xFF, new byte[3]))).isTrue();
    assertThat(
            applet.carriesSecret(
                CommandApdu.of(0, 0xDB, 0x3F, 0xFF, Hex.decode("5C035FC109530100"))))
        .isTrue();
    assertThat(
            applet.carriesSecret(
                CommandApdu.of(0, 0xDB, 0x3F, 0xFF, Hex.decode("5C035FC105530100"))))
        .isFalse();
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xDB, 0x3F, 0xFF, Hex.decode("7F6100"))))
        .isFalse();
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xDB, 0x3F, 0xFF, Hex.decode("5C"))))
        .isTrue();
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xCB, 0x3F, 0xFF, Hex.decode("5C017E"))))
        .isFalse();
  }

  @Test
  @DisplayName("GET SERIAL without a provisioned serial answers 6A88")
  void getSerial_noSerialRecord_answers6A88() throws Exception {
    host.state.update(tx -> tx.delete("admin/sn"));

    assertSw(host.send("00 F8 00 00"), 0x6A88);
  }

  @Test
  void process_wrongClassOrUnknownInstruction_answersSpecifiedErrors() {
    assertSw(host.send("80 FD 00 00"), 0x6E00);
    assertSw(host.send("00 EE 01 00"), 0x6D00); // CanoKey's algorithm extension is not offered
    assertSw(host.send("00 FD 01 00"), 0x6A86);
    assertSw(host.send("00 FD 00 00 01 00"), 0x6700);
  }

  // ---- PIN -------------------------------------------------------------------------------------

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.1: VERIFY without data tells the tries left (63C3)")
  void verify_statusQuery_reportsTriesThenVerified() {
    assertSw(host.send("00 20 00 80"), 0x63C3);

    host.verifyPin();

    assertSw(host.send("00 20 00 80"), 0x9000);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.1: P1 FF resets the PIN's security status")
  void verify_p1Ff_resetsVerification() {
    host.verifyPin();

    assertSw(host.send("00 20 FF 80"), 0x9000);

    assertSw(host.send("00 20 00 80"), 0x63C3);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.1: wrong PINs count down 63C2, 63C1, 63C0, then 6983")
  void verify_wrongPins_countDownAndBlock() {
    String wrong = "00 20 00 80 08 39 39 39 39 39 39 FF FF";

    assertSw(host.send(wrong), 0x63C2);
    assertSw(host.send(wrong), 0x63C1);
    assertSw(host.send(wrong), 0x63C0);
    assertSw(host.send(wrong), 0x6983);
    assertSw(host.send(PivHost.VERIFY_DEFAULT_PIN), 0x6983);
    assertSw(host.send("00 20 00 80"), 0x6983);
  }

  @Test
  @DisplayName("a correct PIN restores the counter; the counter survives a restart")
  void verify_counter_durableAcrossRestart() throws Exception {
    assertSw(host.send("00 20 00 80 08 39 39 39 39 39 39 FF FF"), 0x63C2);

    host.restart();

    assertSw(host.send("00 20 00 80"), 0x63C2);
    host.verifyPin();
    host.restart();
    assertSw(host.send("00 20 00 80"), 0x63C3);
  }

  @Test
  @DisplayName("ykman reset blocks the PIN with an all-FF PIN: it counts as a wrong PIN")
  void verify_allPadding_countsAsWrongPin() {
    assertSw(host.send("00 20 00 80 08 FF FF FF FF FF FF FF FF"), 0x63C2);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.1: bad P1, unknown key reference and bad length")
  void verify_malformed_answersSpecifiedErrors() {
    assertSw(host.send("00 20 01 80 08 31 32 33 34 35 36 FF FF"), 0x6A86);
    assertSw(host.send("00 20 00 00 08 31 32 33 34 35 36 FF FF"), 0x6A88);
    assertSw(host.send("00 20 00 81 08 31 32 33 34 35 36 37 38"), 0x6A88);
    assertSw(host.send("00 20 00 80 06 31 32 33 34 35 36"), 0x6A80);
    assertSw(host.send("00 20 FF 80 01 00"), 0x6700);
    // None of these used a try.
    assertSw(host.send("00 20 00 80"), 0x63C3);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.2: CHANGE REFERENCE DATA changes the PIN")
  void changeReferenceData_pin_changesPin() throws Exception {
    assertSw(host.send("00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 30 FF"), 0x9000);

    host.restart();
    assertSw(host.send(PivHost.VERIFY_DEFAULT_PIN), 0x63C2);
    assertSw(host.send("00 20 00 80 08 36 35 34 33 32 31 30 FF"), 0x9000);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.2: CHANGE REFERENCE DATA changes the PUK")
  void changeReferenceData_puk_changesPuk() {
    assertSw(host.send("00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31"), 0x9000);
    assertSw(host.send("00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31"), 0x63C2);
    assertSw(host.send("00 24 00 81 10 38 37 36 35 34 33 32 31 31 32 33 34 35 36 37 38"), 0x9000);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 2.4.3: a new PIN of fewer than 6 characters is refused (6A80)")
  void changeReferenceData_shortNewPin_refusedWithoutChange() {
    assertSw(host.send("00 24 00 80 10 31 32 33 34 35 36 FF FF 31 32 33 FF FF FF FF FF"), 0x6A80);
    assertSw(host.send("00 24 00 80 10 31 32 33 34 35 36 FF FF 31 32 33 34 35 36 FF 37"), 0x6A80);

    host.verifyPin();
  }

  @Test
  void changeReferenceData_malformed_answersSpecifiedErrors() {
    assertSw(host.send("00 24 01 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF"), 0x6A86);
    assertSw(host.send("00 24 00 9B 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF"), 0x6A88);
    assertSw(host.send("00 24 00 80 08 31 32 33 34 35 36 FF FF"), 0x6A80);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.3: RESET RETRY COUNTER with the PUK unblocks the PIN")
  void resetRetryCounter_withPuk_unblocksPin() {
    String wrong = "00 20 00 80 08 39 39 39 39 39 39 FF FF";
    for (int i = 0; i < 3; i++) {
      host.send(wrong);
    }
    assertSw(host.send("00 20 00 80"), 0x6983);

    assertSw(host.send("00 2C 00 80 10 31 32 33 34 35 36 37 38 37 37 37 37 37 37 FF FF"), 0x9000);

    assertSw(host.send("00 20 00 80"), 0x63C3);
    assertSw(host.send("00 20 00 80 08 37 37 37 37 37 37 FF FF"), 0x9000);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.3: wrong PUKs count down and block the PUK")
  void resetRetryCounter_wrongPuk_countsDownAndBlocks() {
    String wrong = "00 2C 00 80 10 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF";
    assertSw(host.send(wrong), 0x63C2);
    assertSw(host.send(wrong), 0x63C1);
    assertSw(host.send(wrong), 0x63C0);
    assertSw(host.send(wrong), 0x6983);
    assertSw(host.send("00 2C 00 80 10 31 32 33 34 35 36 37 38 37 37 37 37 37 37 FF FF"), 0x6983);
    assertSw(host.send("00 2C 00 81 10 31 32 33 34 35 36 37 38 37 37 37 37 37 37 FF FF"), 0x6A88);
  }

  // ---- data objects ----------------------------------------------------------------------------

  @Test
  @DisplayName("SP 800-73-4 part 1, 3.3.2: the discovery object holds the AID and PIN policy 40 00")
  void getData_discovery_answersFixedObject() {
    ResponseApdu r = host.getData("7E");

    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("7E124F0BA0000003080000100001005F2F024000");
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.1.2: an empty container answers 6A82")
  void getData_emptyContainer_answersNotFound() {
    assertSw(host.getData("5FC102"), 0x6A82);
    assertSw(host.getData("5FC105"), 0x6A82);
    assertSw(host.getData("7F61"), 0x6A82);
    assertSw(host.getData("5FC1FF"), 0x6A82);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.3.1: PUT DATA needs management-key authentication")
  void putData_withoutAuthentication_answers6982() {
    assertSw(host.putData("5FC102", new byte[] {0x30, 0x00}), 0x6982);

    host.authenticateDefault();

    assertSw(host.putData("5FC102", new byte[] {0x30, 0x00}), 0x9000);
    ResponseApdu r = host.getData("5FC102");
    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("53023000");
  }

  @Test
  @DisplayName("a 3 KB certificate container is written with chaining and read back whole")
  void putData_threeKilobyteCertificate_readBackWhole() throws Exception {
    host.authenticateDefault();
    byte[] certificate = new byte[3000];
    host.random.nextBytes(certificate);
    byte[] container = concat(tlv(0x70, certificate), Hex.decode("710100FE00"));

    // ykman sends extended APDUs; yubico-piv-tool chains short ones: both reach the applet whole.
    assertSw(host.putData("5FC105", container), 0x9000);
    byte[] apdu = concat(Hex.decode("5C035FC10A"), tlv(0x53, container));
    for (int at = 0; at < apdu.length; at += 255) {
      int n = Math.min(255, apdu.length - at);
      byte[] header = {(byte) (at + n < apdu.length ? 0x10 : 0x00), (byte) 0xDB, 0x3F, (byte) 0xFF};
      ResponseApdu r =
          host.send(concat(header, new byte[] {(byte) n}, Arrays.copyOfRange(apdu, at, at + n)));
      assertSw(r, 0x9000);
    }

    host.restart();
    ResponseApdu a = host.getData("5FC105");
    ResponseApdu b = host.getData("5FC10A");
    assertThat(inner(a.data(), 0x53)).isEqualTo(container);
    assertThat(inner(b.data(), 0x53)).isEqualTo(container);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.3.1: an empty 53 deletes the container")
  void putData_empty53_deletesContainer() {
    host.authenticateDefault();
    assertSw(host.putData("5FC10B", new byte[] {0x70, 0x00}), 0x9000);

    assertSw(host.putData("5FC10B", new byte[0]), 0x9000);

    assertSw(host.getData("5FC10B"), 0x6A82);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5FC103", "5FC108", "5FC109", "5FC121", "5FC123"})
  @DisplayName(
      "SP 800-73-4 part 1, appendix A: biometrics, printed information and pairing code"
          + " are read after the PIN only")
  void getData_pinProtectedContainer_needsPin(String tag) {
    host.authenticateDefault();
    assertSw(host.putData(tag, new byte[] {0x01, 0x02}), 0x9000);

    assertSw(host.getData(tag), 0x6982);
    host.verifyPin();

    ResponseApdu r = host.getData(tag);
    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("53020102");
  }

  @Test
  @DisplayName("SP 800-73-4 part 1, table 3: a value beyond the container's size answers 6A84")
  void putData_tooLarge_answersNotEnoughMemory() {
    host.authenticateDefault();

    assertSw(host.putData("5FC109", new byte[246]), 0x6A84); // printed information: 245
    assertSw(host.putData("5FC109", new byte[245]), 0x9000);
    assertSw(host.putData("5FC107", new byte[288]), 0x6A84); // CCC: 287
    assertSw(host.putData("5FC10C", new byte[129]), 0x6A84); // key history: 128
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.3.1: 7F61 is written in its own tag; 7E is fixed")
  void putData_bitGroupTemplateAndDiscovery() {
    host.authenticateDefault();

    assertSw(host.command(0xDB, 0x3F, 0xFF, "7F61 03 02 01 00"), 0x9000);
    ResponseApdu r = host.getData("7F61");
    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("7F6103020100");

    assertSw(host.command(0xDB, 0x3F, 0xFF, "7E 02 4F 00"), 0x6A81);
    assertSw(host.command(0xDB, 0x3F, 0xFF, "5C 01 7E 53 02 4F 00"), 0x6A81);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.1.2 and 3.3.1: malformed GET DATA and PUT DATA")
  void getAndPutData_malformed_answersSpecifiedErrors() {
    host.authenticateDefault();

    assertSw(host.command(0xCB, 0x3F, 0xFE, "5C 03 5F C1 02"), 0x6A86);
    assertSw(host.command(0xCB, 0x3F, 0xFF, "5D 03 5F C1 02"), 0x6A80);
    assertSw(host.command(0xCB, 0x3F, 0xFF, "5C 04 5F C1 02"), 0x6A80);
    assertSw(host.command(0xCB, 0x3F, 0xFF, "5C 02 5F C1"), 0x6A80);
    assertSw(host.command(0xCB, 0x3F, 0xFF, "5C 03 5F C1 02 00"), 0x6A80);
    assertSw(host.command(0xDB, 0x3F, 0xFF, "5C 03 5F C1 02"), 0x6A80);
    assertSw(host.command(0xDB, 0x3F, 0xFF, "5C 03 5F C1 FF 53 00"), 0x6A80);
    assertSw(host.command(0xDB, 0x3F, 0xFF, "5C 03 5F C1 02 53 05 00"), 0x6A80);
    assertSw(host.command(0xDB, 0x3F, 0xFF, "5C 03 9F C1 02 53 00"), 0x6A80);
    assertSw(host.command(0xDB, 0x00, 0x00, "5C 03 5F C1 02 53 00"), 0x6A86);
  }
}
