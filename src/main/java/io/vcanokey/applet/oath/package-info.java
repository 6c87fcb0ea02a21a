/**
 * The OATH applet: HOTP (RFC 4226) and TOTP (RFC 6238) one-time passwords behind Yubico's YKOATH
 * protocol, AID A0 00 00 05 27 21 01, compatible with ykman 4.0.9 and with the reference key
 * (canokey-core inventory, section 6).
 *
 * <p>Commands (CLA 00): SELECT; PUT 01; DELETE 02; SET CODE 03; RESET 04 (P1P2 DE AD); RENAME 05;
 * LIST A1; CALCULATE A2 (P2 00 full, 01 truncated); VALIDATE A3; CALCULATE ALL A4 (P1 00); SEND
 * REMAINING A5, which the card OS serves ({@link io.vcanokey.core.apdu.Applet#sendRemainingIns()}),
 * so every handler returns its whole response. While a password is set and this session has not
 * passed VALIDATE (or set the password itself), every command but SELECT, VALIDATE and RESET
 * answers 6982.
 *
 * <p>Status words: 6A80 for any syntax error (missing or unexpected tag, truncated length, name
 * empty or over 64 bytes, unknown type or algorithm, digits outside 6..8, secret over the hash's
 * block size, unknown property bits, malformed 7A); 6A86 for wrong P1-P2; 6984 for no such
 * credential (DELETE, RENAME, CALCULATE) and for a failed SET CODE or VALIDATE proof; 6985 for
 * RENAME onto an existing name; 6A84 when 100 credentials are stored; 6982 for a refused touch or
 * an increasing-only challenge that goes back; 6581 when the state file cannot be written, with
 * nothing changed.
 *
 * <p>Where YKOATH (as ykman speaks it) and the reference key differ, this applet follows YKOATH:
 *
 * <ul>
 *   <li>PUT of an existing name replaces the credential (ykman asks "overwrite?" and then PUTs);
 *       the reference answers 6985.
 *   <li>HOTP uses the stored counter, then stores counter + 1 before answering: the first code is
 *       the one for the initial moving factor (ykman's device tests expect RFC 4226's 755224 first
 *       for counter 0). The reference pre-increments, so its first code uses IMF + 1.
 *   <li>Digits 6 to 8 (RFC 4226, 5.3 "MUST extract a 6-digit code at a minimum"; ykman offers 6, 7,
 *       8); the reference also takes 4 and 5.
 *   <li>Secrets up to the hash's block size (64 bytes, 128 for SHA-512): ykman hashes only longer
 *       secrets down, so it sends up to 128 bytes for SHA-512; the reference stops at 64.
 *   <li>TOTP challenges of any length (ykman's device tests send 9 to 50-byte challenges to
 *       CALCULATE); an increasing-only credential needs an 8-byte time step, as on the reference.
 *   <li>VALIDATE with a wrong response answers 6984 (the reference: 6A80); ykman treats both as a
 *       wrong password.
 *   <li>RESET exists (the reference lacks it) and needs no VALIDATE, since ykman resets a locked
 *       key without its password.
 * </ul>
 *
 * <p>Touch: CALCULATE of a touch credential asks {@link io.vcanokey.platform.UserPresence} ("OATH
 * code for 'NAME'") and answers 6982 when refused, which ykman reports as a touch time-out.
 * CALCULATE ALL answers 77 for HOTP credentials (touch or not: ykman infers HOTP from that tag) and
 * 7C for TOTP credentials that need touch.
 *
 * <p>Storage: records in the key's state file, read on every command.
 *
 * <ul>
 *   <li>{@code oath/salt}: 8 random bytes, SELECT tag 71 (ykman's PBKDF2 salt and the source of its
 *       device id). Made at the first SELECT; replaced by RESET.
 *   <li>{@code oath/key}: the password key, absent when no password is set: 1 byte algorithm (01
 *       SHA-1, 02 SHA-256, 03 SHA-512), then the HMAC key (1 to 64 bytes; ykman's is PBKDF2-SHA1 of
 *       the password, 1000 rounds, 16 bytes).
 *   <li>{@code oath/cred/HEX}, HEX the credential name in upper-case hex: 1 byte format (01); 1
 *       byte type and algorithm as in PUT; 1 byte digits; 1 byte properties; 8 bytes big-endian
 *       HOTP counter (the moving factor of the next code); 1 byte secret length S; S bytes secret;
 *       then to the end the last challenge an increasing-only TOTP credential accepted (empty
 *       otherwise).
 * </ul>
 *
 * <p>A credential change is one atomic write; CALCULATE ALL records all increasing-only challenges
 * in one write after every check passed. Neither secrets nor credential names are logged.
 *
 * <p>May depend on core, storage, platform and the applet package; nothing else.
 */
package io.vcanokey.applet.oath;
