package io.vcanokey.applet.oath;

import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test-side YKOATH host that builds commands the way ykman 4.0.9's {@code yubikit/oath.py} does
 * and sends them straight to {@link Applet#process} (or {@code select}), turning a {@link
 * StatusException} into its status word. Any other exception escapes and fails the test.
 */
final class YkoathHost {

  static final byte[] SELECT_AID = {(byte) 0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01};

  final Applet applet;

  YkoathHost(Applet applet) {
    this.applet = applet;
  }

  ResponseApdu select() {
    return applet.select(CommandApdu.of(0x00, 0xA4, 0x04, 0x00, SELECT_AID));
  }

  ResponseApdu send(int ins, int p1, int p2, byte[] data) {
    return send(0x00, ins, p1, p2, data);
  }

  ResponseApdu send(int cla, int ins, int p1, int p2, byte[] data) {
    try {
      return applet.process(new CommandApdu(cla, ins, p1, p2, data, 0, data.length > 255));
    } catch (StatusException e) {
      return ResponseApdu.of(e.sw());
    }
  }

  /** PUT as ykman's put_credential: 71 name, 73 [type|alg, digits, secret], 78 02, 7A counter. */
  ResponseApdu put(String name, int typeAlg, int digits, byte[] secret, boolean touch, int imf) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(tlv(0x71, utf8(name)));
    data.writeBytes(tlv(0x73, concat(new byte[] {(byte) typeAlg, (byte) digits}, secret)));
    if (touch) {
      data.writeBytes(new byte[] {0x78, 0x02});
    }
    if (imf > 0) {
      data.writeBytes(tlv(0x7A, ByteBuffer.allocate(4).putInt(imf).array()));
    }
    return send(0x01, 0x00, 0x00, data.toByteArray());
  }

  ResponseApdu put(String name, int typeAlg, int digits, byte[] secret) {
    return put(name, typeAlg, digits, secret, false, 0);
  }

  /** CALCULATE: 71 name, 74 challenge. */
  ResponseApdu calculate(String name, byte[] challenge, boolean truncated) {
    return send(
        0xA2, 0x00, truncated ? 0x01 : 0x00, concat(tlv(0x71, utf8(name)), tlv(0x74, challenge)));
  }

  /** The code string as ykman's _format_code makes it from a 76 response. */
  static String code(ResponseApdu response) {
    byte[] data = response.data();
    if (data.length != 7 || data[0] != 0x76 || data[1] != 0x05) {
      throw new AssertionError("not a truncated response: " + Arrays.toString(data));
    }
    int digits = data[2];
    long value = ByteBuffer.wrap(data, 3, 4).getInt() & 0x7FFFFFFFL;
    long modulus = (long) Math.pow(10, digits);
    return String.format("%0" + digits + "d", value % modulus);
  }

  /** An 8-byte big-endian time step, as ykman's _get_challenge. */
  static byte[] timeStep(long unixTime, int period) {
    return ByteBuffer.allocate(8).putLong(unixTime / period).array();
  }

  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (value.length >= 0x80) {
      out.write(0x81);
    }
    out.write(value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Splits a response into [tag, value] pairs (one-byte tags, short or 81 lengths). */
  static List<byte[][]> parse(byte[] data) {
    List<byte[][]> out = new ArrayList<>();
    int at = 0;
    while (at < data.length) {
      int tag = data[at++] & 0xFF;
      int length = data[at++] & 0xFF;
      if (length == 0x81) {
        length = data[at++] & 0xFF;
      }
      out.add(new byte[][] {{(byte) tag}, Arrays.copyOfRange(data, at, at + length)});
      at += length;
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
