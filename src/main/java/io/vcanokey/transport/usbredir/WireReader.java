package io.vcanokey.transport.usbredir;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of one usbredir packet body: integers little-endian, structs without padding
 * (usb-redirection-protocol.md, "Basic packet structure / communication"). It also answers which
 * optional fields the connection's negotiated capabilities include.
 */
final class WireReader {

  private final byte[] body;
  private final UsbRedirCodec codec;
  private int position;

  WireReader(byte[] body, UsbRedirCodec codec) {
    this.body = body;
    this.codec = codec;
  }

  /** Whether both sides announced {@code cap}, so that its optional fields are present. */
  boolean negotiated(int cap) {
    return codec.negotiated(cap);
  }

  int u8() {
    need(1);
    return body[position++] & 0xFF;
  }

  int u16() {
    need(2);
    int value = (body[position] & 0xFF) | (body[position + 1] & 0xFF) << 8;
    position += 2;
    return value;
  }

  /** A 32-bit field as the Java int holding the same bits. */
  int u32() {
    need(4);
    int value =
        (body[position] & 0xFF)
            | (body[position + 1] & 0xFF) << 8
            | (body[position + 2] & 0xFF) << 16
            | (body[position + 3] & 0xFF) << 24;
    position += 4;
    return value;
  }

  /** Reads {@code length} bytes. */
  byte[] bytes(int length) {
    need(length);
    byte[] out = Arrays.copyOfRange(body, position, position + length);
    position += length;
    return out;
  }

  /** Everything not read yet: the packet's data after its type-specific header. */
  byte[] rest() {
    return bytes(body.length - position);
  }

  /** A NUL-padded text field of {@code length} bytes, read up to its first NUL. */
  String text(int length) {
    byte[] raw = bytes(length);
    int end = 0;
    while (end < raw.length && raw[end] != 0) {
      end++;
    }
    return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
  }

  int remaining() {
    return body.length - position;
  }

  private void need(int count) {
    if (body.length - position < count) {
      // The codec sizes every body from the type-header table before decoding, so this is a bug.
      throw new IllegalStateException("packet body too short: need " + count + " more bytes");
    }
  }
}
