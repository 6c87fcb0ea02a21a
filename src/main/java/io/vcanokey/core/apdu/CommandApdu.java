package io.vcanokey.core.apdu;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;

/**
 * A command APDU in one of the seven cases of ISO/IEC 7816-4:2005, section 5.1: header CLA INS P1
 * P2, optional Lc field and command data, optional Le field, each length field either short (one
 * byte) or extended (three bytes, then two for Le after data).
 *
 * @param cla class byte
 * @param ins instruction byte
 * @param p1 parameter 1
 * @param p2 parameter 2
 * @param data command data field; empty when there is no Lc field (Nc = 0)
 * @param ne maximum number of response bytes expected (Ne); 0 when there is no Le field, 256 for a
 *     short Le of 00, 65536 for an extended Le of 0000
 * @param extended whether the length fields use the extended form; always false in case 1
 */
public record CommandApdu(int cla, int ins, int p1, int p2, byte[] data, int ne, boolean extended) {

  /** Largest Nc and Ne of the short form (Lc 01 to FF; Le 00 means 256). */
  public static final int SHORT_MAX_NC = 255;

  public static final int SHORT_MAX_NE = 256;

  /** Largest Nc and Ne of the extended form (Lc 0001 to FFFF; Le 0000 means 65536). */
  public static final int EXTENDED_MAX_NC = 65535;

  public static final int EXTENDED_MAX_NE = 65536;

  private static final int HEADER_LENGTH = 4;

  public CommandApdu {
    checkByte("CLA", cla);
    checkByte("INS", ins);
    checkByte("P1", p1);
    checkByte("P2", p2);
    data = data == null ? new byte[0] : data.clone();
    int maxNc = extended ? EXTENDED_MAX_NC : SHORT_MAX_NC;
    int maxNe = extended ? EXTENDED_MAX_NE : SHORT_MAX_NE;
    if (data.length > maxNc) {
      throw new IllegalArgumentException("Nc " + data.length + " exceeds " + maxNc);
    }
    if (ne < 0 || ne > maxNe) {
      throw new IllegalArgumentException("Ne " + ne + " out of range 0.." + maxNe);
    }
    if (extended && data.length == 0 && ne == 0) {
      throw new IllegalArgumentException("case 1 has no length fields to extend");
    }
  }

  /** Case 1: header only. */
  public static CommandApdu of(int cla, int ins, int p1, int p2) {
    return new CommandApdu(cla, ins, p1, p2, new byte[0], 0, false);
  }

  /** Case 1 or 3, in the short form when the data fits. */
  public static CommandApdu of(int cla, int ins, int p1, int p2, byte[] data) {
    return of(cla, ins, p1, p2, data, 0);
  }

  /** Any case, in the short form when both Nc and Ne fit, otherwise extended. */
  public static CommandApdu of(int cla, int ins, int p1, int p2, byte[] data, int ne) {
    boolean extended = data.length > SHORT_MAX_NC || ne > SHORT_MAX_NE;
    return new CommandApdu(cla, ins, p1, p2, data, ne, extended);
  }

