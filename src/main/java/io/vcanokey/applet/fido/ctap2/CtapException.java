package io.vcanokey.applet.fido.ctap2;

/**
 * A CTAP2 request ends with an error status (CTAP 2.1, section 8.2): the one unchecked exception
 * the CTAP2 commands throw, caught in {@link Ctap2Authenticator#handle} and answered as the status
 * byte alone.
 */
public final class CtapException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final CtapStatus status;

  public CtapException(CtapStatus status, String reason) {
    super(status.name() + ": " + reason, null, false, false);
    this.status = status;
  }

  public CtapStatus status() {
    return status;
  }
}
