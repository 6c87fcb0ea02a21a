package io.vcanokey.usb;

/**
 * Where a function queues data for one of its IN endpoints. For an interrupt endpoint each call
 * queues one report; for a bulk endpoint each call queues one whole transfer (for CCID, one
 * RDR_to_PC message), which the host may read in several pieces if it asks for less.
 */
@FunctionalInterface
public interface InPipe {
  void send(byte[] data);
}
