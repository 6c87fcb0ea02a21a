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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --touch prompt}: asks on the terminal for each touch. An empty line or "y" is a touch, "n"
 * refuses, and no answer within the timeout refuses too, as a real key gives up when nobody touches
 * it.
 *
 * <p>A daemon thread reads the input line by line into a queue, so the key thread waits with a
 * timeout and input typed while no prompt is open is thrown away rather than answering a later
 * prompt. When the input ends (stdin closed), every later request is refused after its timeout.
 */
public final class TerminalPresence implements UserPresence {

  private static final Logger log = LoggerFactory.getLogger(TerminalPresence.class);

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final PrintStream prompts;
  private final Duration timeout;

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
      answer = null;
    }
    boolean granted = answer != null && (answer.isBlank() || answer.strip().startsWith("y"));
    String outcome = answer == null ? "timed out" : granted ? "granted" : "refused";
    prompts.printf("Touch %s.%n", outcome);
    prompts.flush();
    log.debug("user presence for {}: {}", purpose, outcome);
    return granted;
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
