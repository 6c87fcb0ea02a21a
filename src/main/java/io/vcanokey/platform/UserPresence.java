package io.vcanokey.platform;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

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

  /**
   * Asks for a touch without blocking the key thread, for requests whose transport keeps talking to
   * the host while the user decides (CTAPHID keepalives and CANCEL, CTAP 2.1 11.2.9.1.5 and
   * 11.2.9.1.7).
   *
   * <p>The answer reaches {@code answer} exactly once, through {@code keyThread}, unless the
   * request is cancelled first; after {@link Pending#cancel()} it never arrives. Services that
   * decide at once ({@code auto}, {@code deny}) answer inside this call, before it returns.
   *
   * @param purpose what the touch is for, as in {@link #confirm}
   * @param keyThread runs the answer on the key thread
   * @param answer receives the outcome
   * @return the open request, to cancel it
   */
  default Pending ask(String purpose, Executor keyThread, Consumer<Touch> answer) {
    answer.accept(confirm(purpose) ? Touch.GRANTED : Touch.REFUSED);
    return Pending.DONE;
  }

  /** How a touch request ended. */
  enum Touch {
    /** The user touched the key. */
    GRANTED,
    /** The user refused. */
    REFUSED,
    /** Nobody answered in time. */
    TIMED_OUT
  }

  /** A touch request still waiting for the user. */
  interface Pending {

    /** A request that was answered at once: there is nothing left to cancel. */
    Pending DONE = () -> {};

    /** Withdraws the request: its answer is never delivered. Only on the key thread. */
    void cancel();
  }

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
