/**
 * The key's applications. Each subpackage is one applet behind the {@link
 * io.vcanokey.core.apdu.CardOs card OS} (oath, ndef, admin; openpgp and piv to come) or the FIDO
 * authenticator ({@code fido}).
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>An applet object holds session state only (selected file, verified PIN, pending challenge).
 *       Every card session (the CCID interface, each vpcd connection) gets its own applet objects,
 *       so verifying a PIN over one reader never unlocks another.
 *   <li>Persistent state lives in the key's {@link io.vcanokey.storage.StateFile}, in records named
 *       {@code <applet>/<item>} ("oath/...", "ndef/...", "admin/..."). Applets read it on every
 *       command instead of caching it, so all sessions see each change at once. A missing record
 *       means the applet's default, so resetting an applet is deleting its prefix.
 *   <li>A change that matters for security (a PIN retry counter, a HOTP counter) is written, and so
 *       durable, before the response that depends on it is built.
 *   <li>Touch goes through {@link io.vcanokey.platform.UserPresence}, never decided here.
 * </ul>
 *
 * <p>May depend on core, storage and platform; never on usb, transport, key or cli.
 */
package io.vcanokey.applet;
