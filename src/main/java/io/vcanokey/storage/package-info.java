/**
 * The key's state file: where serial number, keys, PINs, counters and applet data live between
 * runs.
 *
 * <p>Role: hold named records (the original firmware's littlefs "files", such as {@code admin/sn}
 * or {@code fido/attestation-key}) and make every change atomic and durable. Depends only on the
 * JDK and slf4j; applets and the key's wiring depend on it.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Atomic: each {@link io.vcanokey.storage.StateFile#update} writes the whole state to {@code
 *       FILE.tmp}, forces it to the disk, renames it over {@code FILE} and forces the directory.
 *       After a crash or {@code kill -9} at any moment the file holds the old state or the new one,
 *       never a mix; a stale {@code FILE.tmp} is deleted at the next open.
 *   <li>Durable before the answer: {@code update} returns only after the data is on the disk, so a
 *       security counter changed before a response is sent survives a crash.
 *   <li>Private: the file, its temporary and its lock file are created with mode 0600.
 *   <li>Exclusive: a key holds an exclusive lock on {@code FILE.lock} (which records its process
 *       id) while the file is open. A second key, in another process or in the same JVM, fails with
 *       {@link io.vcanokey.storage.StateFileLockedException} naming the file and the holder.
 *   <li>Checked: a file with a wrong magic, a bad checksum, bad lengths or a newer format version
 *       is refused with an error; it is never silently replaced.
 * </ul>
 *
 * <h2>Format, version 1</h2>
 *
 * All integers are big-endian.
 *
 * <pre>
 *   offset  size  field
 *   0       8     magic "VCKSTATE" (ASCII)
 *   8       2     format version (1)
 *   10      4     record count N
 *   14      ...   N records, sorted by name:
 *                   2  name length L (1..255)
 *                   L  name, UTF-8
 *                   4  value length V (0..1 MiB)
 *                   V  value
 *   end-32  32    SHA-256 of every byte before it
 * </pre>
 *
 * A later version adds its migration from the previous one in {@code StateFile.decode}, which reads
 * every older version and writes only the newest.
 */
package io.vcanokey.storage;
