package io.vcanokey.applet.fido;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** A provisioned key state in a fresh temporary file, for tests of the FIDO applet. */
public final class FidoTestKey implements AutoCloseable {

  private final Path dir;
  private final StateFile state;
  private final AppletContext context;

  private FidoTestKey(UserPresence presence) throws IOException {
    dir = Files.createTempDirectory("vcanokey-fido");
    state = StateFile.open(dir.resolve("key"));
    Provisioning.provision(state, new SecureRandom());
    context = new AppletContext(state, presence, new SecureRandom());
  }

  /** A new provisioned key whose presence checks ask {@code presence}. */
  public static FidoTestKey create(UserPresence presence) {
    try {
      return new FidoTestKey(presence);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public AppletContext context() {
    return context;
  }

  public StateFile state() {
    return state;
  }

  @Override
  public void close() throws IOException {
    state.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
