package io.vcanokey.transport.vpcd;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The vpcd framing (vsmartcard {@code virtualsmartcard/doc/api.txt}): every message in either
 * direction is a two-byte big-endian length followed by that many bytes.
 */
final class VpcdCodec {

  /** The largest payload a two-byte length can announce. */
  static final int MAX_PAYLOAD = 0xFFFF;

  private static final int LENGTH_BYTES = 2;

  private VpcdCodec() {}

  /**
   * Reads one frame's payload.
   *
   * @return the payload, or null if the stream ended cleanly between frames
   * @throws EOFException if the stream ended inside a frame
   */
  static byte[] readFrame(InputStream in) throws IOException {
    int high = in.read();
    if (high < 0) {
      return null;
    }
    int low = in.read();
    if (low < 0) {
      throw new EOFException("stream ended inside a frame length");
    }
    byte[] payload = new byte[high << 8 | low];
    new DataInputStream(in).readFully(payload);
    return payload;
  }

  /** The frame carrying {@code payload}: its length, then the payload itself. */
  static byte[] encode(byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes does not fit a vpcd frame");
    }
    byte[] frame = new byte[LENGTH_BYTES + payload.length];
    frame[0] = (byte) (payload.length >>> 8);
    frame[1] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, LENGTH_BYTES, payload.length);
    return frame;
  }

  /** Writes {@code payload} as one frame in a single write, so it leaves in one TCP segment. */
  static void writeFrame(OutputStream out, byte[] payload) throws IOException {
    out.write(encode(payload));
    out.flush();
  }
}
