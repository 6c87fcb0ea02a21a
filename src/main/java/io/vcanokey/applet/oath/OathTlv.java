package io.vcanokey.applet.oath;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Reader and writer for the TLV data fields of the YKOATH protocol: one-byte tags and BER lengths
 * (ISO/IEC 7816-4:2005, 5.2.2.2: one byte below 80, then 81 XX or 82 XXXX), which is what ykman's
 * {@code Tlv} class emits. One YKOATH quirk: the property tag 78 of PUT carries its single value
 * byte with no length, read by {@link Reader#readBareByte(int)}.
 *
 * <p>Malformed input (a missing or unexpected tag, a length that runs past the data) throws {@link
 * StatusException} with 6A80, the YKOATH "wrong syntax" code.
 */
final class OathTlv {

  private OathTlv() {}

  /** Reads a data field from the front, one TLV at a time. */
  static final class Reader {
    private final byte[] data;
    private int at;

    Reader(byte[] data) {
      this.data = data;
    }

    boolean hasMore() {
      return at < data.length;
    }

    /** Whether the next TLV starts with {@code tag}. */
    boolean nextIs(int tag) {
      return at < data.length && (data[at] & 0xFF) == tag;
    }

    /** The value of the next TLV, which must have tag {@code tag}. */
    byte[] read(int tag) {
      if (!nextIs(tag)) {
        throw wrongSyntax();
      }
      at++;
      int length = readLength();
      if (length > data.length - at) {
        throw wrongSyntax();
      }
      byte[] value = Arrays.copyOfRange(data, at, at + length);
      at += length;
      return value;
    }

    /** The next TLV's value if its tag is {@code tag}, otherwise null and nothing is consumed. */
    byte[] readOptional(int tag) {
      return nextIs(tag) ? read(tag) : null;
    }

    /** A tag followed directly by one value byte, with no length (YKOATH PUT property 78). */
    int readBareByte(int tag) {
      if (!nextIs(tag) || at + 1 >= data.length) {
        throw wrongSyntax();
      }
      int value = data[at + 1] & 0xFF;
      at += 2;
      return value;
    }

    /** Fails unless every byte was consumed. */
    void expectEnd() {
      if (hasMore()) {
        throw wrongSyntax();
      }
    }

    private int readLength() {
      if (at >= data.length) {
        throw wrongSyntax();
      }
      int first = data[at++] & 0xFF;
      if (first < 0x80) {
        return first;
      }
      int bytes = first - 0x80;
      if (bytes < 1 || bytes > 2 || bytes > data.length - at) {
        throw wrongSyntax();
      }
      int length = 0;
      for (int i = 0; i < bytes; i++) {
        length = length << 8 | (data[at++] & 0xFF);
      }
      return length;
    }
  }

  /** Builds a response data field. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer put(int tag, byte[] value) {
      out.write(tag);
      int length = value.length;
      if (length >= 0x100) {
        out.write(0x82);
        out.write(length >> 8);
        out.write(length);
      } else if (length >= 0x80) {
        out.write(0x81);
        out.write(length);
      } else {
        out.write(length);
      }
      out.writeBytes(value);
      return this;
    }

    /** A TLV whose value is {@code first} followed by {@code rest}. */
    Writer put(int tag, int first, byte[] rest) {
      byte[] value = new byte[1 + rest.length];
      value[0] = (byte) first;
      System.arraycopy(rest, 0, value, 1, rest.length);
      return put(tag, value);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  static StatusException wrongSyntax() {
    return new StatusException(StatusWords.SW_WRONG_DATA);
  }
}
