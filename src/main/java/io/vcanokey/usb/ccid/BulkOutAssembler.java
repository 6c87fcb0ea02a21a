package io.vcanokey.usb.ccid;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins bulk-OUT pieces into whole CCID messages by the dwLength of their 10-byte header (CCID rev
 * 1.1, section 6.1: "a command message is sent in one bulk transfer"; the host writes it in
 * wMaxPacketSize packets, and a transport may hand them over whole or in pieces).
 *
 * <p>A message whose dwLength exceeds what dwMaxCCIDMessageLength allows is reported to the sink as
 * soon as its header is complete, so that the reader answers with an error instead of waiting for
 * bytes it could not hold. The rest of that oversized transfer is then discarded: up to dwLength
 * bytes, but never past the end of the host's transfer, which a piece whose length is not a
 * multiple of the endpoint's packet size marks (USB 2.0, 5.8.3: a short packet ends a bulk
 * transfer). A bogus dwLength therefore costs one transfer, never a hang.
 *
 * <p>Bytes left in a piece after a complete message are discarded with a warning: each transfer
 * carries one message. A transfer that ends (with a short piece) before its message is complete is
 * answered like a bad dwLength when its header arrived, and dropped when it did not; it is never
 * joined with the next transfer.
 */
final class BulkOutAssembler {

  /** Receives the outcome of assembly. */
  interface Sink {
    /** A complete message, header and abData. */
    void message(byte[] message);

    /** A message whose header declares more abData than the reader accepts. */
    void oversized(byte[] header, long declaredLength);
  }

  private static final Logger log = LoggerFactory.getLogger(BulkOutAssembler.class);

  private final int maxDataLength;
  private final int packetSize;
  private final Sink sink;
  private final byte[] buffer;
  private int filled;
  private long skipRemaining;

  /**
   * @param maxDataLength the largest dwLength accepted (dwMaxCCIDMessageLength - 10)
   * @param packetSize wMaxPacketSize of the bulk-OUT endpoint
   */
  BulkOutAssembler(int maxDataLength, int packetSize, Sink sink) {
    this.maxDataLength = maxDataLength;
    this.packetSize = packetSize;
    this.sink = sink;
    this.buffer = new byte[CcidMessage.HEADER_LENGTH + maxDataLength];
  }

  /** Takes the next piece of bulk-OUT data. */
  void accept(byte[] piece) {
    boolean endsTransfer = piece.length % packetSize != 0;
    if (skipRemaining > 0) {
      skip(piece, endsTransfer);
      return;
    }

    int at = 0;
    while (at < piece.length) {
      int want = wanted();
      int n = Math.min(want, piece.length - at);
      System.arraycopy(piece, at, buffer, filled, n);
      filled += n;
      at += n;

      if (filled == CcidMessage.HEADER_LENGTH && CcidMessage.dataLength(buffer) > maxDataLength) {
        long declared = CcidMessage.dataLength(buffer);
        byte[] header = Arrays.copyOf(buffer, CcidMessage.HEADER_LENGTH);
        filled = 0;
        skipRemaining = endsTransfer ? 0 : Math.max(0, declared - (piece.length - at));
        sink.oversized(header, declared);
        return;
      }
      if (filled >= CcidMessage.HEADER_LENGTH && wanted() == 0) {
        byte[] message = Arrays.copyOf(buffer, filled);
        filled = 0;
        if (at < piece.length) {
          log.warn(
              "dropping {} bytes after a complete CCID message in one transfer", piece.length - at);
        }
        sink.message(message);
        return;
      }
    }

    if (endsTransfer && filled > 0) {
      // The host's transfer ended before the message did: its dwLength does not match what was
      // sent. Answer the error when the header (with bSeq) is there; otherwise nothing can be
      // answered, so the fragment is dropped rather than joined with the next command.
      byte[] partial = Arrays.copyOf(buffer, filled);
      filled = 0;
      if (partial.length >= CcidMessage.HEADER_LENGTH) {
        log.warn(
            "CCID transfer ended after {} of {} bytes; answering a dwLength error",
            partial.length,
            CcidMessage.HEADER_LENGTH + CcidMessage.dataLength(partial));
        sink.oversized(
            Arrays.copyOf(partial, CcidMessage.HEADER_LENGTH), CcidMessage.dataLength(partial));
      } else {
        log.warn(
            "CCID transfer of {} bytes is shorter than a message header; dropped", partial.length);
      }
    }
  }

  /** Forgets a partial message and any oversized transfer being discarded. */
  void clear() {
    filled = 0;
    skipRemaining = 0;
  }

  /** True when no message is partly received. */
  boolean isIdle() {
    return filled == 0 && skipRemaining == 0;
  }

  private int wanted() {
    if (filled < CcidMessage.HEADER_LENGTH) {
      return CcidMessage.HEADER_LENGTH - filled;
    }
    return (int) (CcidMessage.HEADER_LENGTH + CcidMessage.dataLength(buffer) - filled);
  }

  private void skip(byte[] piece, boolean endsTransfer) {
    long n = Math.min(skipRemaining, piece.length);
    skipRemaining -= n;
    if (endsTransfer) {
      skipRemaining = 0;
    }
    if (n < piece.length) {
      log.warn("dropping {} bytes after an oversized CCID message", piece.length - n);
    }
  }
}
