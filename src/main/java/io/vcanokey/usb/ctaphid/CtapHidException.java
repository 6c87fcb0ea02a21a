package io.vcanokey.usb.ctaphid;

/**
 * A CTAPHID protocol error detected while handling a host frame (CTAP 2.1, section 11.2.9.1.6).
 * Thrown by the codecs and the assembler, caught in exactly one place ({@link CtapHidFunction}),
 * which answers the offending channel with a CTAPHID_ERROR message carrying {@link #error()}.
 */
public final class CtapHidException extends RuntimeException {

  private final CtapHidError error;

  public CtapHidException(CtapHidError error, String message) {
    super(error + ": " + message);
    this.error = error;
  }

  public CtapHidError error() {
    return error;
  }
}
