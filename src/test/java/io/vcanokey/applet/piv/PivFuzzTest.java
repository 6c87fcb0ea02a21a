package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated APDUs against the PIV applet: malformed input is normal input, so nothing may
 * answer 6F00 (our own bug) and the PIN keeps working afterwards.
 */
class PivFuzzTest {

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

  /** Well-formed commands of every instruction, mutated byte by byte below. */
  static final String[] SEEDS = {
    "00 CB 3F FF 05 5C 03 5F C1 02",
    "00 CB 3F FF 03 5C 01 7E",
    "00 DB 3F FF 09 5C 03 5F C1 02 53 02 30 00",
    "00 DB 3F FF 05 7F 61 02 01 00",
    "00 87 03 9B 04 7C 02 80 00",
    "00 87 03 9B 04 7C 02 81 00",
    "00 87 03 9B 0C 7C 0A 82 08 01 02 03 04 05 06 07 08",
    "00 87 03 9B 16 7C 14 80 08 01 02 03 04 05 06 07 08 81 08 01 02 03 04 05 06 07 08",
    "00 87 11 9A 26 7C 24 82 00 81 20 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"
        + " 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F",
    "00 87 11 9E 47 7C 45 82 00 85 41 04" + " 11".repeat(64),
    "00 87 E1 9D 24 7C 22 82 00 85 20" + " 09".repeat(32),
    "00 87 E0 9C 07 7C 05 82 00 81 01 72",
    "00 47 00 9A 05 AC 03 80 01 11",
    "00 47 00 9E 0B AC 09 80 01 E0 AA 01 01 AB 01 03",
    "00 FE 11 9A 22 06 20" + " 01".repeat(32),
    "00 FE E1 9D 22 08 20" + " 01".repeat(32),
    "00 FF FF FF 1B 03 9B 18 01 02 03 04 05 06 07 08 01 02 03 04 05 06 07 08 01 02 03 04"
        + " 05 06 07 08",
    "00 F7 00 80",
    "00 F7 00 9B",
    "00 F7 00 9A",
    "00 F7 00 F9",
    "00 F9 9A 00",
    "00 F6 82 9A",
    "00 F6 FF 9A",
    "00 FA 05 05",
    "00 FB 00 00",
    "00 FD 00 00",
    "00 F8 00 00",
    "00 20 00 80",
    "00 20 FF 80",
    "00 24 00 81 10 31 32 33 34 35 36 37 38 31 32 33 34 35 36 37 38",
  };

  @Test
  @DisplayName("malformed and random APDUs never answer 6F00; the PIN still verifies afterwards")
  void process_randomAndMutatedApdus_neverUnknownError() {
    Random random = new Random(5);
    for (int i = 0; i < 6000; i++) {
      if (i % 40 == 0) {
        host.send(PivHost.SELECT);
        if (random.nextBoolean()) {
          host.authenticate(0x03, PivHost.DEFAULT_MANAGEMENT_KEY); // a mutated FF may change it
        }
        host.verifyPin();
      }
      byte[] apdu;
      if (random.nextInt(3) == 0) {
        apdu = new byte[random.nextInt(40)];
        random.nextBytes(apdu);
        if (apdu.length > 1) {
          apdu[0] = 0x00;
        }
      } else {
        apdu = Hex.decode(SEEDS[random.nextInt(SEEDS.length)].replace(" ", ""));
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) {
          int at = 1 + random.nextInt(apdu.length - 1);
          apdu[at] = (byte) random.nextInt(256);
        }
      }
      if (apdu.length > 1 && (apdu[1] == 0x20 || apdu[1] == 0x24 || apdu[1] == 0x2C)) {
        apdu[1] = (byte) 0xFD; // keep the PIN and PUK usable for the next rounds
      }

      ResponseApdu response = ResponseApdu.decode(host.card.transmit(apdu));

      assertThat(response.sw()).as(Hex.spaced(apdu)).isNotEqualTo(StatusWords.SW_UNKNOWN);
    }

    host.send(PivHost.SELECT);
    assertSw(host.send(PivHost.VERIFY_DEFAULT_PIN), 0x9000);
  }
}
