package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Breaker regression: while alwaysUv is on the key turns U2F off (CTAP 2.1, 6.11.2; getInfo drops
 * U2F_V2 and every U2F message answers 6D00), yet SELECT of the FIDO AID still answers "U2F_V2",
 * the version string of an authenticator that supports U2F (CTAP 2.1, 11.3.3: a CTAP2-only
 * authenticator answers "FIDO_2_0"). A U2F-only NFC client is told U2F works and then gets 6D00.
 */
class Breaker2FidoAppletTest {

  private static final String SELECT = "00 A4 04 00 08 A0 00 00 06 47 2F 00 01";

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final CardOs card = new CardOs(List.of(new FidoApplet(new FidoHandler(key.context()))));

  @AfterEach
  void closeKey() throws IOException {
    key.close();
  }

  @Test
  @DisplayName("CTAP 2.1 11.3.3: with U2F off (alwaysUv on) SELECT answers FIDO_2_0, not U2F_V2")
  void select_alwaysUvOn_fido20() {
    card.transmit(Hex.decode(SELECT));
    // authenticatorConfig toggleAlwaysUv {1: 2}, no PIN so no token (6.11.2)
    assertThat(Hex.encode(card.transmit(Hex.decode("80 10 00 00 04 0D A1 01 02 00"))))
        .isEqualTo("009000");
    assertThat(Hex.encode(card.transmit(Hex.decode("00 03 00 00")))).isEqualTo("6D00");

    assertThat(Hex.encode(card.transmit(Hex.decode(SELECT))))
        .isEqualTo(
            Hex.encode("FIDO_2_0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "9000");
  }
}
