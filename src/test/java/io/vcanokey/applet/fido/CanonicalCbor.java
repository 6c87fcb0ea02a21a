package io.vcanokey.applet.fido;

import java.util.Arrays;

/**
 * An independent checker of the CTAP2 canonical CBOR rules (CTAP 2.1, section 8), for tests:
 * integers and lengths in their shortest form, definite lengths only, no floats or tags, map keys
 * sorted by major type, then encoded length, then bytes, no duplicate keys, nesting of at most four
 * levels, and no trailing bytes.
 */
final class CanonicalCbor {

  private final byte[] in;
  private int pos;

  private CanonicalCbor(byte[] in) {
    this.in = in;
  }

  /** Throws AssertionError naming the first rule {@code encoded} breaks. */
  static void check(byte[] encoded) {
    CanonicalCbor checker = new CanonicalCbor(encoded);
    checker.item(1);
    if (checker.pos != encoded.length) {
      throw new AssertionError("trailing bytes at offset " + checker.pos);
    }
  }

  private void item(int depth) {
    int start = pos;
    int head = in[pos++] & 0xFF;
    int major = head >>> 5;
    long arg = argument(head & 0x1F, start);
    switch (major) {
      case 0, 1 -> {}
      case 2, 3 -> pos += (int) arg;
      case 4 -> {
        nest(depth);
        for (long i = 0; i < arg; i++) {
          item(depth + 1);
        }
      }
      case 5 -> {
        nest(depth);
        byte[] previous = null;
        for (long i = 0; i < arg; i++) {
          int keyStart = pos;
          item(depth + 1);
          byte[] key = Arrays.copyOfRange(in, keyStart, pos);
          if (previous != null && compareKeys(previous, key) >= 0) {
            throw new AssertionError("map key out of canonical order at offset " + keyStart);
          }
          previous = key;
          item(depth + 1);
        }
      }
      case 7 -> {
        if (arg != 20 && arg != 21 && arg != 22) {
          throw new AssertionError("simple value or float " + arg + " at offset " + start);
        }
      }
      default -> throw new AssertionError("tag at offset " + start);
    }
  }

  private static void nest(int depth) {
    if (depth > 4) {
      throw new AssertionError("nesting deeper than four levels");
    }
  }

  private long argument(int info, int start) {
    if (info < 24) {
      return info;
    }
    int size =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          case 27 -> 8;
          default -> throw new AssertionError("indefinite or reserved length at offset " + start);
        };
    long value = 0;
    for (int i = 0; i < size; i++) {
      value = value << 8 | (in[pos++] & 0xFF);
    }
    long smallest = size == 1 ? 24 : 1L << (4 * size);
    if (value < smallest) {
      throw new AssertionError("non-shortest argument at offset " + start);
    }
    return value;
  }

  /** Major type first, then shorter encoding first, then byte-wise (CTAP 2.1, section 8). */
  private static int compareKeys(byte[] a, byte[] b) {
    int majorA = (a[0] & 0xFF) >>> 5;
    int majorB = (b[0] & 0xFF) >>> 5;
    if (majorA != majorB) {
      return Integer.compare(majorA, majorB);
    }
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return Arrays.compareUnsigned(a, b);
  }
}