  /**
   * Decodes a command APDU, telling the cases apart by length as ISO/IEC 7816-4:2005, 5.1 does:
   * with L the number of bytes after the header and B1 the first of them, L = 0 is case 1; L = 1 is
   * case 2S; L = 1 + B1 (B1 &ne; 0) is 3S; L = 2 + B1 (B1 &ne; 0) is 4S; with B1 = 0 and B2B3 the
   * next two bytes, L = 3 is 2E; L = 3 + B2B3 (B2B3 &ne; 0) is 3E; L = 5 + B2B3 (B2B3 &ne; 0) is
   * 4E. Every other length is malformed.
   *
   * @throws StatusException with {@link StatusWords#SW_WRONG_LENGTH} for a malformed encoding
   */
  public static CommandApdu decode(byte[] bytes) {
    if (bytes.length < HEADER_LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int cla = bytes[0] & 0xFF;
    int ins = bytes[1] & 0xFF;
    int p1 = bytes[2] & 0xFF;
    int p2 = bytes[3] & 0xFF;
    int body = bytes.length - HEADER_LENGTH;
    if (body == 0) {
      return new CommandApdu(cla, ins, p1, p2, null, 0, false);
    }

    int b1 = bytes[4] & 0xFF;
    if (body == 1) {
      return new CommandApdu(cla, ins, p1, p2, null, b1 == 0 ? SHORT_MAX_NE : b1, false);
    }
    if (b1 != 0) {
      if (body == 1 + b1) {
        return new CommandApdu(cla, ins, p1, p2, slice(bytes, 5, b1), 0, false);
      }
      if (body == 2 + b1) {
        int le = bytes[bytes.length - 1] & 0xFF;
        return new CommandApdu(
            cla, ins, p1, p2, slice(bytes, 5, b1), le == 0 ? SHORT_MAX_NE : le, false);
      }
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    // B1 = 00 with more bytes after it: an extended length field.
    if (body < 3) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int b2b3 = (bytes[5] & 0xFF) << 8 | (bytes[6] & 0xFF);
    if (body == 3) {
      return new CommandApdu(cla, ins, p1, p2, null, b2b3 == 0 ? EXTENDED_MAX_NE : b2b3, true);
    }
    if (b2b3 == 0) {
      // An extended Lc of 0000 is not a valid encoding (Nc would be 0).
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (body == 3 + b2b3) {
      return new CommandApdu(cla, ins, p1, p2, slice(bytes, 7, b2b3), 0, true);
    }
    if (body == 5 + b2b3) {
      int n = bytes.length;
      int le = (bytes[n - 2] & 0xFF) << 8 | (bytes[n - 1] & 0xFF);
      return new CommandApdu(
          cla, ins, p1, p2, slice(bytes, 7, b2b3), le == 0 ? EXTENDED_MAX_NE : le, true);
    }
    throw new StatusException(StatusWords.SW_WRONG_LENGTH);
  }

  /** The wire form, in the short or extended form this APDU was built with. */
  public byte[] encode() {
    int lcLength = data.length == 0 ? 0 : (extended ? 3 : 1);
    int leLength = ne == 0 ? 0 : (extended ? (data.length == 0 ? 3 : 2) : 1);
    byte[] out = new byte[HEADER_LENGTH + lcLength + data.length + leLength];
    out[0] = (byte) cla;
    out[1] = (byte) ins;
    out[2] = (byte) p1;
    out[3] = (byte) p2;
    int at = HEADER_LENGTH;
    if (data.length > 0) {
      if (extended) {
        out[at++] = 0;
        out[at++] = (byte) (data.length >> 8);
      }
      out[at++] = (byte) data.length;
      System.arraycopy(data, 0, out, at, data.length);
      at += data.length;
    }
    if (ne > 0) {
      if (extended) {
        if (data.length == 0) {
          out[at++] = 0;
        }
        out[at++] = (byte) (ne >> 8); // 65536 encodes as 0000
      }
      out[at] = (byte) ne; // 256 encodes as 00
    }
    return out;
  }

  /** A copy of the command data field. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Nc, the length of the command data field. */
  public int nc() {
    return data.length;
  }

  /** This command with another class byte, for a dispatcher that strips the chaining bit. */
  public CommandApdu withCla(int newCla) {
    return new CommandApdu(newCla, ins, p1, p2, data, ne, extended);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommandApdu other
        && cla == other.cla
        && ins == other.ins
        && p1 == other.p1
        && p2 == other.p2
        && ne == other.ne
        && extended == other.extended
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    int h = cla;
    h = 31 * h + ins;
    h = 31 * h + p1;
    h = 31 * h + p2;
    h = 31 * h + ne;
    h = 31 * h + Boolean.hashCode(extended);
    return 31 * h + Arrays.hashCode(data);
  }

  /** Header, lengths and data in hex; callers that may hold secrets log the header only. */
  @Override
  public String toString() {
    return String.format(
        "CommandApdu[%02X %02X %02X %02X Nc=%d Ne=%d%s %s]",
        cla, ins, p1, p2, data.length, ne, extended ? " extended" : "", Hex.encode(data));
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    return Arrays.copyOfRange(bytes, from, from + length);
  }

  private static void checkByte(String field, int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException(field + " out of range: " + value);
    }
  }
}
