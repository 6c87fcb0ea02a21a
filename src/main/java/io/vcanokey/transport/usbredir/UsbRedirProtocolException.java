package io.vcanokey.transport.usbredir;

/**
 * A usbredir peer broke the framing or the rules of protocol 0.7 (unknown or misdirected packet
 * type, a length inconsistent with the type's header, data where none may be, an absurd size): the
 * connection cannot continue and is closed. The message names what was expected and what arrived;
 * it is logged at WARN, without a stack trace, by the connection that caught it.
 */
public final class UsbRedirProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UsbRedirProtocolException(String message) {
    super(message);
  }
}
