/**
 * CTAP2 authenticator API (CTAP 2.1, sections 6 and 8): command and status codes, the
 * authenticatorGetInfo response, the PIN/UV auth protocols and authenticatorClientPIN (6.5).
 *
 * <p>Role: the transport-neutral CTAP2 model of the FIDO applet. Requests arrive as a command byte
 * and CBOR, from CTAPHID today and from the CCID/NFC FIDO applet later.
 *
 * <p>May depend on: {@code io.vcanokey.core} (CBOR, crypto), {@code io.vcanokey.storage} (the PIN
 * record) and the JDK. Never on {@code usb} or {@code transport}: layers point downwards only.
 *
 * <p>Design notes: responses are built as CBOR data items and encoded once, in CTAP2 canonical
 * form, through {@link io.vcanokey.core.cbor.CtapCbor}. Integer map keys and option names are named
 * constants after the spec's member names.
 */
package io.vcanokey.applet.fido.ctap2;
