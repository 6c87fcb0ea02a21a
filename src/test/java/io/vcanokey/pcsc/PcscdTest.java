package io.vcanokey.pcsc;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that put a key into the machine's pcscd: holds pcscd and its vpcd reader for
 * the whole test class ({@link Pcscd#acquire()}) and waits before each test until the reader is
 * empty, so a key from an earlier test has gone.
 */
abstract class PcscdTest {

  static final Duration CARD_TIMEOUT = Duration.ofSeconds(20);

  private static Pcscd.Lease pcscd;

  @BeforeAll
  static void holdPcscd() throws Exception {
    pcscd = Pcscd.acquire();
  }

  @AfterAll
  static void releasePcscd() throws Exception {
    if (pcscd != null) {
      pcscd.close();
      pcscd = null;
    }
  }

  @BeforeEach
  void readerIsFree() throws Exception {
    Pcscd.awaitNoCard(Pcscd.READER, CARD_TIMEOUT);
  }
}
