package io.vcanokey.core.apdu;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;

/**
 * A response APDU: optional data field followed by the status word SW1-SW2 (ISO/IEC 7816-4:2005,
 * section 5.1).
 *
 * @param data the response data field, empty when there is none
 * @param sw the status word, 0x0000 to 0xFFFF
 */
public record ResponseApdu(byte[] data, int sw) {

  private static final byte[] NO_DATA = new byte[0];

  public ResponseApdu {
    if (sw < 0 || sw > 0xFFFF) {
      throw new IllegalArgumentException("status word out of range: " + sw);
    }
    data = data == null ? NO_DATA : data.clone();
  }

  /** A response with status {@code sw} and no data. */
  public static ResponseApdu of(int sw) {
    return new ResponseApdu(NO_DATA, sw);
  }

  /** A 9000 response carrying {@code data}. */
  public static ResponseApdu success(byte[] data) {
    return new ResponseApdu(data, StatusWords.SW_NO_ERROR);
  }

  /** A 9000 response with no data. */
  public static ResponseApdu success() {
    return of(StatusWords.SW_NO_ERROR);
  }

  /**
   * Decodes {@code data || SW1 || SW2}.
   *
   * @throws IllegalArgumentException if fewer than two bytes are given
   */
  public static ResponseApdu decode(byte[] bytes) {
    if (bytes.length < 2) {
      throw new IllegalArgumentException(
          "response APDU needs at least SW1 SW2, got " + bytes.length + " bytes");
    }
    int n = bytes.length - 2;
    return new ResponseApdu(
        Arrays.copyOf(bytes, n), (bytes[n] & 0xFF) << 8 | (bytes[n + 1] & 0xFF));
  }

  /** The wire form {@code data || SW1 || SW2}. */
  public byte[] encode() {
    byte[] out = Arrays.copyOf(data, data.length + 2);
    out[data.length] = (byte) (sw >> 8);
    out[data.length + 1] = (byte) sw;
    return out;
  }

  /** A copy of the data field. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Length of the data field. */
  public int length() {
    return data.length;
  }

  public int sw1() {
    return sw >> 8;
  }

  public int sw2() {
    return sw & 0xFF;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseApdu other && sw == other.sw && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(data) + sw;
  }

  @Override
  public String toString() {
    return "ResponseApdu[" + Hex.encode(data) + " SW=" + StatusWords.format(sw) + "]";
  }
}
