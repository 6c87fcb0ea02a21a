package io.vcanokey.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another key (in this or another process) holds the state file's lock. */
public final class StateFileLockedException extends IOException {

  private final Path file;
  private final String holder;

  public StateFileLockedException(Path file, String holder) {
    super("state file " + file + " is in use by " + holder);
    this.file = file;
    this.holder = holder;
  }

  public Path file() {
    return file;
  }

  /** A description of the holder, e.g. "process 1234". */
  public String holder() {
    return holder;
  }
}
