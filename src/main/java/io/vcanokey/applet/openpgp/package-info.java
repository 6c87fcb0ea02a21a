/**
 * The OpenPGP card application, version 3.4 (Functional Specification of the OpenPGP application on
 * ISO smart card operating systems, version 3.4.1), AID D2 76 00 01 24 01 03 04 F1 D0, then the
 * key's 4-byte serial number (state record {@code admin/sn}) and 00 00; compatible with GnuPG 2.2
 * ({@code scd/app-openpgp.c}) and with the reference key (canokey-core inventory, section 4).
 *
 * <p>Commands (CLA 00; any other class answers 6E00): SELECT DATA A5, GET DATA CA, GET NEXT DATA
 * CC, VERIFY 20, CHANGE REFERENCE DATA 24, RESET RETRY COUNTER 2C, PUT DATA DA, key import DB
 * (P1-P2 3FFF), GENERATE ASYMMETRIC KEY PAIR 47, PSO 2A (9E9A sign, 8086 decipher, 8680 encipher),
 * INTERNAL AUTHENTICATE 88, GET CHALLENGE 84, TERMINATE DF E6, ACTIVATE FILE 44. The card OS joins
 * chains and pages long responses, so every handler takes and returns whole data fields.
 *
 * <p>Access rules (spec 4.4.1 and 7.1): PUT DATA needs PW3, except private DOs 0101 and 0103 (PW1
 * in mode 82); GET DATA of 0103 needs PW1 (82), of 0104 PW3; key generation and import need PW3;
 * PSO CDS needs PW1 (81), dropped after one signature unless C4 byte 1 is 01; DECIPHER, ENCIPHER
 * and INTERNAL AUTHENTICATE need PW1 (82); TERMINATE DF needs PW3 or a blocked PW3.
 *
 * <p>Status words: 6982 for a wrong password or a missing verification; 6983 for a blocked password
 * (or an unset resetting code); 6700 for a wrong length (password outside 6/8..64 bytes, signing
 * input too long, cryptogram not of the modulus length, AES data not in whole blocks, DO value too
 * long); 6A80 for malformed data (TLV, attributes the slot does not take, bad padding, point not on
 * the curve, key import that does not match the attributes); 6A86 for wrong P1-P2 and for PUT DATA
 * of a tag that cannot be written; 6A88 for GET DATA of an unknown tag and for a missing key or AES
 * key; 6985 to change a permanent UIF; 6600 for a refused touch; 6285 for every command but
 * ACTIVATE FILE while terminated (SELECT then answers 6285 and still selects); 6581 when the state
 * file cannot be written, with nothing changed.
 *
 * <p>Where this applet differs from the reference key (inventory 4), deliberately:
 *
 * <ul>
 *   <li>Announces (C0 byte 1 = 7F) and implements private DOs 0101 to 0104, the KDF-DO F9, PSO
 *       ENCIPHER and DECIPHER with the AES key D5, UIF modes 03 and 04 (cached, 15 s per session).
 *   <li>Historical bytes announce command chaining as well as extended lengths (byte 7 = C0).
 *   <li>Certificates of up to 4096 bytes (the card OS buffer) in each of the three occurrences;
 *       7F66 announces 4096 command bytes and 1340 response bytes per APDU.
 *   <li>brainpoolP256r1, P384r1 and P512r1 besides the NIST curves and secp256k1; no SM2.
 *   <li>GENERATE needs PW3 (the spec's rule; the reference needs none).
 *   <li>The algorithm id of an EC attribute must fit the slot (13 or 16 for SIG and AUT, 12 for
 *       DEC); an optional trailing import-format byte 00 or FF is accepted.
 *   <li>ACTIVATE FILE in the operational state answers 9000 and changes nothing (reference: 6985).
 *   <li>Writing the KDF-DO sets PW1 and PW3 to its initial hashes 87 and 88 (or, for "no KDF", to
 *       the plain defaults) and clears the resetting code: GnuPG 2.2's kdf-setup writes only F9 and
 *       then sends hashed PINs.
 * </ul>
 *
 * <p>Storage: records in the key's state file under {@code pgp/}, read on every command; a missing
 * record is the factory value, so deleting the prefix (admin RESET OPENPGP, TERMINATE DF) resets
 * the application.
 *
 * <ul>
 *   <li>{@code pgp/pw1}, {@code pgp/rc}, {@code pgp/pw3}: the password bytes as the host set them
 *       (KDF hashes when a KDF-DO is set); missing means "123456", unset, "12345678".
 *   <li>{@code pgp/pw1-tries}, {@code pgp/rc-tries}, {@code pgp/pw3-tries}: one byte, tries left;
 *       missing means 3 (0 for an unset resetting code); written before every comparison.
 *   <li>{@code pgp/pw1-multi}: C4 byte 1 (00 or 01); missing means 00.
 *   <li>{@code pgp/attr-N} (N = 1 SIG, 2 DEC, 3 AUT): the algorithm attributes as written; missing
 *       means RSA 2048 {@code 01 0800 0020 00}.
 *   <li>{@code pgp/key-N}: key origin (01 generated, 02 imported), then {@code CardKey.encode()}.
 *   <li>{@code pgp/cert-N} (N = occurrence 0 AUT, 1 DEC, 2 SIG): the cardholder certificate.
 *   <li>{@code pgp/sig-count}: the 3-byte big-endian signature counter, written before signing.
 *   <li>{@code pgp/do-TTTT} (TTTT the tag in hex): simple DOs as written: 005B, 005E, 5F2D, 5F35,
 *       5F50, 0101 to 0104, C7 to D0 (fingerprints, CA fingerprints, dates), D5 (AES key), D6 to D8
 *       (one byte, the UIF mode), F9 (KDF-DO).
 *   <li>{@code pgp/terminated}: present (01) while the application is terminated.
 * </ul>
 *
 * <p>Neither passwords, keys, AES key nor KDF hashes are logged; key import and PUT DATA of D3, D5,
 * F9 and the private DOs are blanked in traces ({@link
 * io.vcanokey.core.apdu.Applet#carriesSecret}).
 *
 * <p>May depend on core (apdu, bytes, crypto), storage, platform and the applet package.
 */
package io.vcanokey.applet.openpgp;
