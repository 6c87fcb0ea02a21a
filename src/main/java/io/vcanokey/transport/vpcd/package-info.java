/**
 * The vpcd transport: the key as a virtual card in pcscd's virtual reader from vsmartcard (protocol
 * in {@code frankmorgner/vsmartcard} {@code virtualsmartcard/doc/api.txt}; reader side in {@code
 * virtualsmartcard/src/vpcd/vpcd.c} and {@code src/ifd-vpcd/ifd-vpcd.c}), so host tools that use
 * PC/SC (OpenSC, gpg's scdaemon, ykman, yubico-piv-tool) reach the key's smart-card applets with no
 * USB at all.
 *
 * <p>Role: bytes on a socket to and from {@link io.vcanokey.core.apdu.CardOs} calls. May depend on
 * {@code io.vcanokey.core} and {@code io.vcanokey.platform}; knows nothing of applets, USB or the
 * key object (the command line hands it a factory of card sessions and the key's scheduler).
 *
 * <h2>Wire format</h2>
 *
 * <ul>
 *   <li>TCP. The reader (pcscd's vpcd driver) listens, on port 35963 for "Virtual PCD 00 00" and
 *       35964 for "Virtual PCD 00 01" in Debian's stock {@code /etc/reader.conf.d/vpcd}; the card
 *       connects. Debian 12's pcscd 1.9.9 binds these ports on all interfaces, not only loopback.
 *   <li>Every message both ways: a two-byte big-endian length, then that many bytes. The reader
 *       always speaks first; the card only answers.
 *   <li>Reader to card, one byte: control. 00 power off, 01 power on, 02 reset (no reply); 04 get
 *       ATR (the card replies with its ATR).
 *   <li>Reader to card, any other length: a command APDU (short or extended); the card replies with
 *       the response APDU, data then SW1 SW2.
 * </ul>
 *
 * <h2>What pcscd 1.9.9 with vsmartcard-vpcd 0.8 does (seen here)</h2>
 *
 * <ul>
 *   <li>Asks for the ATR about every 0.45 s while a card is connected: that is its presence check.
 *       A failed send or receive means the card was removed.
 *   <li>Sends power on before a client's first transaction and power off about half a second after
 *       the last client disconnects.
 *   <li>Keeps its listening socket when the card goes away, so the card may reconnect at any time;
 *       when pcscd itself stops, the connection ends and the port refuses connections until pcscd
 *       starts again.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * {@link io.vcanokey.transport.vpcd.VpcdClient} has one thread doing the socket I/O and the
 * reconnection loop. The protocol is strictly one request, one reply, so that thread hands each
 * message to the key thread through {@link io.vcanokey.platform.Scheduler#execute} and waits for
 * the reply; the key thread never touches the socket. A touch the applet waits for holds up only
 * this reader.
 *
 * <h2>Logging</h2>
 *
 * INFO when connected, one WARN when the reader is unreachable or the connection is lost (not one
 * per retry), WARN for a malformed frame, DEBUG for power on, off and reset, TRACE for frame
 * lengths and ATR polls. APDU bytes are never logged here: the card OS logs commands with secrets
 * withheld.
 */
package io.vcanokey.transport.vpcd;
