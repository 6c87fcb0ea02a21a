package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.guest.KeyProcess;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key behind a real pcscd: {@code serve --vpcd} with vsmartcard's vpcd reader, checked with
 * OpenSC's opensc-tool and the JDK's PC/SC client. Holds the machine's pcscd for the whole class
 * ({@link Pcscd#acquire()}).
 */
class VpcdPcscdIT extends PcscdTest {

  /** The reference key's ATR (canokey-core inventory 1.6), as opensc-tool prints it for CanoKey. */
  private static final String CANOKEY_ATR = "3BF71100008131FE6543616E6F6B657999";

  /** SELECT by DF name of an AID no applet has: ISO/IEC 7816-4 7.1.1, answered 6A82. */
  private static final byte[] SELECT_UNKNOWN = Hex.decode("00A4040005F123456789");

  @TempDir Path temp;

  @Test
  @DisplayName("serve --vpcd: pcscd sees the CanoKey ATR, APDUs pass, and a pcscd restart heals")
  void vpcdOnly_realPcscd_atrApduAndBackAfterPcscdRestart() throws Exception {
    try (KeyProcess key =
        KeyProcess.startVpcd("vpcd", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      assertThat(Pcscd.atr(Pcscd.READER)).isEqualTo(CANOKEY_ATR);
      try (PcscCard card = PcscCard.connect(Pcscd.READER)) {
        assertThat(Hex.encode(card.atr())).isEqualTo(CANOKEY_ATR);
        assertThat(Hex.encode(card.transmit(SELECT_UNKNOWN))).isEqualTo("6A82");
      }

      Pcscd.restart();

      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      assertThat(Pcscd.atr(Pcscd.READER)).isEqualTo(CANOKEY_ATR);
      try (PcscCard card = PcscCard.connect(Pcscd.READER)) {
        assertThat(Hex.encode(card.atr())).isEqualTo(CANOKEY_ATR);
        assertThat(Hex.encode(card.transmit(SELECT_UNKNOWN))).isEqualTo("6A82");
      }
      assertThat(key.isAlive()).isTrue();
      String log = key.logText();
      assertThat(count(log, "vpcd: connected to " + Pcscd.VPCD_ADDRESS)).isEqualTo(2);
      assertThat(count(log, "vpcd: connection to " + Pcscd.VPCD_ADDRESS + " lost")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("serve --usbredir --vpcd: one key on both transports at once")
  void usbredirAndVpcd_oneKey_bothServed() throws Exception {
    try (KeyProcess key =
        KeyProcess.start("both", temp.resolve("key.db"), "--vpcd=" + Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      assertThat(Pcscd.atr(Pcscd.READER)).isEqualTo(CANOKEY_ATR);
      assertThat(usbredirHelloType(key.socket())).isZero();

      // One process, one key: both banners are there, and every serial number printed is the same.
      // (Banner and log lines share one file: matched separately, an interleaved log line cannot
      // break the check.)
      String log = key.logText();
      assertThat(log).contains("listening for usbredir").contains("vpcd reader at");
      Matcher serials = Pattern.compile("key ([0-9A-F]{8}) ").matcher(log);
      assertThat(serials.results().map(m -> m.group(1)).distinct()).containsExactly(key.serial());

      try (PcscCard card = PcscCard.connect(Pcscd.READER)) {
        assertThat(Hex.encode(card.transmit(SELECT_UNKNOWN))).isEqualTo("6A82");
      }
    }
  }

  /**
   * Connects to the key's usbredir socket and returns the type of the first packet it sends: 0
   * (hello) per the usbredir protocol, where both sides start with hello.
   */
  private static int usbredirHelloType(Path socket) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining()) {
        if (channel.read(header) < 0) {
          throw new IOException("usbredir socket closed before a packet header");
        }
      }
      return header.getInt(0);
    }
  }

  private static int count(String text, String fragment) {
    int count = 0;
    for (int at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
      count++;
    }
    return count;
  }
}
