package io.vcanokey.platform;

/**
 * The one place that decides whether the user touched the key. Every applet that a real key would
 * make wait for a touch (OATH touch credentials, admin resets, OpenPGP UIF, PIV touch policy, FIDO
 * user presence) asks here; no applet decides on its own.
 *
 * <p>Implementations follow the {@code --touch} option: {@link TouchPolicy#AUTO} grants every
 * request at once, {@link TouchPolicy#DENY} refuses every request at once, {@link
 * TouchPolicy#PROMPT} asks on the terminal and refuses when nobody answers in time.
 */
public interface UserPresence {

  /**
   * Asks for a touch and waits for the answer. Runs on the key thread, which it blocks while a
   * prompt is open; with {@code auto} and {@code deny} it returns at once.
   *
   * @param purpose what the touch is for, shown to the user (never a secret), e.g. "OATH code for
   *     'mail'"
   * @return true if the user confirmed presence, false if refused or timed out
   */
  boolean confirm(String purpose);

  /** The policy this service follows, for logs and help. */
  TouchPolicy policy();

  /** Grants every request at once: the CI setting, and what the reference's QEMU build does. */
  static UserPresence always() {
    return FixedPresence.GRANT;
  }

  /** Refuses every request at once, to test the touch-denied paths. */
  static UserPresence never() {
    return FixedPresence.DENY;
  }
}
