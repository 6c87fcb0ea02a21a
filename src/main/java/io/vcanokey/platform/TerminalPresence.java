package io.vcanokey.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --touch prompt}: asks on the terminal for each touch. An empty line or "y" is a touch, "n"
 * refuses, and no answer within the timeout refuses too, as a real key gives up when nobody touches
 * it.
 *
 * <p>A daemon thread reads the input line by line into a queue, so the key thread waits with a
 * timeout and input typed while no prompt is open is thrown away rather than answering a later
 * prompt. {@link #ask} waits on a thread of its own, so the key thread keeps serving the host (and
 * a CTAPHID CANCEL) while the prompt is open. When the input ends (stdin closed), every later
 * request is refused after its timeout.
 */
public final class TerminalPresence implements UserPresence {

  private static final Logger log = LoggerFactory.getLogger(TerminalPresence.class);

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final PrintStream prompts;
  private final Duration timeout;

  /** Waits for the answers of {@link #ask} requests, one prompt at a time. */
  private final ExecutorService waiter =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "touch-prompt-wait");
            thread.setDaemon(true);
            return thread;
          });

  /** Reads answers from {@code input} and writes prompts to {@code prompts}. */
  public TerminalPresence(InputStream input, PrintStream prompts, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("touch timeout must be positive: " + timeout);
    }
    this.prompts = prompts;
    this.timeout = timeout;
    Thread reader = new Thread(() -> readLines(input), "touch-prompt-reader");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public boolean confirm(String purpose) {
    return prompt(purpose) == Touch.GRANTED;
  }

  /**
   * Opens the prompt on a waiting thread of its own and delivers the answer through {@code
   * keyThread}. Cancelling interrupts the wait and closes the prompt.
   */
  @Override
  public Pending ask(String purpose, Executor keyThread, Consumer<Touch> answer) {
    AtomicBoolean withdrawn = new AtomicBoolean();
    Future<?> wait =
        waiter.submit(
            () -> {
              Touch touch = prompt(purpose);
              if (touch != null) {
                keyThread.execute(
                    () -> {
                      if (!withdrawn.get()) {
                        answer.accept(touch);
                      }
                    });
              }
            });
    return () -> {
      withdrawn.set(true);
      wait.cancel(true);
    };
  }

  /**
   * {@code text} with every control character (C0, DEL, C1) written as {@code \xNN}: a purpose
   * carries host-chosen text (an RP ID, an OATH name), which must not move the cursor, clear the
   * line or retitle the terminal to forge a prompt.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\x%02X", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  /** Asks on the terminal and waits; null when the wait was interrupted (the request cancelled). */
  private Touch prompt(String hostText) {
    String purpose = printable(hostText);
    lines.clear(); // answers typed before this prompt belong to no request
    prompts.printf(
        "Touch requested: %s. Press Enter to touch, or type n to refuse (%d s).%n",
        purpose, timeout.toSeconds());
    prompts.flush();
    String answer;
    try {
      answer = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      prompts.printf("Touch request withdrawn by the host.%n");
      prompts.flush();
      log.debug("user presence for {}: withdrawn", purpose);
      return null;
    }
    Touch touch =
        answer == null
            ? Touch.TIMED_OUT
            : answer.isBlank() || answer.strip().startsWith("y") ? Touch.GRANTED : Touch.REFUSED;
    String outcome =
        switch (touch) {
          case GRANTED -> "granted";
          case REFUSED -> "refused";
          case TIMED_OUT -> "timed out";
        };
    prompts.printf("Touch %s.%n", outcome);
    prompts.flush();
    log.debug("user presence for {}: {}", purpose, outcome);
    return touch;
  }

  @Override
  public TouchPolicy policy() {
    return TouchPolicy.PROMPT;
  }

  private void readLines(InputStream input) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line.toLowerCase(Locale.ROOT));
      }
    } catch (IOException e) {
      log.warn("touch prompt: cannot read the terminal: {}", e.getMessage());
    }
    log.debug("touch prompt: input closed; later touch requests time out");
  }
}
