package io.vcanokey.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

  @TempDir Path dir;

  @Test
  void open_missingFile_createsEmptyOwnerOnlyFile() throws IOException {
    Path path = dir.resolve("key");

    try (StateFile state = StateFile.open(path)) {
      assertThat(state.created()).isTrue();
      assertThat(state.names()).isEmpty();
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock(path))))
        .isEqualTo("rw-------");
  }

  @Test
  void update_thenReopen_readsBack() throws IOException {
    Path path = dir.resolve("key");
    try (StateFile state = StateFile.open(path)) {
      state.update(tx -> tx.put("a", bytes("one")).put("b", bytes("two")));
      state.update(tx -> tx.delete("a").put("c", new byte[0]));
    }

    try (StateFile state = StateFile.open(path)) {
      assertThat(state.created()).isFalse();
      assertThat(state.names()).containsExactly("b", "c");
      assertThat(state.get("b")).contains(bytes("two"));
      assertThat(state.get("c")).contains(new byte[0]);
      assertThat(state.get("a")).isEmpty();
    }
  }

  @Test
  @DisplayName("a second key on the same file in this JVM is refused with the file and holder")
  void open_twiceInOneJvm_refused() throws IOException {
    Path path = dir.resolve("key");
    try (StateFile first = StateFile.open(path)) {
      assertThatThrownBy(() -> StateFile.open(path))
          .isInstanceOf(StateFileLockedException.class)
          .hasMessageContaining(path.toString())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      // The refused attempt must not have dropped the first key's lock.
      first.put("still", bytes("mine"));
    }
    try (StateFile again = StateFile.open(path)) {
      assertThat(again.get("still")).contains(bytes("mine"));
    }
  }

  @Test
  @DisplayName("a key in another process is refused with that process's pid")
  void open_heldByAnotherProcess_namesThatProcess() throws Exception {
    Path path = dir.resolve("key");
    Path lockFile = lock(path);
    Files.createFile(lockFile);
    // flock(1) holds an exclusive lock of another kind; use a Java child that takes ours instead.
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                path.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      java.io.BufferedReader lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = lines.readLine();
      } while (line != null && !line.equals("ready"));
      assertThat(line).isEqualTo("ready");

      assertThatThrownBy(() -> StateFile.open(path))
          .isInstanceOf(StateFileLockedException.class)
          .hasMessageContaining(path.toString())
          .hasMessageContaining("process " + holder.pid());
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }

    try (StateFile state = StateFile.open(path)) {
      assertThat(state.get("held")).contains(bytes("yes"));
    }
  }

  /** Child process for the test above: opens the file, says "ready", waits to be killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      StateFile state = StateFile.open(Path.of(args[0]));
      state.put("held", bytes("yes"));
      System.out.print("ready\n");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }

  @Test
  void open_corruptChecksum_refusedAndFileKept() throws IOException {
    Path path = dir.resolve("key");
    try (StateFile state = StateFile.open(path)) {
      state.put("pin", bytes("123456"));
    }
    byte[] content = Files.readAllBytes(path);
    content[20] ^= 1;
    Files.write(path, content);

    assertThatThrownBy(() -> StateFile.open(path))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @Test
  void open_badMagicOrTruncated_refused() throws IOException {
    Path path = dir.resolve("key");
    Files.write(path, bytes("not a state file at all, just text that is long enough"));
    assertThatThrownBy(() -> StateFile.open(path)).hasMessageContaining("magic");

    Files.write(path, new byte[10]);
    assertThatThrownBy(() -> StateFile.open(path)).hasMessageContaining("too short");
  }

  @Test
  void open_newerFormatVersion_refused() throws IOException {
    Path path = dir.resolve("key");
    try (StateFile state = StateFile.open(path)) {
      state.put("x", bytes("y"));
    }
    Map<String, byte[]> unused = new HashMap<>();
    byte[] content = Files.readAllBytes(path);
    content[9] = 2; // version field, big-endian at offset 8
    byte[] body = java.util.Arrays.copyOf(content, content.length - 32);
    byte[] sum = sha256(body);
    System.arraycopy(sum, 0, content, content.length - 32, 32);
    Files.write(path, content);

    assertThatThrownBy(() -> StateFile.open(path))
        .hasMessageContaining("format version 2")
        .hasMessageContaining("up to 1");
    assertThat(unused).isEmpty();
  }

  @Test
  @DisplayName("an interrupted write leaves a stale temporary that the next open discards")
  void open_staleTemporary_ignored() throws IOException {
    Path path = dir.resolve("key");
    try (StateFile state = StateFile.open(path)) {
      state.put("counter", new byte[] {1});
    }
    // A crash between writing the temporary and renaming it leaves this behind.
    Files.write(dir.resolve("key.tmp"), new byte[] {0x56, 0x43, 0x4B});

    try (StateFile state = StateFile.open(path)) {
      assertThat(state.get("counter")).contains(new byte[] {1});
    }
    assertThat(dir.resolve("key.tmp")).doesNotExist();
  }

  @Test
  @DisplayName("random updates, each reopened, always match an in-memory model")
  void randomOperations_matchModel() throws IOException {
    Path path = dir.resolve("key");
    Random random = new Random(20261204);
    Map<String, byte[]> model = new HashMap<>();
    for (int round = 0; round < 40; round++) {
      try (StateFile state = StateFile.open(path)) {
        for (String name : model.keySet()) {
          assertThat(state.get(name)).as("record %s", name).contains(model.get(name));
        }
        assertThat(state.names()).containsExactlyInAnyOrderElementsOf(model.keySet());
        int operations = random.nextInt(5);
        for (int i = 0; i < operations; i++) {
          String name = "r" + random.nextInt(12);
          if (random.nextInt(4) == 0) {
            state.update(tx -> tx.delete(name));
            model.remove(name);
          } else {
            byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(value);
            state.put(name, value);
            model.put(name, value);
          }
        }
      }
    }
  }

  @Test
  void put_invalidName_rejected() throws IOException {
    try (StateFile state = StateFile.open(dir.resolve("key"))) {
      assertThatThrownBy(() -> state.put("", new byte[1]))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> state.put("x".repeat(256), new byte[1]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("a symbolic link to a state file shares its lock and is never replaced")
  void open_throughSymlink_sharesLockAndKeepsLink() throws IOException {
    Path real = dir.resolve("real.db");
    Path link = dir.resolve("link.db");
    Files.createSymbolicLink(link, real.getFileName());

    try (StateFile state = StateFile.open(link)) {
      state.put("x", bytes("1"));
      assertThatThrownBy(() -> StateFile.open(real)).isInstanceOf(StateFileLockedException.class);
    }

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(real).isRegularFile();
    try (StateFile state = StateFile.open(real)) {
      assertThat(state.get("x")).contains(bytes("1"));
    }
  }

  @Test
  @DisplayName("a hard link to an open state file is refused: one file, one key")
  void open_throughHardLink_refused() throws IOException {
    Path real = dir.resolve("real.db");
    try (StateFile state = StateFile.open(real)) {
      state.put("x", bytes("1"));
    }
    Path hard = dir.resolve("hard.db");
    Files.createLink(hard, real);

    try (StateFile state = StateFile.open(real)) {
      assertThatThrownBy(() -> StateFile.open(hard))
          .isInstanceOf(StateFileLockedException.class)
          .hasMessageContaining("hard link");
      // The refused attempt must not have dropped the first key's locks or changed its file.
      state.put("y", bytes("2"));
    }
    try (StateFile state = StateFile.open(real)) {
      assertThat(state.get("y")).contains(bytes("2"));
    }
  }

  @Test
  void open_missingDirectoryOrDirectory_clearError() throws IOException {
    assertThatThrownBy(() -> StateFile.open(dir.resolve("no/such/key.db")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> StateFile.open(dir)).hasMessageContaining("is a directory");
    assertThat(dir.resolve("no")).doesNotExist();
  }

  private static Path lock(Path path) {
    return path.resolveSibling(path.getFileName() + ".lock");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
