package io.vcanokey.core.bytes;

import java.util.HexFormat;

/** Hex encoding for logs, traces and tests. */
public final class Hex {

  private static final HexFormat UPPER = HexFormat.of().withUpperCase();
  private static final HexFormat SPACED = HexFormat.ofDelimiter(" ").withUpperCase();

  private Hex() {}

  /** "0A1B2C" */
  public static String encode(byte[] bytes) {
    return UPPER.formatHex(bytes);
  }

  /** "0A 1B 2C" */
  public static String spaced(byte[] bytes) {
    return SPACED.formatHex(bytes);
  }

  /** Parses hex digits, ignoring spaces and colons. */
  public static byte[] decode(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s:]", ""));
  }
}
