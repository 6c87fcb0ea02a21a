/**
 * The FIDO applet: CTAP2 (FIDO2) and CTAP1/U2F as the key's authenticator (CTAP 2.1; FIDO U2F raw
 * message formats 1.2).
 *
 * <p>Role: turns a CTAP2 request (command byte and CBOR) or a U2F APDU into its response,
 * asynchronously through a {@link io.vcanokey.applet.fido.FidoResponder} so that waits for user
 * presence never block a transport. Subpackage {@code ctap2} holds the CTAP2 model, {@code u2f} the
 * U2F raw messages; {@link io.vcanokey.applet.fido.CredentialId} is the key-wrapping credential ID
 * both share, and {@link io.vcanokey.applet.fido.SignatureCounter} their one signature counter.
 *
 * <p>May depend on: {@code io.vcanokey.core}, {@code io.vcanokey.platform}, {@code
 * io.vcanokey.storage}. Never on {@code usb} or {@code transport}: the USB CTAPHID function adapts
 * this applet ({@code io.vcanokey.usb.ctaphid.FidoHidAdapter}), and {@link
 * io.vcanokey.applet.fido.FidoApplet} adapts it to the card OS (CTAP 2.1, 11.3, the NFC binding,
 * reached over CCID and vpcd). Both adapt the key's one {@link
 * io.vcanokey.applet.fido.FidoHandler}, so the two transports share every piece of FIDO state, in
 * memory (PIN tokens, pending getNextAssertion) as well as stored.
 *
 * <p>Design notes: everything runs on the key thread. Of CTAP2 only authenticatorGetInfo is built
 * here; every other CTAP2 command answers CTAP1_ERR_INVALID_COMMAND, pinned by a test. U2F
 * REGISTER, AUTHENTICATE and VERSION are complete.
 */
package io.vcanokey.applet.fido;
