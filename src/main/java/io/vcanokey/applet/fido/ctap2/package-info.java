/**
 * CTAP2 authenticator API (CTAP 2.1, sections 6 and 8): command and status codes, the
 * authenticatorGetInfo response, makeCredential / getAssertion / getNextAssertion with discoverable
 * credentials in the state file, the PIN/UV auth protocols and authenticatorClientPIN (6.5),
 * authenticatorReset and authenticatorSelection (6.6, 6.9), authenticatorLargeBlobs (6.10) and
 * authenticatorConfig (6.11) with the settings it keeps ({@code FidoSettings}), and
 * authenticatorCredentialManagement (6.8) over those credentials.
 *
 * <p>Role: the transport-neutral CTAP2 model of the FIDO applet. Requests arrive as a command byte
 * and CBOR, from CTAPHID today and from the CCID/NFC FIDO applet later.
 *
 * <p>May depend on: {@code io.vcanokey.core} (CBOR, crypto), {@code applet.fido.CredentialId} (key
 * wrapping), {@code applet.AppletContext}, {@code storage}, {@code platform.UserPresence}, the
 * record names of {@code key.Provisioning}, and the JDK. Never on {@code usb} or {@code transport}:
 * layers point downwards only.
 *
 * <p>Design notes: responses are built as CBOR data items and encoded once, in CTAP2 canonical
 * form, through {@link io.vcanokey.core.cbor.CtapCbor}. Integer map keys and option names are named
 * constants after the spec's member names. Request members are read through {@code CborParams},
 * which turns a missing member into CTAP2_ERR_MISSING_PARAMETER and a mistyped one into
 * CTAP2_ERR_CBOR_UNEXPECTED_TYPE; every error is a {@code CtapException} caught in one place.
 *
 * <p>State records, all under {@code fido/}: {@code pin} and {@code pin-length} (clientPIN), {@code
 * rk/NNN} (discoverable credentials), {@code large-blobs} (the serialized large-blob array, absent
 * while it is the initial one) and {@code config} (alwaysUv, minimum PIN length and its RP IDs,
 * forcePINChange). authenticatorReset deletes every {@code fido/} record but the attestation key
 * and certificates and writes new key-handle and hmac-secret keys and a zero counter, in one atomic
 * update.
 */
package io.vcanokey.applet.fido.ctap2;
