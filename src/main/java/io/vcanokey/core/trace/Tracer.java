package io.vcanokey.core.trace;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Named trace events, printed on a stream when their name matches one of the enabled patterns, in
 * the shape of QEMU's "log" trace backend: {@code pid@seconds.micros:event_name arguments}.
 *
 * <p>Patterns are globs ({@code *} any run of characters, {@code ?} one character), several
 * separated by commas, as with QEMU's {@code -trace 'canokey_*'}. A tracer with no pattern is off
 * and costs one map lookup per event site; callers check {@link #enabled(String)} before building
 * arguments.
 */
public final class Tracer {

  /** A tracer that never prints. */
  public static final Tracer OFF = new Tracer(List.of(), System.err);

  private final List<Pattern> patterns;
  private final PrintStream out;
  private final ConcurrentHashMap<String, Boolean> decisions = new ConcurrentHashMap<>();
  private final long pid = ProcessHandle.current().pid();

  private Tracer(List<Pattern> patterns, PrintStream out) {
    this.patterns = patterns;
    this.out = out;
  }

  /**
   * A tracer printing events whose names match {@code globs} (comma-separated) on {@code out}.
   *
   * @throws IllegalArgumentException if a glob is empty or holds characters other than letters,
   *     digits, underscores and wildcards
   */
  public static Tracer forGlobs(String globs, PrintStream out) {
    List<Pattern> patterns = new ArrayList<>();
    for (String glob : globs.split(",")) {
      String trimmed = glob.trim();
      if (!trimmed.matches("[A-Za-z0-9_*?]+")) {
        throw new IllegalArgumentException(
            "trace pattern must use letters, digits, '_', '*' and '?', got '" + trimmed + "'");
      }
      patterns.add(Pattern.compile(trimmed.replace("*", ".*").replace("?", ".")));
    }
    return new Tracer(List.copyOf(patterns), out);
  }

  /** Whether {@code event} is printed. */
  public boolean enabled(String event) {
    if (patterns.isEmpty()) {
      return false;
    }
    return decisions.computeIfAbsent(
        event, name -> patterns.stream().anyMatch(p -> p.matcher(name).matches()));
  }

  /** Prints {@code event} with arguments formatted by {@code format}, if it is enabled. */
  public void event(String event, String format, Object... args) {
    if (!enabled(event)) {
      return;
    }
    Instant now = Instant.now();
    String line =
        String.format(
            "%d@%d.%06d:%s %s",
            pid, now.getEpochSecond(), now.getNano() / 1000, event, String.format(format, args));
    synchronized (out) {
      out.println(line.stripTrailing());
    }
  }
}
