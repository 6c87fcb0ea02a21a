package io.vcanokey.applet.fido;

import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The key's one global signature counter (WebAuthn Level 2, 6.1 "signCount" and 6.1.1 "Signature
 * Counter Considerations"; FIDO U2F raw message formats 1.2, 5.4 "counter"), shared by U2F
 * AUTHENTICATE and CTAP2 makeCredential and getAssertion, kept in the 4-byte big-endian record
 * {@code fido/sign-counter}.
 *
 * <p>Every signature gets a value one above the last, written to the state file before the response
 * that carries it leaves the key ({@link #increment()}, or {@link #next()} plus {@link #store} when
 * the caller writes other records in the same atomic update).
 *
 * <p>Overflow: WebAuthn 6.1 asks the counter to be incremented on each operation and 6.1.1 has a
 * relying party treat a value not greater than the stored one as a sign of a cloned authenticator,
 * so a wrap from FFFFFFFF to 0 would turn every later signature into a clone alarm. At FFFFFFFF the
 * counter is therefore exhausted: it stays there and {@link #next()} refuses, for U2F and CTAP2
 * alike (U2F answers 6985, CTAP2 CTAP2_ERR_LIMIT_EXCEEDED).
 *
 * <p>Threading: key thread only.
 */
public final class SignatureCounter {

  /** The state-file record (shared with {@code key.Provisioning}). */
  public static final String RECORD = "fido/sign-counter";

  /** The last value a counter may take (a 32-bit unsigned integer, WebAuthn 6.1). */
  public static final long MAX_VALUE = 0xFFFFFFFFL;

  private static final int LENGTH = 4;

  private final StateFile state;

  public SignatureCounter(StateFile state) {
    this.state = state;
  }

  /** Raised when the counter is at {@link #MAX_VALUE} and cannot sign again. */
  public static final class ExhaustedException extends RuntimeException {
    ExhaustedException() {
      super("signature counter exhausted at FFFFFFFF");
    }
  }

  /** The stored value; 0 when the record is missing (a key provisioned before it existed). */
  public long current() {
    byte[] stored = state.get(RECORD).orElse(new byte[LENGTH]);
    if (stored.length != LENGTH) {
      throw new IllegalStateException("malformed signature counter record");
    }
    return ByteBuffer.wrap(stored).getInt() & MAX_VALUE;
  }

  /**
   * The value the next signature carries, not yet stored: the caller must {@link #store} it in the
   * update that precedes the response.
   *
   * @throws ExhaustedException at {@link #MAX_VALUE}
   */
  public long next() {
    long value = current();
    if (value >= MAX_VALUE) {
      throw new ExhaustedException();
    }
    return value + 1;
  }

  /** Puts {@code value} into {@code tx}. */
  public static void store(StateFile.Transaction tx, long value) {
    tx.put(RECORD, encode(value));
  }

  /**
   * Takes the next value and makes it durable.
   *
   * @throws ExhaustedException at {@link #MAX_VALUE}
   * @throws IOException if the state file cannot be written; the stored value is then unchanged
   */
  public long increment() throws IOException {
    long value = next();
    state.update(tx -> store(tx, value));
    return value;
  }

  /** The 4-byte big-endian form authenticator data and U2F responses carry. */
  public static byte[] encode(long value) {
    return ByteBuffer.allocate(LENGTH).putInt((int) value).array();
  }
}
