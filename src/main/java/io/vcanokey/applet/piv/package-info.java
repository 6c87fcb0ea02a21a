/**
 * The PIV Card Application (NIST SP 800-73-4, parts 1 and 2) with the YubiKey extensions that
 * ykman, yubico-piv-tool and OpenSC rely on, AID A0 00 00 03 08.
 *
 * <p>Role: one applet behind the card OS; {@link io.vcanokey.applet.piv.PivApplet} dispatches the
 * commands, the other classes hold one concern each (PIN and PUK counters, management key, key
 * records, data objects, attestation); BER-TLV comes from {@link io.vcanokey.core.apdu.BerTlv}.
 *
 * <p>Dependencies: core (apdu, crypto, bytes), storage, platform (user presence), the applet
 * context; BouncyCastle's bcprov for DER and bcpkix for the X.509 attestation certificates (the JDK
 * has no certificate builder). Nothing here knows USB, CCID or another applet; the serial number is
 * read from the admin applet's record {@code admin/sn}, as OpenPGP reads it.
 *
 * <p>Commands:
 *
 * <ul>
 *   <li>SP 800-73-4 part 2: SELECT (answers the application property template), GET DATA (CB), PUT
 *       DATA (DB), VERIFY (20), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C), GENERAL
 *       AUTHENTICATE (87), GENERATE ASYMMETRIC KEY PAIR (47).
 *   <li>Yubico: GET VERSION (FD, 5.7.0), GET SERIAL (F8), SET MANAGEMENT KEY (FF), IMPORT
 *       ASYMMETRIC KEY (FE), RESET (FB), SET PIN RETRIES (FA), GET METADATA (F7), ATTEST (F9), MOVE
 *       KEY (F6). Any other instruction answers 6D00 (CanoKey's algorithm extension EE included); a
 *       class other than 00 answers 6E00.
 * </ul>
 *
 * <p>Access rules: PUT DATA, GENERATE, IMPORT, SET MANAGEMENT KEY, MOVE KEY and SET PIN RETRIES
 * need management-key authentication in this session (6982); SET PIN RETRIES also the PIN;
 * containers 5FC103, 5FC108, 5FC109, 5FC121 and 5FC123 are read after the PIN (SP 800-73-4 part 1,
 * appendix A). Private keys follow their PIN policy (never; once per session; always, meaning a
 * VERIFY before each use, consumed by that use) and touch policy (never; always; cached, one touch
 * covering 15 s), with the defaults of SP 800-73-4 part 1, table 4b: 9A, 9D and the retired slots
 * once, 9C always, 9E never; touch never. A refused touch answers 6982.
 *
 * <p>Records in the state file, all under {@code piv/} (a missing record means the default, so an
 * admin RESET PIV is deleting the prefix):
 *
 * <pre>
 *   piv/pin, piv/puk            8 bytes: the PIN or PUK with its FF padding (default 123456 and
 *                               12345678)
 *   piv/pin-retries,            2 bytes: tries left, tries allowed (default 3, 3); malformed
 *   piv/puk-retries             means blocked
 *   piv/mgmt-key                algorithm (03, 08, 0A, 0C) || touch policy (01, 02) || key
 *                               (default TDES 0102030405060708 three times)
 *   piv/key-XX                  XX the slot in hex: 01 || algorithm id || PIN policy || touch
 *                               policy || origin (01 generated, 02 imported) || CardKey.encode()
 *   piv/obj-TAG                 TAG the container's tag in hex (5FC105, 7F61): the value inside
 *                               tag 53 (for 7F61 inside its own tag)
 *   piv/key-F9, piv/obj-5FFF01  the attestation key and its certificate container (70 cert,
 *                               71 00, FE 00): made together at first use (GET DATA 5FFF01,
 *                               GET METADATA F9 or ATTEST) when piv/key-F9 is missing
 * </pre>
 *
 * <p>Status words not named by SP 800-73-4 follow what a YubiKey answers: 6A86 for a P1 or P2 that
 * names no slot or no mode, 6A88 for a key reference that has no PIN (VERIFY 00 or 81, CHANGE
 * REFERENCE DATA 9B) and for GET METADATA of an empty slot, 6A80 for every malformed data field,
 * 6700 for data where a command takes none, 6985 for a management-key answer with nothing pending.
 *
 * <p>Security counters: a PIN or PUK check writes the decremented counter durably before the
 * comparison and the full counter after a match (ISO/IEC 7816-4:2005, 7.5.6), so a restart never
 * gives a try back.
 *
 * <p>Where we depart from the CanoKey reference (canokey-core inventory, section 5), and why:
 *
 * <ul>
 *   <li>Slots 84 to 95 and F9, AES management keys, ATTEST, SET PIN RETRIES and MOVE KEY are
 *       implemented: the reference lacks them, and ykman and current YubiKeys use them.
 *   <li>No CHUID or CCC is written at first use: the containers start empty (6A82), as on a
 *       YubiKey, and hosts write their own (yubico-piv-tool set-chuid, ykman piv objects generate).
 *       This keeps "missing record means default" true for every container.
 *   <li>Containers take the sizes of SP 800-73-4 part 1, table 3, except that certificates and
 *       Yubico's objects may fill the command buffer (4087 bytes), as RSA 4096 certificates need;
 *       too large a value answers 6A84 (not enough memory), where the reference answers 6700.
 *   <li>PIN and PUK of a wrong length answer 6A80 (SP 800-73-4 part 2, 3.2.1), where the reference
 *       answers 6700; a new PIN must have 6 to 8 characters.
 *   <li>9C defaults to PIN policy always (SP 800-73-4 part 1, table 4b, as on a YubiKey); the
 *       reference uses once.
 *   <li>Ed25519 signs the whole message, as YubiKey 5.7 does; the reference signs exactly 32 bytes.
 *   <li>An empty slot and an algorithm in P1 that is not the key's answer 6A80 in GENERAL
 *       AUTHENTICATE, as a YubiKey answers (yubikit reads both as "wrong key"); the reference
 *       answers 6985 and 6A86. The management key's algorithm is checked the same way.
 *   <li>A refused touch answers 6982, as a YubiKey does; the reference answers 6600.
 *   <li>RESET needs both PIN and PUK blocked and otherwise answers 6985; it keeps the attestation
 *       key and certificate in F9, as a YubiKey keeps them.
 *   <li>ATTEST answers 6A80 for an imported key or an empty slot, as a YubiKey does (yubikit reads
 *       6A80 as "make sure that key is generated"); slot F9 itself and 9B answer 6A86. The
 *       attestation CA is our own self-signed P-256 certificate "CN=CanoKey PIV Attestation", not
 *       Yubico's; attested certificates are named "CN=CanoKey PIV Attestation 9A" and carry form
 *       factor 00 (unspecified).
 *   <li>MOVE KEY refuses a destination that holds a key (6985) and an empty source (6A88); the
 *       certificate containers stay where they are, as on a YubiKey.
 *   <li>The discovery object's PIN usage policy is 40 00 (SP 800-73-4 part 1, 3.3.2: the second
 *       byte only matters with a global PIN); the reference sends 40 10.
 * </ul>
 */
package io.vcanokey.applet.piv;
