/**
 * The NDEF applet: an NFC Forum Type 4 Tag (NFC Forum Type 4 Tag Operation Specification, version
 * 2.0, "T4T" below) with a capability container and one 1024-byte NDEF file, as the reference key
 * has it (canokey-core inventory, section 7).
 *
 * <p>Role: answers the T4T command set (SELECT by AID, SELECT by file identifier, READ BINARY,
 * UPDATE BINARY; T4T section 5.4) over the card OS. The admin applet switches it off, makes its
 * file read-only and restores its default content.
 *
 * <p>May depend on {@code io.vcanokey.core}, {@code io.vcanokey.storage} and {@code
 * io.vcanokey.applet}; it learns whether it is enabled through a supplier handed in by the key's
 * wiring, so it does not depend on the admin applet (the admin applet depends on it instead).
 *
 * <h2>Records</h2>
 *
 * <ul>
 *   <li>{@code ndef/file}: the whole NDEF file, 1024 bytes (NLEN followed by the message). Missing
 *       means the default file: NLEN 0011 and one URI record for https://canokeys.org.
 *   <li>{@code ndef/read-only}: one byte 01 when the file is read-only. Missing means read/write.
 *       It lives under the applet's prefix, not in the admin settings, because the reference key
 *       keeps it in the capability container file of the applet: resetting the applet (deleting
 *       {@code ndef/}) makes the file writable again, as resetting the reference key's applet does.
 * </ul>
 *
 * <h2>Decisions where the specifications leave room</h2>
 *
 * <ul>
 *   <li>READ BINARY: an offset at or past the end of the selected file answers 6B00 (ISO/IEC
 *       7816-4:2005, table 6, "wrong parameters P1-P2"; 7.2.3: the offset is outside the EF). An
 *       offset inside the file with a specific Le that runs past the end answers 6700, as the
 *       reference key does (inventory 7); T4T readers never ask for more than the file holds. An Le
 *       of 00 (or extended 0000) reads to the end of the file, as ISO/IEC 7816-4:2005, 7.2.3
 *       prescribes for "Le set to 00".
 *   <li>UPDATE BINARY: an offset at or past 1024 answers 6B00; offset plus Lc past 1024 answers
 *       6700 (inventory 7); an empty data field answers 6700.
 *   <li>No file selected: READ and UPDATE BINARY answer 6985 as the reference key does. ISO/IEC
 *       7816-4 also has 6986 ("no current EF"), but the reference's test suite expects 6985.
 *   <li>SELECT by file identifier takes P1 00 with P2 0C (T4T 2.0) or P2 00 (T4T 1.0 readers); no
 *       FCI is returned either way. Other P1-P2 answer 6A86, an identifier that is not two bytes
 *       6700, an unknown file 6A82 with the current file kept.
 *   <li>The admin switch "NDEF enabled" is checked at SELECT, as on the reference key: a session
 *       that selected the tag before it was switched off keeps using it until it selects again.
 *   <li>CLA must be 00 (T4T section 4.2: every command has CLA 00), else 6E00.
 * </ul>
 */
package io.vcanokey.applet.ndef;
