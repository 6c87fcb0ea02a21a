package io.vcanokey.transport.vpcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.guest.KeyProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3: a PIN retry counter cannot be reset by killing the key. The key runs as its own process
 * ({@code serve --vpcd} to a reader played by this test) and is killed with SIGKILL right after a
 * wrong admin PIN; a new key on the same state file must remember the failed try.
 */
class PinRetryKillIT {

  private static final byte[] POWER_ON = {0x01};
  private static final byte[] SELECT_ADMIN = Hex.decode("00A4040005F000000000");
  private static final byte[] VERIFY_WRONG = Hex.decode("0020000006303030303030"); // "000000"
  private static final byte[] VERIFY_RIGHT = Hex.decode("0020000006313233343536"); // "123456"
  private static final byte[] VERIFY_STATUS = Hex.decode("00200000");

  @TempDir Path temp;

  @Test
  @DisplayName("SIGKILL after the 63C2 answer: the restarted key still has 2 tries")
  void killAfterWrongPin_counterDurable() throws Exception {
    Path file = temp.resolve("key.db");
    try (ReaderPeer reader = ReaderPeer.listen()) {
      try (Session s = Session.start(reader, file, "kill-1")) {
        assertThat(s.exchange(VERIFY_WRONG)).isEqualTo("63C2");
        s.kill();
      }
      try (Session s = Session.start(reader, file, "kill-2")) {
        assertThat(s.exchange(VERIFY_STATUS)).isEqualTo("63C2");
        assertThat(s.exchange(VERIFY_WRONG)).isEqualTo("63C1");
        s.kill();
      }
      try (Session s = Session.start(reader, file, "kill-3")) {
        assertThat(s.exchange(VERIFY_STATUS)).isEqualTo("63C1");
        assertThat(s.exchange(VERIFY_RIGHT)).isEqualTo("9000");
        assertThat(s.exchange(VERIFY_STATUS)).as("a right PIN restores 3 tries").isEqualTo("9000");
      }
    }
  }

  @Test
  @DisplayName("SIGKILL while a wrong PIN is in flight: the counter never goes back up")
  void killWithWrongPinInFlight_counterNeverIncreases() throws Exception {
    Path file = temp.resolve("key.db");
    try (ReaderPeer reader = ReaderPeer.listen()) {
      int tries = 3;
      for (int round = 0; round < 2; round++) {
        try (Session s = Session.start(reader, file, "inflight-" + round)) {
          s.card.send(VERIFY_WRONG); // no waiting for the answer
          s.kill();
        }
        try (Session s = Session.start(reader, file, "inflight-check-" + round)) {
          String status = s.exchange(VERIFY_STATUS);
          assertThat(status).as("unverified status: 63Cx, x tries left").startsWith("63C");
          int now = Integer.parseInt(status.substring(3), 16);
          assertThat(now).as("tries after kill in round %d", round).isLessThanOrEqualTo(tries);
          tries = now;
        }
      }
    }
  }

  /** One key process in the test's reader, with the admin applet selected. */
  private static final class Session implements AutoCloseable {
    private final KeyProcess key;
    private final ReaderPeer.Card card;

    private Session(KeyProcess key, ReaderPeer.Card card) {
      this.key = key;
      this.card = card;
    }

    static Session start(ReaderPeer reader, Path file, String label) throws Exception {
      KeyProcess key = KeyProcess.startVpcd(label, file, reader.address().toString());
      ReaderPeer.Card card = reader.accept(Duration.ofSeconds(30));
      card.send(POWER_ON);
      Session session = new Session(key, card);
      assertThat(session.exchange(SELECT_ADMIN)).isEqualTo("9000");
      return session;
    }

    String exchange(byte[] apdu) throws Exception {
      return Hex.encode(card.exchange(apdu));
    }

    void kill() throws InterruptedException {
      ProcessHandle process = ProcessHandle.of(key.pid()).orElseThrow();
      process.destroyForcibly();
      process.onExit().join();
    }

    @Override
    public void close() throws Exception {
      card.close();
      key.close();
    }
  }
}
