package io.vcanokey.core.apdu;

/**
 * A command failed with status word {@link #sw()} (ISO/IEC 7816-4:2005, 5.1.3). Applets and codecs
 * throw it; {@link CardOs} catches it in one place and answers with the status word and no data.
 *
 * <p>It carries no stack trace: it is a protocol answer, not a bug.
 */
public final class StatusException extends RuntimeException {

  private final int sw;

  public StatusException(int sw) {
    super("SW " + StatusWords.format(sw), null, false, false);
    if (sw < 0 || sw > 0xFFFF) {
      throw new IllegalArgumentException("status word out of range: " + sw);
    }
    this.sw = sw;
  }

  /** The status word SW1-SW2 to answer with. */
  public int sw() {
    return sw;
  }
}
