package io.vcanokey.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFunctionsTest {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "inventory 1.8: a card session answers the admin and NDEF AIDs; sessions share state")
  void newCard_adminAndNdef_selectableAndShared() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      Provisioning.provision(state, new SecureRandom());
      AppletContext context = new AppletContext(state, UserPresence.always(), new SecureRandom());
      CardOs first = KeyFunctions.newCard(context, new FidoHandler(context));
      CardOs second = KeyFunctions.newCard(context, new FidoHandler(context));

      assertThat(sw(first, "00 A4 04 00 05 F0 00 00 00 00")).isEqualTo(StatusWords.SW_NO_ERROR);
      assertThat(sw(first, "00 20 00 00 06 31 32 33 34 35 36")).isEqualTo(0x9000);
      assertThat(sw(first, "00 40 04 00")).isEqualTo(StatusWords.SW_NO_ERROR);

      // The other session sees the NDEF switch at once, but not the first session's PIN.
      assertThat(sw(second, "00 A4 04 00 07 D2 76 00 00 85 01 01"))
          .isEqualTo(StatusWords.SW_FILE_NOT_FOUND);
      assertThat(sw(second, "00 A4 04 00 05 F0 00 00 00 00")).isEqualTo(StatusWords.SW_NO_ERROR);
      assertThat(sw(second, "00 42 00 00")).isEqualTo(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.1.1: a card session answers the PIV AID")
  void newCard_piv_selectable() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      Provisioning.provision(state, new SecureRandom());
      AppletContext context = new AppletContext(state, UserPresence.always(), new SecureRandom());
      CardOs card = KeyFunctions.newCard(context, new FidoHandler(context));

      assertThat(sw(card, "00 A4 04 00 05 A0 00 00 03 08")).isEqualTo(StatusWords.SW_NO_ERROR);
      assertThat(sw(card, "00 FD 00 00")).isEqualTo(StatusWords.SW_NO_ERROR);
    }
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.3.3: a card session answers the FIDO AID with U2F_V2; sessions share the"
          + " key's FIDO handler")
  void newCard_fido_selectableOverSharedHandler() throws Exception {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      Provisioning.provision(state, new SecureRandom());
      AppletContext context = new AppletContext(state, UserPresence.always(), new SecureRandom());
      FidoHandler fido = new FidoHandler(context);
      CardOs card = KeyFunctions.newCard(context, fido);

      assertThat(Hex.encode(card.transmit(Hex.decode("00 A4 04 00 08 A0 00 00 06 47 2F 00 01"))))
          .isEqualTo("5532465F56329000");
    }
  }

  private static int sw(CardOs card, String apdu) {
    return ResponseApdu.decode(card.transmit(Hex.decode(apdu))).sw();
  }
}
