/**
 * CTAP2 canonical CBOR (CTAP 2.1, section 8, "CTAP2 canonical CBOR encoding form") for the FIDO
 * applet.
 *
 * <p>Role: one place that turns CBOR data items into the exact bytes an authenticator must emit.
 * May depend on: the JDK and {@code com.upokecenter:cbor}; nothing else in the project.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Why a library and not our own encoder: {@code com.upokecenter:cbor} (PeterO's CBOR) has a
 *       {@code ctap2canonical} encode option that applies exactly the section 8 rules: shortest
 *       integer and length forms, no indefinite lengths, map keys sorted by major type, then by
 *       encoded length, then byte-wise, and a nesting limit of four levels. The same library will
 *       decode requests (makeCredential, getAssertion), so one dependency serves both directions.
 *       Its data model ({@code CBORObject}) is also what our tests decode responses with, which is
 *       why every getInfo test additionally checks hand-assembled bytes and python-fido2's view.
 *   <li>The facade keeps the option string in one place so no caller can forget it; an applet never
 *       calls {@code EncodeToBytes()} without options.
 * </ul>
 */
package io.vcanokey.core.cbor;
