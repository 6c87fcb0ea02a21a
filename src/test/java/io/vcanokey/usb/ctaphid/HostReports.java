package io.vcanokey.usb.ctaphid;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The host side of CTAPHID for tests, written from CTAP 2.1 section 11.2.4 independently of the
 * production codecs, so that tests never check our encoder against itself.
 */
final class HostReports {

  static final int BROADCAST = 0xFFFFFFFF;

  // CMD bytes as they appear on the wire (bit 7 set), CTAP 2.1 11.2.9.
  static final int PING = 0x81;
  static final int MSG = 0x83;
  static final int LOCK = 0x84;
  static final int INIT = 0x86;
  static final int WINK = 0x88;
  static final int CBOR = 0x90;
  static final int CANCEL = 0x91;
  static final int KEEPALIVE = 0xBB;
  static final int ERROR = 0xBF;

  private HostReports() {}

  /** An initialization frame: CID, CMD, BCNT, data zero-padded to 64 bytes. */
  static byte[] init(int cid, int cmd, int bcnt, byte[] data) {
    byte[] r = new byte[64];
    putCid(r, cid);
    r[4] = (byte) cmd;
    r[5] = (byte) (bcnt >> 8);
    r[6] = (byte) bcnt;
    System.arraycopy(data, 0, r, 7, data.length);
    return r;
  }

  /** A continuation frame: CID, SEQ, data zero-padded to 64 bytes. */
  static byte[] cont(int cid, int seq, byte[] data) {
    byte[] r = new byte[64];
    putCid(r, cid);
    r[4] = (byte) seq;
    System.arraycopy(data, 0, r, 5, data.length);
    return r;
  }

  /** A whole request split into frames: 57 bytes first, then 59 per continuation. */
  static List<byte[]> request(int cid, int cmd, byte[] payload) {
    List<byte[]> reports = new ArrayList<>();
    int first = Math.min(57, payload.length);
    reports.add(init(cid, cmd, payload.length, Arrays.copyOf(payload, first)));
    int seq = 0;
    for (int off = first; off < payload.length; off += 59) {
      reports.add(
          cont(cid, seq++, Arrays.copyOfRange(payload, off, Math.min(payload.length, off + 59))));
    }
    return reports;
  }

  /** An INIT request with {@code nonce}. */
  static byte[] initRequest(int cid, byte[] nonce) {
    return init(cid, INIT, nonce.length, nonce);
  }

  static int cid(byte[] report) {
    return (report[0] & 0xFF) << 24
        | (report[1] & 0xFF) << 16
        | (report[2] & 0xFF) << 8
        | (report[3] & 0xFF);
  }

  /** A message the device sent, reassembled by the host. */
  record Reply(int cid, int cmd, byte[] payload) {
    int errorCode() {
      if (cmd != ERROR || payload.length != 1) {
        throw new AssertionError("not an ERROR reply: cmd " + Integer.toHexString(cmd));
      }
      return payload[0] & 0xFF;
    }
  }

  /**
   * Reassembles every message in {@code reports}, checking the framing rules a host checks: each
   * message starts with an init frame and continues with SEQ 0, 1, ... on the same CID.
   */
  static List<Reply> replies(List<byte[]> reports) {
    List<Reply> replies = new ArrayList<>();
    int i = 0;
    while (i < reports.size()) {
      byte[] r = reports.get(i++);
      if (r.length != 64) {
        throw new AssertionError("report of " + r.length + " bytes");
      }
      if ((r[4] & 0x80) == 0) {
        throw new AssertionError("message starts with a continuation frame");
      }
      int cid = cid(r);
      int bcnt = (r[5] & 0xFF) << 8 | (r[6] & 0xFF);
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      payload.write(r, 7, Math.min(57, bcnt));
      int seq = 0;
      while (payload.size() < bcnt) {
        byte[] c = reports.get(i++);
        if (cid(c) != cid || (c[4] & 0xFF) != seq) {
          throw new AssertionError("bad continuation frame, expected SEQ " + seq);
        }
        payload.write(c, 5, Math.min(59, bcnt - payload.size()));
        seq++;
      }
      replies.add(new Reply(cid, r[4] & 0xFF, payload.toByteArray()));
    }
    return replies;
  }

  /** Random source whose nextInt() returns {@code cids} in order. */
  static RandomGenerator cids(int... cids) {
    int[] next = {0};
    return () -> (long) cids[next[0]++ % cids.length] << 32;
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static void putCid(byte[] r, int cid) {
    r[0] = (byte) (cid >>> 24);
    r[1] = (byte) (cid >>> 16);
    r[2] = (byte) (cid >>> 8);
    r[3] = (byte) cid;
  }

  /** Payload 0, 1, 2, ... (mod 251, a prime, so that frame boundaries never line up with it). */
  static byte[] pattern(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }
}
