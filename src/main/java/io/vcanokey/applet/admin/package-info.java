/**
 * CanoKey's admin applet (AID F0 00 00 00 00; canokey-core inventory, section 8): the admin PIN,
 * serial number and version, device settings, the NDEF read-only switch, per-applet resets, factory
 * reset and storage usage.
 *
 * <p>May depend on {@code io.vcanokey.core}, {@code io.vcanokey.storage}, {@code
 * io.vcanokey.platform} and the other applets' record names ({@code io.vcanokey.applet.ndef}).
 * Never on {@code key}: the record formats it shares with the key's first-use provisioning (admin
 * PIN, serial number, FIDO secrets) are written down here and checked by a test that provisions a
 * key and resets it.
 *
 * <h2>Records</h2>
 *
 * <ul>
 *   <li>{@code admin/sn}: 4-byte serial number, written at first use.
 *   <li>{@code admin/pin}: the admin PIN bytes (default "123456"); {@code admin/pin-retries}: one
 *       byte, tries left (default 3). Missing records mean the defaults.
 *   <li>{@code admin/config}: one byte of flags, see {@link io.vcanokey.applet.admin.DeviceConfig}.
 *       Missing means everything on.
 *   <li>The NDEF read-only flag is the NDEF applet's {@code ndef/read-only}, so resetting that
 *       applet clears it, as on the reference key.
 * </ul>
 *
 * <h2>Security notes</h2>
 *
 * <ul>
 *   <li>VERIFY writes the decremented retry counter durably before it compares the PIN, and writes
 *       3 back only after a correct PIN. If a write fails the answer is 6581 (memory failure) for a
 *       right and a wrong PIN alike, and the session stays unverified.
 *   <li>PINs are compared through their SHA-256 digests with {@code MessageDigest.isEqual}, so the
 *       time taken depends on neither content nor length.
 *   <li>Per-applet resets need the verified PIN and a touch from the user-presence service; FACTORY
 *       RESET needs the PIN blocked and a touch. A refused touch answers 6985.
 * </ul>
 *
 * <h2>Decisions where we differ from the reference key</h2>
 *
 * <ul>
 *   <li>Not implemented, answered as unknown instructions (6982 before VERIFY, 6D00 after): 01 and
 *       02 (FIDO attestation key and certificate: each key makes its own at first use), 11 and 12
 *       (SM2 settings: no SM2), 43 and 44 (Pass settings: no keyboard interface) and 14 (NFC
 *       enable: no NFC; the reference's virtual build accepts it and does nothing).
 *   <li>The reference's CTAP reset through INS 09 needs no touch; ours, like every reset here, asks
 *       the user-presence service, as the key's design requires for resets.
 *   <li>The reference's factory reset runs a 5-round touch test (skipped in its QEMU build); ours
 *       asks the user-presence service once.
 *   <li>FACTORY RESET with data other than "RESET" answers 6A80 (wrong data).
 *   <li>READ SN with no serial record answers 6A88; WRITE SN with other than 4 bytes 6700.
 *   <li>FLASH USAGE reports the state file's size in KiB (rounded up, at most 255) against a
 *       capacity of 128 KiB, the reference's virtual flash.
 *   <li>READ VERSION P1 00 reports the project version (see {@code FirmwareVersion}); P1 01
 *       "CanoKey QEMU"; other P1 6A86.
 *   <li>SELECT clears the session's verified PIN, also when the admin applet was already selected.
 *   <li>A PIN verified in one card session stays verified there when another session changes the
 *       PIN or resets the key; sessions are per reader and short-lived.
 * </ul>
 */
package io.vcanokey.applet.admin;
