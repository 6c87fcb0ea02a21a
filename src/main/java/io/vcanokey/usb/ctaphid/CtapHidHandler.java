package io.vcanokey.usb.ctaphid;

/**
 * What a {@link CtapHidFunction} hands complete CTAPHID_MSG and CTAPHID_CBOR requests to: the FIDO
 * applet behind the HID interface (CTAP 2.1, sections 11.2.9.1.1 and 11.2.9.1.2).
 *
 * <p>The interface is asynchronous so that a command that waits (for a touch, for storage) never
 * blocks the framing: while it runs, the function keeps answering INIT, refusing other channels
 * with ERR_CHANNEL_BUSY and sending CTAPHID_KEEPALIVE every 100 ms.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Every method of this interface and of {@link Responder} is called on the key thread. A
 *       handler that does work elsewhere hands its result back through {@code Scheduler.execute}
 *       before touching the responder.
 *   <li>At most one request is outstanding: {@link #handle} is not called again until the previous
 *       request's responder has completed, or the function has abandoned it (see below).
 *   <li>The handler completes each request exactly once, with {@link Responder#respond} or {@link
 *       Responder#error}. It may do so inside {@link #handle} (no keepalive is sent then) or later.
 *   <li>The function may abandon a request: on CTAPHID_INIT resynchronisation of the channel and on
 *       USB reset. It then calls {@link #cancel()}; whatever the responder receives afterwards is
 *       dropped, so the handler needs no special case for it.
 * </ul>
 */
public interface CtapHidHandler {

  /**
   * Starts processing one request.
   *
   * @param command {@link CtapHidCommand#MSG} or {@link CtapHidCommand#CBOR}
   * @param payload the whole message payload; for CBOR at least one byte (the CTAP2 command byte),
   *     since the function answers an empty CBOR request with ERR_INVALID_LEN itself
   * @param responder where the outcome goes; valid for this request only
   */
  void handle(CtapHidCommand command, byte[] payload, Responder responder);

  /**
   * Cancels the outstanding request, if any (CTAPHID_CANCEL, 11.2.9.1.5, or the function abandoning
   * it). For a cancellable CBOR request the handler still completes it, with the CTAP2 status
   * CTAP2_ERR_KEEPALIVE_CANCEL (0x2D); a request that cannot be cancelled completes as usual.
   * Called with nothing outstanding, it does nothing.
   */
  void cancel();

  /**
   * The host reset the USB device (a bus reset, which is also how a host starts using a device it
   * was just given, such as a QEMU guest attaching the key). For the applet this is a power-up.
   * Called after any outstanding request was abandoned with {@link #cancel()}.
   */
  default void busReset() {}

  /** The channel's side of one request: completion and progress. */
  interface Responder {

    /**
     * Completes the request with a response of the request's own command (CBOR: CTAP2 status byte
     * and optional CBOR; MSG: response data and status word).
     */
    void respond(byte[] payload);

    /** Completes the request with a CTAPHID_ERROR message instead of a response. */
    void error(CtapHidError error);

    /**
     * Reports what the request is doing, for the status byte of the next keepalives: {@link
     * KeepaliveStatus#UP_NEEDED} while waiting for a touch, {@link KeepaliveStatus#PROCESSING}
     * otherwise (the initial status). A change is announced at once.
     */
    void status(KeepaliveStatus status);
  }
}
