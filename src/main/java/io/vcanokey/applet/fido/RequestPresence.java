package io.vcanokey.applet.fido;

import io.vcanokey.platform.UserPresence.Touch;

/**
 * One request's test of user presence (CTAP 2.1, 6.1.2 step 14 and 6.2.2 step 9; U2F raw messages,
 * 4.1): either not asked yet, or answered.
 *
 * <p>A command asks with {@link #require}. Not asked yet, that throws {@link Needed}: {@link
 * FidoHandler} then asks the user-presence service without blocking the key thread, and runs the
 * command again from the start with the answer. Running again is safe because every command changes
 * state only after its test of user presence, and it rechecks everything (a PIN token, a
 * credential) that may have changed while the user decided.
 */
public final class RequestPresence {

  /** The first run of a request: nobody has been asked yet. */
  public static final RequestPresence NOT_ASKED = new RequestPresence(null);

  private final Touch answer;

  private RequestPresence(Touch answer) {
    this.answer = answer;
  }

  /** A request run again with the user's answer. */
  public static RequestPresence answered(Touch answer) {
    return new RequestPresence(java.util.Objects.requireNonNull(answer, "answer"));
  }

  /**
   * The user's answer for this request.
   *
   * @param purpose what the touch is for, shown on a prompt (never a secret)
   * @throws Needed when the user has not been asked yet
   */
  public Touch require(String purpose) {
    if (answer == null) {
      throw new Needed(purpose);
    }
    return answer;
  }

  /** Whether this is a run with the user's answer (not the request's first run). */
  public boolean answered() {
    return answer != null;
  }

  /** Whether the user touched the key for this request; {@link #require} otherwise. */
  public boolean granted(String purpose) {
    return require(purpose) == Touch.GRANTED;
  }

  /** Thrown by {@link #require} before the user was asked: the handler asks and runs again. */
  public static final class Needed extends RuntimeException {

    private final String purpose;

    Needed(String purpose) {
      super("user presence needed: " + purpose, null, false, false);
      this.purpose = purpose;
    }

    /** What the touch is for. */
    public String purpose() {
      return purpose;
    }
  }
}
