package io.vcanokey.platform;

import java.time.Duration;

/**
 * Runs delayed work on the key's single thread: CTAPHID inter-frame timeouts, keepalives, CCID time
 * extensions. Production code uses {@link ExecutorScheduler}; tests use {@link ManualScheduler} and
 * advance time by hand.
 */
public interface Scheduler {

  /** A scheduled task that has not run yet. */
  interface Task {
    /** Stops the task from running; does nothing if it already ran or was cancelled. */
    void cancel();
  }

  /** Runs {@code action} on the key thread after {@code delay}. */
  Task schedule(Duration delay, Runnable action);

  /** Runs {@code action} on the key thread as soon as possible. */
  void execute(Runnable action);

  /** Monotonic time in nanoseconds, for measuring intervals. */
  long nanoTime();
}
