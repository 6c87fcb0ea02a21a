package io.vcanokey.applet.oath;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LIST and CALCULATE ALL answers longer than one response APDU, through the card OS: YKOATH sends
 * the first part with 61XX and the rest on SEND REMAINING (A5), as ykman's {@code
 * SmartCardProtocol} fetches it.
 */
class OathPagingTest {

  @TempDir Path dir;

  @Test
  @DisplayName("YKOATH: 32 credentials come back whole through 61XX and SEND REMAINING")
  void calculateAllAndList_32Credentials_pagedWithA5() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key.db"))) {
      CardOs card =
          new CardOs(
              List.of(
                  new OathApplet(
                      new AppletContext(state, UserPresence.always(), new SecureRandom()))));
      send(card, "00 A4 04 00 07 A0 00 00 05 27 21 01");
      for (int i = 0; i < 32; i++) {
        byte[] name = String.format("account-%02d", i).getBytes(StandardCharsets.UTF_8);
        // 71 name, 73 [TOTP | SHA-1, 6 digits, 20-byte secret]
        ByteArrayOutputStream put = new ByteArrayOutputStream();
        put.write(0x71);
        put.write(name.length);
        put.writeBytes(name);
        put.writeBytes(Hex.decode("73 16 21 06"));
        put.writeBytes("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
        byte[] data = put.toByteArray();
        assertThat(
                send(card, String.format("00 01 00 00 %02X ", data.length) + Hex.encode(data)).sw())
            .isEqualTo(0x9000);
      }

      byte[] all = collect(card, "00 A4 00 01 0A 74 08 00 00 00 00 00 00 00 01");
      byte[] list = collect(card, "00 A1 00 00");

      // Per credential: 71 0A name (12 bytes) + 76 05 digits value (7 bytes).
      assertThat(all).hasSize(32 * (12 + 7));
      // Per credential: 72 0B [type|alg] name (13 bytes).
      assertThat(list).hasSize(32 * 13);
    }
  }

  /** Sends {@code apdu}, then SEND REMAINING while the card answers 61XX; returns all data. */
  private static byte[] collect(CardOs card, String apdu) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ResponseApdu r = send(card, apdu);
    int pages = 1;
    while ((r.sw() >> 8) == 0x61) {
      data.writeBytes(r.data());
      r = send(card, "00 A5 00 00");
      pages++;
    }
    assertThat(r.sw()).isEqualTo(0x9000);
    assertThat(pages).as("the answer needs more than one response APDU").isGreaterThan(1);
    data.writeBytes(r.data());
    return data.toByteArray();
  }

  private static ResponseApdu send(CardOs card, String hex) {
    return ResponseApdu.decode(card.transmit(Hex.decode(hex)));
  }
}
