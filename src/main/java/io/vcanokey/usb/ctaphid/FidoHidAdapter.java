package io.vcanokey.usb.ctaphid;

import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoResponder;

/**
 * Connects the FIDO applet to CTAPHID: CTAPHID_CBOR requests go to {@link FidoHandler#handleCbor},
 * CTAPHID_MSG requests to {@link FidoHandler#handleU2f} (CTAP 2.1, sections 11.2.9.1.1 and
 * 11.2.9.1.2), and the applet's progress becomes keepalive status.
 *
 * <p>It lives here rather than in the applet because layers point downwards: the USB function knows
 * the applet, the applet knows no transport.
 */
public final class FidoHidAdapter implements CtapHidHandler {

  private final FidoHandler fido;

  public FidoHidAdapter(FidoHandler fido) {
    this.fido = fido;
  }

  @Override
  public void handle(CtapHidCommand command, byte[] payload, Responder responder) {
    FidoResponder fidoResponder =
        new FidoResponder() {
          @Override
          public void respond(byte[] response) {
            responder.respond(response);
          }

          @Override
          public void awaitingUserPresence() {
            responder.status(KeepaliveStatus.UP_NEEDED);
          }

          @Override
          public void processing() {
            responder.status(KeepaliveStatus.PROCESSING);
          }
        };
    switch (command) {
      case CBOR -> fido.handleCbor(payload, fidoResponder);
      case MSG -> fido.handleU2f(payload, fidoResponder);
      default -> responder.error(CtapHidError.ERR_INVALID_CMD);
    }
  }

  @Override
  public void cancel() {
    fido.cancel();
  }

  /** A USB reset powers the FIDO applet up again (clientPIN's power cycle, CTAP 2.1 6.5). */
  @Override
  public void busReset() {
    fido.powerUp();
  }
}
