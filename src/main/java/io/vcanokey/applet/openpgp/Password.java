package io.vcanokey.applet.openpgp;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.crypto.Secrets;
import java.nio.charset.StandardCharsets;

/**
 * The three passwords of the OpenPGP card (spec 3.4, section 4.3): PW1 (user PIN, default "123456",
 * at least 6 bytes), the resetting code RC (unset by default, at least 8 bytes) and PW3 (admin PIN,
 * default "12345678", at least 8 bytes), each at most {@value #MAX_LENGTH} bytes, with a retry
 * counter of {@value #MAX_RETRIES}. An unset resetting code reports 0 tries.
 *
 * <p>The card stores whatever bytes the host sets: with a KDF-DO the host sends the iterated-salted
 * S2K hash of the PIN it reads (spec 4.3.2), and the card compares hashes.
 *
 * <p>Checking follows ISO/IEC 7816-4:2005, 7.5.6 with the counter made durable first: the
 * decremented counter is on the disk before the comparison, so a key killed between a wrong PIN and
 * its answer never gives a try back; only a correct PIN restores the counter.
 */
enum Password {
  PW1("pw1", "123456", 6),
  RC("rc", null, 8),
  PW3("pw3", "12345678", 8);

  static final int MAX_LENGTH = 64;
  static final int MAX_RETRIES = 3;

  final String record;
  final String retriesRecord;
  private final byte[] defaultValue;
  final int minLength;

  Password(String name, String defaultValue, int minLength) {
    this.record = PgpStore.PREFIX + name;
    this.retriesRecord = PgpStore.PREFIX + name + "-tries";
    this.defaultValue =
        defaultValue == null ? null : defaultValue.getBytes(StandardCharsets.US_ASCII);
    this.minLength = minLength;
  }

  /** The factory value: "123456", "12345678", or null for the resetting code. */
  byte[] factoryValue() {
    return defaultValue == null ? null : defaultValue.clone();
  }

  /** The current value, or null for an unset resetting code. */
  byte[] value(PgpStore store) {
    return store.get(record).orElseGet(this::factoryValue);
  }

  boolean validLength(byte[] candidate) {
    return candidate.length >= minLength && candidate.length <= MAX_LENGTH;
  }

  /**
   * Tries left: a missing counter means {@value #MAX_RETRIES} (0 for an unset resetting code), a
   * malformed one 0, so damage never grants extra tries.
   */
  int retries(PgpStore store) {
    if (value(store) == null) {
      return 0;
    }
    return store
        .get(retriesRecord)
        .map(v -> v.length == 1 ? Math.min(v[0] & 0xFF, MAX_RETRIES) : 0)
        .orElse(MAX_RETRIES);
  }

  /**
   * Checks {@code candidate} with the counter decremented durably first.
   *
   * @return true if it matches; the counter is then full again
   * @throws StatusException 6983 when blocked (or, for RC, unset); 6581 when the counter cannot be
   *     written
   */
  boolean check(PgpStore store, byte[] candidate) {
    int left = retries(store);
    if (left == 0) {
      throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    store.update(tx -> tx.put(retriesRecord, new byte[] {(byte) (left - 1)}));

    boolean match = Secrets.constantTimeEquals(candidate, value(store));
    if (match) {
      store.update(tx -> tx.put(retriesRecord, new byte[] {MAX_RETRIES}));
    }
    return match;
  }

  /** Sets a new value with a full counter, in one durable step. */
  void set(PgpStore store, byte[] newValue) {
    store.update(tx -> tx.put(record, newValue).put(retriesRecord, new byte[] {MAX_RETRIES}));
  }
}
