package io.vcanokey.core.apdu;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * BER-TLV as the smart-card applets use it (ISO/IEC 7816-4:2005 annex D; OpenPGP card 3.4, 4.4.1;
 * NIST SP 800-73-4 part 2, section 3): tags of one or two bytes (two when the low five bits of the
 * first are all ones, as in 7F49 and 5F2F), lengths in the short form or 81 xx / 82 xx xx.
 * Malformed input answers 6A80 (incorrect parameters in the command data field).
 */
public final class BerTlv {

  /** One decoded data object. */
  public record Element(int tag, byte[] value) {
    public Element {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    public int length() {
      return value.length;
    }
  }

  private BerTlv() {}

  /**
   * Decodes a sequence of data objects that must fill {@code data} exactly.
   *
   * @throws StatusException 6A80 for a truncated or malformed sequence
   */
  public static List<Element> decodeAll(byte[] data) {
    List<Element> out = new ArrayList<>();
    int[] at = {0};
    while (at[0] < data.length) {
      out.add(decodeOne(data, at));
    }
    return out;
  }

  /**
   * Decodes a sequence of tag-length pairs without values, as in the cardholder private key
   * template 7F48 (spec 3.4, 4.4.3.12). Each element's value holds nothing; its length is in {@link
   * Header#length()}.
   */
  public static List<Header> decodeHeaders(byte[] data) {
    List<Header> out = new ArrayList<>();
    int[] at = {0};
    while (at[0] < data.length) {
      int tag = readTag(data, at);
      int length = readLength(data, at);
      out.add(new Header(tag, length));
    }
    return out;
  }

  /** A tag with a length and no value (spec 3.4, 4.4.3.12, template 7F48). */
  public record Header(int tag, int length) {}

  /** Decodes exactly one data object that fills {@code data}. */
  public static Element decodeSingle(byte[] data) {
    int[] at = {0};
    Element element = decodeOne(data, at);
    if (at[0] != data.length) {
      throw wrongData();
    }
    return element;
  }

  /** The first element with {@code tag} in {@code elements}. */
  public static Optional<Element> find(List<Element> elements, int tag) {
    return elements.stream().filter(e -> e.tag() == tag).findFirst();
  }

  /**
   * Decodes the data object starting at {@code at[0]}, moving {@code at[0]} past it.
   *
   * @throws StatusException 6A80 when it is malformed or runs past the end
   */
  public static Element decodeOne(byte[] data, int[] at) {
    int tag = readTag(data, at);
    int length = readLength(data, at);
    if (length > data.length - at[0]) {
      throw wrongData();
    }
    byte[] value = Arrays.copyOfRange(data, at[0], at[0] + length);
    at[0] += length;
    return new Element(tag, value);
  }

  private static int readTag(byte[] data, int[] at) {
    if (at[0] >= data.length) {
      throw wrongData();
    }
    int tag = data[at[0]++] & 0xFF;
    if ((tag & 0x1F) == 0x1F) {
      if (at[0] >= data.length) {
        throw wrongData();
      }
      int next = data[at[0]++] & 0xFF;
      if ((next & 0x80) != 0) {
        throw wrongData(); // three-byte tags appear only inside PIV's tag list 5C, never as a tag
      }
      tag = tag << 8 | next;
    }
    return tag;
  }

  private static int readLength(byte[] data, int[] at) {
    if (at[0] >= data.length) {
      throw wrongData();
    }
    int first = data[at[0]++] & 0xFF;
    if (first < 0x80) {
      return first;
    }
    int count = first & 0x7F;
    if (count < 1 || count > 2 || data.length - at[0] < count) {
      throw wrongData();
    }
    int length = 0;
    for (int i = 0; i < count; i++) {
      length = length << 8 | (data[at[0]++] & 0xFF);
    }
    return length;
  }

  private static StatusException wrongData() {
    return new StatusException(StatusWords.SW_WRONG_DATA);
  }

  /** Builds a sequence of data objects. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends tag, length and value. */
    public Writer put(int tag, byte[] value) {
      writeTag(tag);
      writeLength(value.length);
      out.writeBytes(value);
      return this;
    }

    /** Appends a data object with a one-byte value. */
    public Writer put(int tag, int oneByte) {
      return put(tag, new byte[] {(byte) oneByte});
    }

    /** Appends a tag and a length with no value (template 7F48). */
    public Writer putHeader(int tag, int length) {
      writeTag(tag);
      writeLength(length);
      return this;
    }

    /** Appends raw bytes (an already encoded data object). */
    public Writer raw(byte[] encoded) {
      out.writeBytes(encoded);
      return this;
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }

    private void writeTag(int tag) {
      if (tag > 0xFF) {
        out.write(tag >> 8);
      }
      out.write(tag & 0xFF);
    }

    private void writeLength(int length) {
      if (length < 0x80) {
        out.write(length);
      } else if (length <= 0xFF) {
        out.write(0x81);
        out.write(length);
      } else {
        out.write(0x82);
        out.write(length >> 8);
        out.write(length & 0xFF);
      }
    }
  }

  /** One data object: tag, length, value. */
  public static byte[] encode(int tag, byte[] value) {
    return new Writer().put(tag, value).toByteArray();
  }
}
