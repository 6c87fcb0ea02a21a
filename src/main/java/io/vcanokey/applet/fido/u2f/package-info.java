/**
 * U2F (CTAP1): the raw messages REGISTER, AUTHENTICATE and VERSION of FIDO U2F raw message formats
 * 1.2, as CTAP 2.1 section 11.2.9.1.1 carries them in CTAPHID_MSG.
 *
 * <p>Role: turns one U2F command APDU, in the short or the extended encoding, into its response
 * data and status word. Key handles are {@link io.vcanokey.applet.fido.CredentialId}s (ES256,
 * credProtect 1, not discoverable), so registrations need no storage; the only state written is the
 * global signature counter.
 *
 * <p>May depend on: {@code io.vcanokey.core}, {@code io.vcanokey.platform}, {@code
 * io.vcanokey.storage}, {@code io.vcanokey.applet}. Never on {@code usb} or {@code transport}.
 *
 * <p>Design notes: key thread only. User presence follows the U2F test-of-user-presence model: the
 * command asks {@link io.vcanokey.platform.UserPresence} once and answers 6985 when refused, and
 * the host retries.
 */
package io.vcanokey.applet.fido.u2f;
