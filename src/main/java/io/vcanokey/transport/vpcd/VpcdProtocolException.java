package io.vcanokey.transport.vpcd;

/**
 * A frame from vpcd that the protocol (vsmartcard {@code virtualsmartcard/doc/api.txt}) does not
 * allow. Caught in one place, {@link VpcdClient}, which ends the connection and reconnects.
 */
public final class VpcdProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public VpcdProtocolException(String message) {
    super(message);
  }
}
