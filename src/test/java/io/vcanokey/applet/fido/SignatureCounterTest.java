package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.storage.StateFile;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureCounterTest {

  @TempDir Path dir;
  private StateFile state;
  private SignatureCounter counter;

  @BeforeEach
  void setUp() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    counter = new SignatureCounter(state);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  @Test
  @DisplayName("WebAuthn 6.1: a 32-bit big-endian counter, one more for every signature, durable")
  void increment_fromMissingRecord_countsUpDurably() throws Exception {
    assertThat(counter.current()).isZero();

    assertThat(counter.increment()).isEqualTo(1);
    assertThat(counter.increment()).isEqualTo(2);

    assertThat(state.get("fido/sign-counter").orElseThrow()).containsExactly(0, 0, 0, 2);
    state.close();
    state = StateFile.open(dir.resolve("key"));
    assertThat(new SignatureCounter(state).current()).isEqualTo(2);
  }

  @Test
  @DisplayName("next() proposes a value without storing it; store() puts it in a transaction")
  void nextThenStore_storedOnlyByTransaction() throws Exception {
    state.put("fido/sign-counter", new byte[] {0, 0, 1, 0});

    long next = counter.next();
    assertThat(next).isEqualTo(0x101);
    assertThat(counter.current()).isEqualTo(0x100);

    state.update(tx -> SignatureCounter.store(tx, next));
    assertThat(counter.current()).isEqualTo(0x101);
  }

  @Test
  @DisplayName("WebAuthn 6.1.1: past 7FFFFFFF the value stays unsigned; at FFFFFFFF it never wraps")
  void increment_nearTheTop_unsignedThenExhausted() throws Exception {
    state.put("fido/sign-counter", new byte[] {(byte) 0x7F, -1, -1, -1});
    assertThat(counter.increment()).isEqualTo(0x80000000L);
    state.put("fido/sign-counter", new byte[] {-1, -1, -1, (byte) 0xFE});
    assertThat(counter.increment()).isEqualTo(0xFFFFFFFFL);

    assertThatThrownBy(counter::increment).isInstanceOf(SignatureCounter.ExhaustedException.class);
    assertThat(state.get("fido/sign-counter").orElseThrow()).containsExactly(-1, -1, -1, -1);
  }

  @Test
  @DisplayName("A counter record of the wrong length is a corrupt state, not a value")
  void current_malformedRecord_illegalState() throws Exception {
    state.put("fido/sign-counter", new byte[] {1, 2, 3});

    assertThatThrownBy(counter::current).isInstanceOf(IllegalStateException.class);
  }
}
