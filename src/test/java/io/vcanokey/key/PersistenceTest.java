package io.vcanokey.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.trace.Tracer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, persistence: everything the smart-card applets change lives in the state file. A key is
 * closed and opened again on the same file, and every change is read back through APDUs: OATH
 * credentials, HOTP counter and password (YKOATH), NDEF content (NFC Forum type 4 tag), admin PIN
 * and its retry counter (canokey-core inventory, section 8).
 */
class PersistenceTest {

  private static final String SELECT_OATH = "00 A4 04 00 07 A0 00 00 05 27 21 01";
  private static final String SELECT_NDEF = "00 A4 04 00 07 D2 76 00 00 85 01 01";
  private static final String SELECT_ADMIN = "00 A4 04 00 05 F0 00 00 00 00";

  // RFC 4226 appendix D: secret "12345678901234567890", HOTP values for counters 0 and 1.
  private static final byte[] RFC4226_SECRET =
      "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final int[] RFC4226_HOTP = {755224, 287082, 359152};

  private static final byte[] OATH_PASSWORD_KEY = Hex.decode("000102030405060708090A0B0C0D0E0F");

  @TempDir Path dir;

  @Test
  @DisplayName("issue 3: OATH, NDEF and admin changes survive closing and reopening the key")
  void reopen_afterChanges_everythingReadBack() throws Exception {
    Path file = dir.resolve("key.db");
    byte[] ndefMessage = Hex.decode("00 0A D1 01 06 55 04 61 2E 6F 72 67");
    int firstCode;

    try (VirtualKey key = VirtualKey.open(file, Tracer.OFF)) {
      Session card = new Session(key);
      card.expect(SELECT_OATH, 0x9000);
      // PUT: 71 name, 73 [HOTP | SHA-1, 6 digits, secret] (YKOATH).
      card.expect("00 01 00 00 " + lc(tlv(0x71, "hotp".getBytes()), tlv(0x73, hotpKey())), 0x9000);
      firstCode = card.hotpCode("hotp");
      byte[] challenge = Hex.decode("0102030405060708");
      card.expect(
          "00 03 00 00 "
              + lc(
                  tlv(0x73, concat(new byte[] {0x01}, OATH_PASSWORD_KEY)),
                  tlv(0x74, challenge),
                  tlv(0x75, hmacSha1(OATH_PASSWORD_KEY, challenge))),
          0x9000);

      card.expect(SELECT_NDEF, 0x9000);
      card.expect("00 A4 00 0C 02 00 01", 0x9000);
      card.expect("00 D6 00 00 " + lc(ndefMessage), 0x9000);

      card.expect(SELECT_ADMIN, 0x9000);
      card.expect("00 20 00 00 " + lc("123456".getBytes()), 0x9000);
      card.expect("00 21 00 00 " + lc("24681357".getBytes()), 0x9000);
      card.expect(SELECT_ADMIN, 0x9000);
      card.expect("00 20 00 00 " + lc("000000".getBytes()), 0x63C2);
    }

    try (VirtualKey key = VirtualKey.open(file, Tracer.OFF)) {
      Session card = new Session(key);
      card.expect(SELECT_ADMIN, 0x9000);
      card.expect("00 20 00 00", 0x63C2);
      card.expect("00 20 00 00 " + lc("123456".getBytes()), 0x63C1);
      card.expect("00 20 00 00 " + lc("24681357".getBytes()), 0x9000);

      card.expect(SELECT_NDEF, 0x9000);
      card.expect("00 A4 00 0C 02 00 01", 0x9000);
      ResponseApdu read = card.send("00 B0 00 00 " + String.format("%02X", ndefMessage.length));
      assertThat(read.data()).isEqualTo(ndefMessage);

      ResponseApdu select = card.send(SELECT_OATH);
      byte[] keyChallenge = valueOf(select.data(), 0x74);
      assertThat(keyChallenge).as("SELECT asks for the password (tag 74)").isNotNull();
      assertThat(card.send("00 A1 00 00").sw()).as("LIST before VALIDATE").isEqualTo(0x6982);
      byte[] hostChallenge = Hex.decode("1112131415161718");
      ResponseApdu validated =
          card.send(
              "00 A3 00 00 "
                  + lc(
                      tlv(0x75, hmacSha1(OATH_PASSWORD_KEY, keyChallenge)),
                      tlv(0x74, hostChallenge)));
      assertThat(validated.sw()).isEqualTo(0x9000);
      assertThat(valueOf(validated.data(), 0x75))
          .isEqualTo(hmacSha1(OATH_PASSWORD_KEY, hostChallenge));
      int nextCode = card.hotpCode("hotp");
      // RFC 4226: the code after the one computed before the restart.
      int firstIndex = Arrays.stream(RFC4226_HOTP).boxed().toList().indexOf(firstCode);
      assertThat(firstIndex).as("first code is an RFC 4226 value").isIn(0, 1);
      assertThat(nextCode).isEqualTo(RFC4226_HOTP[firstIndex + 1]);
    }
  }

  private static byte[] hotpKey() {
    return concat(new byte[] {0x11, 0x06}, RFC4226_SECRET);
  }

  /** Drives one card session of a key on the key thread. */
  private static final class Session {
    private final VirtualKey key;
    private final CardOs card;

    Session(VirtualKey key) throws Exception {
      this.key = key;
      this.card = key.call(key::newCard);
      key.call(
          () -> {
            card.powerOn();
            return null;
          });
    }

    ResponseApdu send(String hex) throws Exception {
      byte[] apdu = Hex.decode(hex);
      return ResponseApdu.decode(key.call(() -> card.transmit(apdu)));
    }

    void expect(String hex, int sw) throws Exception {
      assertThat(send(hex).sw()).as("SW of %s", hex).isEqualTo(sw);
    }

    /** CALCULATE with truncation (P2 01): 76 05 [digits, 4-byte truncated value]. */
    int hotpCode(String name) throws Exception {
      ResponseApdu response =
          send("00 A2 00 01 " + lc(tlv(0x71, name.getBytes()), tlv(0x74, new byte[0])));
      assertThat(response.sw()).isEqualTo(0x9000);
      byte[] value = valueOf(response.data(), 0x76);
      int digits = value[0];
      int truncated = ByteBuffer.wrap(value, 1, 4).getInt() & 0x7FFFFFFF;
      return truncated % (int) Math.pow(10, digits);
    }
  }

  private static byte[] valueOf(byte[] tlvs, int tag) {
    for (int at = 0; at + 1 < tlvs.length; ) {
      int t = tlvs[at] & 0xFF;
      int length = tlvs[at + 1] & 0xFF;
      if (t == tag) {
        return Arrays.copyOfRange(tlvs, at + 2, at + 2 + length);
      }
      at += 2 + length;
    }
    return null;
  }

  private static byte[] tlv(int tag, byte[] value) {
    return concat(new byte[] {(byte) tag, (byte) value.length}, value);
  }

  private static String lc(byte[]... parts) {
    byte[] data = concat(parts);
    return String.format("%02X ", data.length) + Hex.encode(data);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] hmacSha1(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key, "HmacSHA1"));
    return mac.doFinal(message);
  }
}
