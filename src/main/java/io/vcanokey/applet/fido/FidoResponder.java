package io.vcanokey.applet.fido;

/**
 * Where the FIDO applet delivers the outcome of one request, whatever transport carried it. The
 * CTAPHID adapter maps it onto CTAPHID responses and keepalives (CTAP 2.1, 11.2.9.1.7).
 *
 * <p>Called on the key thread only; exactly one {@link #respond} per request.
 */
public interface FidoResponder {

  /**
   * Completes the request: for CTAP2 the status byte followed by optional CBOR, for U2F the
   * response data followed by the status word.
   */
  void respond(byte[] response);

  /** The request now waits for the user to touch the key (keepalive STATUS_UPNEEDED). */
  void awaitingUserPresence();

  /** The request is working again after a wait (keepalive STATUS_PROCESSING). */
  void processing();
}
