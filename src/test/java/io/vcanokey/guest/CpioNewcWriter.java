package io.vcanokey.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "new ASCII" (newc) format that the Linux kernel unpacks as an
 * initramfs (kernel Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte header
 * of the magic "070701" and thirteen 8-digit hex fields, the NUL-terminated name, then the data,
 * name and data each padded to a multiple of four bytes, and a final entry named "TRAILER!!!".
 */
final class CpioNewcWriter implements AutoCloseable {

  private static final String MAGIC_NEWC = "070701";
  private static final String TRAILER = "TRAILER!!!";
  private static final int HEADER_LENGTH = 110;

  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFCHR = 0020000;

  private final OutputStream out;
  private long written;
  private int nextInode = 1;

  CpioNewcWriter(OutputStream out) {
    this.out = out;
  }

  /** Adds a directory; parents must have been added first. */
  void directory(String name, int permissions) throws IOException {
    entry(name, S_IFDIR | permissions, 2, 0, 0, new byte[0]);
  }

  /** Adds a regular file with the given contents. */
  void file(String name, int permissions, byte[] data) throws IOException {
    entry(name, S_IFREG | permissions, 1, 0, 0, data);
  }

  /** Adds a character device node, such as /dev/console (5, 1). */
  void characterDevice(String name, int permissions, int major, int minor) throws IOException {
    entry(name, S_IFCHR | permissions, 1, major, minor, new byte[0]);
  }

  private void entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data)
      throws IOException {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder(HEADER_LENGTH).append(MAGIC_NEWC);
    long[] fields = {
      name.equals(TRAILER) ? 0 : nextInode++, // c_ino
      mode, // c_mode
      0, // c_uid: root
      0, // c_gid: root
      links, // c_nlink
      0, // c_mtime
      data.length, // c_filesize
      0, // c_devmajor
      0, // c_devminor
      rdevMajor, // c_rdevmajor
      rdevMinor, // c_rdevminor
      nameBytes.length, // c_namesize, including the NUL
      0 // c_check: always zero in newc
    };
    for (long field : fields) {
      header.append(String.format("%08X", field));
    }
    write(header.toString().getBytes(StandardCharsets.US_ASCII));
    write(nameBytes);
    pad();
    write(data);
    pad();
  }

  private void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
  }

  private void pad() throws IOException {
    while (written % 4 != 0) {
      out.write(0);
      written++;
    }
  }

  /** Writes the trailer entry; the underlying stream stays open. */
  @Override
  public void close() throws IOException {
    entry(TRAILER, 0, 1, 0, 0, new byte[0]);
    out.flush();
  }
}
