package io.vcanokey.usb.ccid;

/**
 * A bulk-OUT command failed with slot error {@link #error()} (CCID rev 1.1, section 6.2.6). Command
 * handlers throw it; {@link CcidFunction} catches it in one place and answers with the command's
 * response type, bmCommandStatus "failed" and this bError.
 */
public final class CcidException extends RuntimeException {

  private final int error;

  private CcidException(int error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  /** Failure with a named error code. */
  public static CcidException of(CcidError error) {
    return new CcidException(error.value(), error.name());
  }

  /**
   * Failure because of the parameter at {@code offset} in the bulk-OUT message (6.2.6: bError 1 to
   * 127 is "index of not supported / incorrect message parameter").
   */
  public static CcidException badParameter(int offset) {
    if (offset < 1 || offset > 0x7F) {
      throw new IllegalArgumentException("parameter offset must be 1 to 127, got " + offset);
    }
    return new CcidException(offset, "bad parameter at offset " + offset);
  }

  /** bError on the wire. */
  public int error() {
    return error;
  }
}
