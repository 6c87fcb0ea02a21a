package io.vcanokey.core.bytes;

/** Byte-array helpers the protocol codecs share. */
public final class Bytes {

  private Bytes() {}

  /** {@code parts} one after the other, in a new array. */
  public static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
