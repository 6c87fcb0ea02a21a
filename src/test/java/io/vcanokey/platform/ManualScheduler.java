package io.vcanokey.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} for tests: time stands still until {@link #advance(Duration)} moves it, and
 * {@link #execute(Runnable)} runs its action at once on the caller's thread.
 */
public final class ManualScheduler implements Scheduler {

  private final List<Entry> pending = new ArrayList<>();
  private long now;
  private long sequence;

  private final class Entry implements Task {
    final long due;
    final long order = sequence++;
    final Runnable action;
    boolean cancelled;

    Entry(long due, Runnable action) {
      this.due = due;
      this.action = action;
    }

    @Override
    public void cancel() {
      cancelled = true;
      pending.remove(this);
    }
  }

  @Override
  public Task schedule(Duration delay, Runnable action) {
    Entry entry = new Entry(now + delay.toNanos(), action);
    pending.add(entry);
    return entry;
  }

  @Override
  public void execute(Runnable action) {
    action.run();
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Moves time forward, running every task that falls due, in order of due time. */
  public void advance(Duration duration) {
    long target = now + duration.toNanos();
    while (true) {
      Entry next =
          pending.stream()
              .filter(e -> e.due <= target)
              .min(Comparator.<Entry>comparingLong(e -> e.due).thenComparingLong(e -> e.order))
              .orElse(null);
      if (next == null) {
        break;
      }
      pending.remove(next);
      now = Math.max(now, next.due);
      next.action.run();
    }
    now = target;
  }

  /** Number of tasks still waiting. */
  public int pendingCount() {
    return pending.size();
  }
}
