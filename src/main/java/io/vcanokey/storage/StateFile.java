package io.vcanokey.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key's persistent state: named records ("files", as the original's littlefs has) kept in one
 * file that is replaced atomically on every change. See the package documentation for the format
 * and the guarantees.
 *
 * <p>Threading: one key thread uses a state file; the methods are not synchronized.
 */
public final class StateFile implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StateFile.class);

  static final byte[] MAGIC = "VCKSTATE".getBytes(StandardCharsets.US_ASCII);

  /** The format version this code writes. */
  public static final int FORMAT_VERSION = 1;

  static final int MAX_NAME_LENGTH = 255;
  static final int MAX_VALUE_LENGTH = 1 << 20;
  static final int MAX_FILE_SIZE = 64 << 20;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /**
   * Lock files held by keys in this JVM. POSIX record locks belong to the process, and closing any
   * descriptor of a locked file drops them, so a second key in the same JVM must be turned away
   * before it opens the lock file at all.
   */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  /** Identities (device and inode) of state files opened in this JVM, whatever their names. */
  private static final Set<Object> FILES_HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final Path lockPath;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final TreeMap<String, byte[]> records;
  private final boolean created;
  private final FileChannel openedChannel;
  private final Object openedFileKey;
  private boolean closed;

  private StateFile(
      Path path,
      Path lockPath,
      FileChannel lockChannel,
      FileLock lock,
      FileChannel openedChannel,
      Object openedFileKey,
      TreeMap<String, byte[]> records,
      boolean created) {
    this.path = path;
    this.lockPath = lockPath;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.openedChannel = openedChannel;
    this.openedFileKey = openedFileKey;
    this.records = records;
    this.created = created;
  }

  /**
   * Opens the state file at {@code path}, creating an empty one (mode 0600) if it does not exist,
   * and takes its exclusive lock for as long as it stays open.
   *
   * @throws StateFileLockedException if another key holds the lock
   * @throws IOException if the file cannot be read, is corrupt, or has a newer format version
   */
  public static StateFile open(Path path) throws IOException {
    Path absolute = resolve(path);
    Path lockPath = absolute.resolveSibling(absolute.getFileName() + ".lock");
    if (!HELD_IN_THIS_JVM.add(lockPath)) {
      throw new StateFileLockedException(
          absolute, "another key in this process (pid " + ProcessHandle.current().pid() + ")");
    }
    FileChannel lockChannel;
    FileLock lock;
    try {
      lockChannel = openOwnerOnly(lockPath, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
    } catch (IOException | RuntimeException e) {
      HELD_IN_THIS_JVM.remove(lockPath);
      throw e;
    }
    if (lock == null) {
      lockChannel.close();
      HELD_IN_THIS_JVM.remove(lockPath);
      throw new StateFileLockedException(absolute, readHolder(lockPath));
    }
    try {
      lockChannel.truncate(0);
      lockChannel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      lockChannel.force(false);

      Files.deleteIfExists(tempPath(absolute)); // left over by a write that was interrupted
      TreeMap<String, byte[]> records;
      boolean created = false;
      if (!Files.exists(absolute)) {
        writeAtomically(absolute, encode(new TreeMap<>()));
        created = true;
        log.info("state: created {}", absolute);
      }
      FileChannel opened = null;
      // The lock file is per name; a hard link is another name for the same file. So the file
      // as opened is locked too, for as long as this key runs: a key that reaches the same file
      // through another name is refused. Its content is read through that same channel, since
      // closing any other descriptor of a file drops this process's POSIX locks on it.
      Object fileKey = Files.readAttributes(absolute, BasicFileAttributes.class).fileKey();
      if (fileKey != null && !FILES_HELD_IN_THIS_JVM.add(fileKey)) {
        throw new StateFileLockedException(
            absolute, "another key in this process under another name (a hard link)");
      }
      try {
        opened = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock fileLock;
        try {
          fileLock = opened.tryLock();
        } catch (OverlappingFileLockException e) {
          fileLock = null;
        }
        if (fileLock == null) {
          throw new StateFileLockedException(
              absolute, "another key that opened it under another name (a hard link)");
        }
        records = decode(readAll(opened, absolute), absolute);
      } catch (IOException | RuntimeException e) {
        if (opened != null) {
          opened.close();
        }
        if (fileKey != null) {
          FILES_HELD_IN_THIS_JVM.remove(fileKey);
        }
        throw e;
      }
      return new StateFile(
          absolute, lockPath, lockChannel, lock, opened, fileKey, records, created);
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      HELD_IN_THIS_JVM.remove(lockPath);
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /**
   * The file a state path names, with symbolic links followed (a dangling link names the file to
   * create), so that two names of one file share one lock and a link is never replaced by the file
   * itself. Hard links remain separate names: the lock is per name.
   */
  static Path resolve(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    for (int hops = 0; Files.isSymbolicLink(absolute); hops++) {
      if (hops == 40) {
        throw new IOException("state file " + path + ": too many levels of symbolic links");
      }
      absolute = absolute.resolveSibling(Files.readSymbolicLink(absolute)).normalize();
    }
    Path parent = absolute.getParent();
    if (parent == null || absolute.getFileName() == null) {
      throw new IOException("state file " + path + ": not a file name");
    }
    if (!Files.isDirectory(parent)) {
      throw new IOException("state file " + path + ": directory " + parent + " does not exist");
    }
    Path resolved = parent.toRealPath().resolve(absolute.getFileName());
    if (Files.isDirectory(resolved)) {
      throw new IOException("state file " + path + " is a directory");
    }
    return resolved;
  }

  /** Whether this open created the file (so the key must provision it). */
  public boolean created() {
    return created;
  }

  /** The value of record {@code name}, as a copy. */
  public Optional<byte[]> get(String name) {
    checkOpen();
    byte[] value = records.get(name);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  /** The names of all records, sorted. */
  public Set<String> names() {
    checkOpen();
    return Collections.unmodifiableSet(records.keySet());
  }

  /** Writes one record; the change is on disk when this returns. */
  public void put(String name, byte[] value) throws IOException {
    update(tx -> tx.put(name, value));
  }

  /**
   * Applies every change {@code changes} makes to its transaction as one atomic, durable step:
   * after a crash the file holds either all of them or none.
   */
  public void update(Consumer<Transaction> changes) throws IOException {
    checkOpen();
    Transaction tx = new Transaction();
    changes.accept(tx);
    if (tx.changes.isEmpty()) {
      return;
    }
    TreeMap<String, byte[]> next = new TreeMap<>(records);
    for (Map.Entry<String, byte[]> change : tx.changes.entrySet()) {
      if (change.getValue() == null) {
        next.remove(change.getKey());
      } else {
        next.put(change.getKey(), change.getValue());
      }
    }
    byte[] encoded = encode(next);
    writeAtomically(path, encoded);
    records.clear();
    records.putAll(next);
  }

  /** Releases the lock. The file stays. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lockChannel.truncate(0);
    } finally {
      lock.release();
      lockChannel.close();
      HELD_IN_THIS_JVM.remove(lockPath);
      openedChannel.close();
      if (openedFileKey != null) {
        FILES_HELD_IN_THIS_JVM.remove(openedFileKey);
      }
    }
  }

  private static byte[] readAll(FileChannel channel, Path path) throws IOException {
    long size = channel.size();
    if (size > MAX_FILE_SIZE) {
      throw corrupt(path, "larger than " + MAX_FILE_SIZE + " bytes");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
      // read until full
    }
    return buffer.array();
  }

  /** A set of changes applied together by {@link #update}. */
  public static final class Transaction {
    private final TreeMap<String, byte[]> changes = new TreeMap<>();

    private Transaction() {}

    /** Sets record {@code name} to a copy of {@code value}. */
    public Transaction put(String name, byte[] value) {
      checkName(name);
      if (value.length > MAX_VALUE_LENGTH) {
        throw new IllegalArgumentException(
            "record " + name + " too large: " + value.length + " bytes");
      }
      changes.put(name, value.clone());
      return this;
    }

    /** Removes record {@code name} if it exists. */
    public Transaction delete(String name) {
      checkName(name);
      changes.put(name, null);
      return this;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("state file " + path + " is closed");
    }
  }

  private static void checkName(String name) {
    int length = name.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("record name must be 1 to 255 bytes: '" + name + "'");
    }
  }

  static byte[] encode(TreeMap<String, byte[]> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(FORMAT_VERSION);
      out.writeInt(records.size());
      for (Map.Entry<String, byte[]> record : records.entrySet()) {
        byte[] name = record.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeInt(record.getValue().length);
        out.write(record.getValue());
      }
      out.write(sha256(bytes.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  static TreeMap<String, byte[]> decode(byte[] file, Path path) throws IOException {
    if (file.length < MAGIC.length + 2 + 4 + 32) {
      throw corrupt(path, "too short (" + file.length + " bytes)");
    }
    if (!Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupt(path, "not a vcanokey state file (bad magic)");
    }
    int bodyLength = file.length - 32;
    byte[] expected = sha256(Arrays.copyOf(file, bodyLength));
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(file, bodyLength, file.length))) {
      throw corrupt(path, "checksum mismatch");
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.ByteArrayInputStream(file, 0, bodyLength))) {
      in.skipNBytes(MAGIC.length);
      int version = in.readUnsignedShort();
      if (version > FORMAT_VERSION) {
        throw new IOException(
            "state file "
                + path
                + " has format version "
                + version
                + "; this build reads up to "
                + FORMAT_VERSION);
      }
      // Version 1 is the first format; later versions add a migration step here.
      int count = in.readInt();
      if (count < 0) {
        throw corrupt(path, "negative record count");
      }
      TreeMap<String, byte[]> records = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        int nameLength = in.readUnsignedShort();
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) {
          throw corrupt(path, "bad record name length " + nameLength);
        }
        String name = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
        int valueLength = in.readInt();
        if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH || valueLength > in.available()) {
          throw corrupt(path, "bad length " + valueLength + " for record " + name);
        }
        if (records.put(name, in.readNBytes(valueLength)) != null) {
          throw corrupt(path, "duplicate record " + name);
        }
      }
      if (in.available() != 0) {
        throw corrupt(path, in.available() + " trailing bytes");
      }
      return records;
    } catch (EOFException e) {
      throw corrupt(path, "truncated");
    }
  }

  private static IOException corrupt(Path path, String why) {
    return new IOException("state file " + path + " is corrupt: " + why);
  }

  /**
   * Replaces {@code target} with {@code content}: write a temporary file beside it, flush it to the
   * disk, rename it over the target (atomic on POSIX file systems), flush the directory.
   */
  private static void writeAtomically(Path target, byte[] content) throws IOException {
    if (content.length > MAX_FILE_SIZE) {
      throw new IOException("state would exceed " + MAX_FILE_SIZE + " bytes");
    }
    Path temp = tempPath(target);
    Files.deleteIfExists(temp);
    try (FileChannel channel = openOwnerOnly(temp, StandardOpenOption.CREATE_NEW)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(temp);
      throw new IOException("file system of " + target + " cannot replace files atomically", e);
    }
    syncDirectory(target.getParent());
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync directories; the rename is still atomic there.
      log.debug("state: cannot sync directory {}: {}", directory, e.getMessage());
    }
  }

  private static FileChannel openOwnerOnly(Path path, StandardOpenOption mode) throws IOException {
    try {
      return FileChannel.open(
          path,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      if (mode == StandardOpenOption.CREATE_NEW) {
        throw e;
      }
      return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }
  }

  private static Path tempPath(Path target) {
    return target.resolveSibling(target.getFileName() + ".tmp");
  }

  private static String readHolder(Path lockPath) {
    try {
      String pid = Files.readString(lockPath, StandardCharsets.US_ASCII).trim();
      if (pid.matches("\\d+")) {
        long value = Long.parseLong(pid);
        return "process " + value;
      }
    } catch (NoSuchFileException e) {
      // fall through
    } catch (IOException e) {
      log.debug("state: cannot read {}: {}", lockPath, e.getMessage());
    }
    return "another process";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
