package io.vcanokey.transport.usbredir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the little-endian, packed fields of one usbredir packet body, and answers which optional
 * fields the connection's negotiated capabilities include (usb-redirection-protocol.md, "Basic
 * packet structure"). Public only because the packet records' {@code encode} methods take it; only
 * this package can create one.
 */
public final class WireWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final UsbRedirCodec codec;

  WireWriter(UsbRedirCodec codec) {
    this.codec = codec;
  }

  /** Whether both sides announced {@code cap}, so that its optional fields are sent. */
  boolean negotiated(int cap) {
    return codec.negotiated(cap);
  }

  WireWriter u8(int value) {
    out.write(value);
    return this;
  }

  WireWriter u16(int value) {
    out.write(value);
    out.write(value >>> 8);
    return this;
  }

  WireWriter u32(int value) {
    out.write(value);
    out.write(value >>> 8);
    out.write(value >>> 16);
    out.write(value >>> 24);
    return this;
  }

  WireWriter bytes(byte[] data) {
    out.write(data, 0, data.length);
    return this;
  }

  /** {@code text} in a NUL-padded field of {@code length} bytes, always NUL-terminated. */
  WireWriter text(String text, int length) {
    byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
    int used = Math.min(raw.length, length - 1);
    out.write(raw, 0, used);
    for (int i = used; i < length; i++) {
      out.write(0);
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
