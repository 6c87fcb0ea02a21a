package io.vcanokey.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * Benchmark, not a test: smart-card round trips through a real pcscd, timed by the client. It runs
 * on the host against the vpcd reader and inside a guest against the key's USB CCID reader, and
 * prints median latency and operations per second for:
 *
 * <ul>
 *   <li>YKOATH CALCULATE ALL over 32 TOTP credentials (with the 61XX pages it needs);
 *   <li>a SELECT plus one data read, SELECT of the admin applet and READ SN (the admin applet's GET
 *       DATA: no PIN, four bytes back).
 * </ul>
 *
 * Usage: {@code CardBenchmark --reader SUBSTRING [--rounds N]}. It wipes the OATH applet of the key
 * it runs against. The PC/SC library must be named with {@code
 * -Dsun.security.smartcardio.library=/usr/lib/x86_64-linux-gnu/libpcsclite.so.1} on Debian.
 */
public final class CardBenchmark {

  private static final byte[] OATH_AID = hex("A0000005272101");
  private static final byte[] ADMIN_AID = hex("F000000000");
  private static final int CREDENTIALS = 32;

  private CardBenchmark() {}

  public static void main(String[] args) throws CardException {
    String readerName = null;
    int rounds = 200;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reader" -> readerName = args[++i];
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (readerName == null) {
      throw new IllegalArgumentException("--reader SUBSTRING is required");
    }
    CardTerminal terminal = find(readerName);
    Card card = terminal.connect("*");
    try {
      CardChannel channel = card.getBasicChannel();
      System.out.printf("reader: %s%n", terminal.getName());
      prepareOath(channel);

      byte[] challenge = ByteBuffer.allocate(8).putLong(System.currentTimeMillis() / 30000).array();
      CommandAPDU calculateAll = new CommandAPDU(0x00, 0xA4, 0x00, 0x01, tlv(0x74, challenge), 256);
      report(
          "OATH CALCULATE ALL, " + CREDENTIALS + " credentials",
          rounds,
          () -> {
            select(channel, OATH_AID);
            ResponseAPDU r = channel.transmit(calculateAll);
            int bytes = r.getData().length;
            while (r.getSW1() == 0x61) {
              r = channel.transmit(new CommandAPDU(0x00, 0xA5, 0x00, 0x00, 256));
              bytes += r.getData().length;
            }
            check(r, "CALCULATE ALL");
            return bytes;
          });

      CommandAPDU readSerial = new CommandAPDU(0x00, 0x32, 0x00, 0x00, 4);
      report(
          "SELECT admin + READ SN",
          rounds,
          () -> {
            select(channel, ADMIN_AID);
            ResponseAPDU r = channel.transmit(readSerial);
            check(r, "READ SN");
            return r.getData().length;
          });
    } finally {
      card.disconnect(false);
    }
  }

  /** Resets the OATH applet and stores 32 TOTP credentials. */
  private static void prepareOath(CardChannel channel) throws CardException {
    select(channel, OATH_AID);
    check(channel.transmit(new CommandAPDU(0x00, 0x04, 0xDE, 0xAD)), "OATH RESET");
    select(channel, OATH_AID);
    byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < CREDENTIALS; i++) {
      byte[] name = String.format(Locale.ROOT, "bench-%02d", i).getBytes(StandardCharsets.UTF_8);
      byte[] key = new byte[2 + secret.length];
      key[0] = 0x21; // TOTP | HMAC-SHA1 (YKOATH)
      key[1] = 6;
      System.arraycopy(secret, 0, key, 2, secret.length);
      check(
          channel.transmit(
              new CommandAPDU(0x00, 0x01, 0x00, 0x00, concat(tlv(0x71, name), tlv(0x73, key)))),
          "OATH PUT");
    }
  }

  interface Operation {
    int run() throws CardException;
  }

  private static void report(String name, int rounds, Operation operation) throws CardException {
    for (int i = 0; i < Math.min(20, rounds); i++) {
      operation.run(); // warm-up
    }
    List<Long> nanos = new ArrayList<>(rounds);
    int bytes = 0;
    long total = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      bytes = operation.run();
      nanos.add(System.nanoTime() - start);
    }
    total = System.nanoTime() - total;
    Collections.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "%-40s median %7.2f ms  p10 %7.2f ms  p90 %7.2f ms  %8.1f ops/s  (%d rounds, %d bytes)%n",
        name,
        nanos.get(rounds / 2) / 1e6,
        nanos.get(rounds / 10) / 1e6,
        nanos.get(rounds * 9 / 10) / 1e6,
        rounds / (total / 1e9),
        rounds,
        bytes);
  }

  private static CardTerminal find(String substring) throws CardException {
    for (CardTerminal terminal : TerminalFactory.getDefault().terminals().list()) {
      if (terminal
          .getName()
          .toLowerCase(Locale.ROOT)
          .contains(substring.toLowerCase(Locale.ROOT))) {
        return terminal;
      }
    }
    throw new IllegalStateException("no reader whose name contains " + substring);
  }

  private static void select(CardChannel channel, byte[] aid) throws CardException {
    check(channel.transmit(new CommandAPDU(0x00, 0xA4, 0x04, 0x00, aid)), "SELECT");
  }

  private static void check(ResponseAPDU response, String what) {
    if (response.getSW() != 0x9000) {
      throw new IllegalStateException(what + " answered " + Integer.toHexString(response.getSW()));
    }
  }

  private static byte[] tlv(int tag, byte[] value) {
    return concat(new byte[] {(byte) tag, (byte) value.length}, value);
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[0];
    for (byte[] part : parts) {
      int at = out.length;
      out = Arrays.copyOf(out, at + part.length);
      System.arraycopy(part, 0, out, at, part.length);
    }
    return out;
  }

  private static byte[] hex(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }
}
