package io.vcanokey.applet.admin;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.crypto.Secrets;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin PIN and its retry counter (canokey-core inventory, section 8: default "123456", 6 to 64
 * bytes, 3 retries), kept in the state file and checked the way ISO/IEC 7816-4:2005, 7.5.6 (VERIFY)
 * describes, with the counter made durable before the comparison.
 *
 * <p>Records: {@value #RECORD_PIN} holds the PIN bytes, {@value #RECORD_RETRIES} one byte with the
 * tries left (the format the key's provisioning writes). A missing PIN record means the default
 * PIN; a missing counter means 3; a malformed counter counts as 0 (blocked), so damage never grants
 * extra tries.
 */
final class AdminPin {

  private static final Logger log = LoggerFactory.getLogger(AdminPin.class);

  static final String RECORD_PIN = "admin/pin";
  static final String RECORD_RETRIES = "admin/pin-retries";

  static final byte[] DEFAULT_PIN = {'1', '2', '3', '4', '5', '6'};
  static final int DEFAULT_RETRIES = 3;
  static final int MIN_LENGTH = 6;
  static final int MAX_LENGTH = 64;

  private final StateFile state;

  AdminPin(StateFile state) {
    this.state = state;
  }

  /** Tries left, 0 when blocked. */
  int retries() {
    return state
        .get(RECORD_RETRIES)
        .map(v -> v.length == 1 ? Math.min(v[0] & 0xFF, DEFAULT_RETRIES) : 0)
        .orElse(DEFAULT_RETRIES);
  }

  boolean blocked() {
    return retries() == 0;
  }

  static boolean validLength(byte[] pin) {
    return pin.length >= MIN_LENGTH && pin.length <= MAX_LENGTH;
  }

  /**
   * Checks {@code candidate}. The decremented counter is on the disk before the comparison, so
   * killing the key between a wrong PIN and its answer cannot give a try back; only a correct PIN
   * restores the counter, again durably before the answer.
   *
   * @return true if the PIN is right
   * @throws StatusException 6983 when blocked; 6581 when the counter cannot be written, whether or
   *     not the PIN was right
   */
  boolean verify(byte[] candidate) {
    int left = retries();
    if (left == 0) {
      throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    writeRetries(left - 1);

    boolean match = Secrets.constantTimeEquals(candidate, pin());
    if (match) {
      writeRetries(DEFAULT_RETRIES);
    }
    return match;
  }

  /** Sets a new PIN (already length-checked) and a full retry counter, in one durable step. */
  void change(byte[] newPin) {
    try {
      state.update(
          tx ->
              tx.put(RECORD_PIN, newPin).put(RECORD_RETRIES, new byte[] {(byte) DEFAULT_RETRIES}));
    } catch (IOException e) {
      log.warn("admin: cannot store the new PIN: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }

  private byte[] pin() {
    return state.get(RECORD_PIN).orElseGet(DEFAULT_PIN::clone);
  }

  private void writeRetries(int retries) {
    try {
      state.put(RECORD_RETRIES, new byte[] {(byte) retries});
    } catch (IOException e) {
      log.warn("admin: cannot store the PIN retry counter: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }
}
