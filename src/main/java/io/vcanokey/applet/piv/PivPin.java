package io.vcanokey.applet.piv;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.crypto.Secrets;
import io.vcanokey.storage.StateFile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PIV Card Application PIN (key reference 80) and PIN Unblocking Key (81) of NIST SP 800-73-4
 * part 2, section 2.4.3 and table 6: reference data of exactly 8 bytes, the characters followed by
 * FF padding, with a retry counter. Defaults as YubiKeys and the reference key ship them: PIN
 * "123456", PUK "12345678", 3 tries each; SET PIN RETRIES (Yubico) changes the number of tries.
 *
 * <p>Checking follows ISO/IEC 7816-4:2005, 7.5.6 with the counter made durable first: the
 * decremented counter is on the disk before the comparison, so a key killed between a wrong PIN and
 * its answer never gives a try back; only a correct value restores the counter.
 */
enum PivPin {
  PIN(0x80, "pin", "123456"),
  PUK(0x81, "puk", "12345678");

  /** Every PIN and PUK is 8 bytes on the wire, padded with FF (SP 800-73-4 part 2, 2.4.3). */
  static final int LENGTH = 8;

  static final int MIN_CHARACTERS = 6;
  static final int PADDING = 0xFF;
  static final int DEFAULT_RETRIES = 3;

  final int reference;
  final String record;
  final String retriesRecord;
  private final byte[] factoryValue;

  PivPin(int reference, String name, String factoryValue) {
    this.reference = reference;
    this.record = PivStore.PREFIX + name;
    this.retriesRecord = PivStore.PREFIX + name + "-retries";
    byte[] padded = new byte[LENGTH];
    Arrays.fill(padded, (byte) PADDING);
    byte[] ascii = factoryValue.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, padded, 0, ascii.length);
    this.factoryValue = padded;
  }

  /**
   * Whether {@code value} is a well-formed new PIN or PUK: 8 bytes, 6 to 8 characters other than FF
   * followed only by FF padding (SP 800-73-4 part 2, 2.4.3; YubiKeys take any byte as a character,
   * and so do we).
   */
  static boolean wellFormed(byte[] value) {
    if (value.length != LENGTH) {
      return false;
    }
    int characters = 0;
    while (characters < LENGTH && (value[characters] & 0xFF) != PADDING) {
      characters++;
    }
    for (int i = characters; i < LENGTH; i++) {
      if ((value[i] & 0xFF) != PADDING) {
        return false;
      }
    }
    return characters >= MIN_CHARACTERS;
  }

  byte[] value(PivStore store) {
    return store.get(record).filter(v -> v.length == LENGTH).orElseGet(factoryValue::clone);
  }

  boolean isDefault(PivStore store) {
    return Arrays.equals(value(store), factoryValue);
  }

  /** Tries allowed after a correct entry (1 to 255, Yubico SET PIN RETRIES). */
  int totalRetries(PivStore store) {
    return store
        .get(retriesRecord)
        .filter(v -> v.length == 2)
        .map(v -> Math.max(1, v[1] & 0xFF))
        .orElse(DEFAULT_RETRIES);
  }

  /**
   * Tries left: a missing counter means the total, a malformed one 0, so damage never grants extra
   * tries.
   */
  int retries(PivStore store) {
    return store
        .get(retriesRecord)
        .map(v -> v.length == 2 ? Math.min(v[0] & 0xFF, Math.max(1, v[1] & 0xFF)) : 0)
        .orElse(DEFAULT_RETRIES);
  }

  boolean blocked(PivStore store) {
    return retries(store) == 0;
  }

  /**
   * Checks {@code candidate} with the counter decremented durably first.
   *
   * @return true if it matches; the counter is then full again
   * @throws StatusException 6983 when blocked; 6581 when the counter cannot be written
   */
  boolean check(PivStore store, byte[] candidate) {
    int left = retries(store);
    if (left == 0) {
      throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    int total = totalRetries(store);
    store.update(tx -> tx.put(retriesRecord, new byte[] {(byte) (left - 1), (byte) total}));

    boolean match = Secrets.constantTimeEquals(candidate, value(store));
    if (match) {
      store.update(tx -> tx.put(retriesRecord, new byte[] {(byte) total, (byte) total}));
    }
    return match;
  }

  /** 63CX for a wrong entry with X tries left (at most 15 can be told). */
  static StatusException wrong(int left) {
    return new StatusException(StatusWords.counter(Math.min(left, 0x0F)));
  }

  /** Sets a new value with a full counter, in {@code tx}. */
  void set(PivStore store, StateFile.Transaction tx, byte[] newValue) {
    int total = totalRetries(store);
    tx.put(record, newValue).put(retriesRecord, new byte[] {(byte) total, (byte) total});
  }

  /** Back to the factory value with {@code total} tries, in {@code tx}. */
  void reset(StateFile.Transaction tx, int total) {
    tx.delete(record).put(retriesRecord, new byte[] {(byte) total, (byte) total});
  }
}
