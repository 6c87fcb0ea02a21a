package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.CredentialId;
import io.vcanokey.applet.fido.FidoResponder;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.applet.fido.SignatureCounter;
import io.vcanokey.core.bytes.Bytes;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.Digests;
import io.vcanokey.key.Provisioning;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorMakeCredential (CTAP 2.1, 6.1), authenticatorGetAssertion (6.2) and
 * authenticatorGetNextAssertion (6.3) for ES256 and EdDSA, with PIN/UV auth tokens from {@link
 * ClientPin}: a verified token sets the UV flag and makes credProtect levels 2 and 3 usable; with a
 * PIN set, makeCredential without a token answers CTAP2_ERR_PUAT_REQUIRED (makeCredUvNotRqd is
 * false).
 *
 * <p>Choices, each a reading of the spec for an authenticator with no built-in UV and no PIN set:
 *
 * <ul>
 *   <li>A zero-length pinUvAuthParam asks for a touch and answers CTAP2_ERR_PIN_NOT_SET
 *       (CTAP2_ERR_OPERATION_DENIED when refused), 6.1.2 / 6.2.2 step 1. A non-empty one needs
 *       pinUvAuthProtocol (CTAP2_ERR_MISSING_PARAMETER) of value 1 or 2
 *       (CTAP1_ERR_INVALID_PARAMETER), step 2; with no PIN set it then grants nothing and is
 *       otherwise ignored, as the reference key does (inventory 3.4).
 *   <li>Option uv = true is CTAP2_ERR_INVALID_OPTION (no built-in UV); up = false in makeCredential
 *       is CTAP2_ERR_INVALID_OPTION; rk in getAssertion is CTAP2_ERR_UNSUPPORTED_OPTION; up = false
 *       in getAssertion gives a silent assertion.
 *   <li>Attestation is "packed" with the provisioned batch key and certificate (inventory 3.4), or
 *       "none" with an empty attStmt when the platform's attestationFormatsPreference (CTAP 2.2,
 *       6.1, member 0x0B) names "none" before "packed".
 *   <li>The global {@link SignatureCounter} is incremented and written, with a new discoverable
 *       credential in the same atomic update, before any response carrying it; at FFFFFFFF it
 *       refuses with CTAP2_ERR_LIMIT_EXCEEDED instead of wrapping.
 *   <li>Extensions: credProtect (12.1), credBlob (12.2), largeBlobKey (12.3: a random 32-byte key
 *       kept with a discoverable credential, response member 0x05 and, when asked, 0x07; false or
 *       without rk is CTAP2_ERR_INVALID_OPTION) and hmac-secret (12.5, {@link HmacSecret}; with up
 *       = false CTAP2_ERR_UNSUPPORTED_OPTION, as the reference key answers, inventory 3.5).
 *   <li>A pinUvAuthToken serves one makeCredential or one getAssertion with user presence: after
 *       the touch it keeps only its lbw permission (6.1.2 step 14.4, 6.2.2 step 9).
 *   <li>getAssertion's user member (6.2.2) is the user id alone, plus name and displayName when the
 *       user was verified and several discoverable credentials are offered (numberOfCredentials
 *       above 1, and the getNextAssertion answers that follow).
 *   <li>Credential IDs are {@link CredentialId}s (inventory 3.9) for both kinds; a discoverable one
 *       must still be in {@link ResidentCredentials} to be usable.
 * </ul>
 *
 * <p>Threading: key thread only. The test of user presence never blocks it: the first run of a
 * request that needs a touch ends in {@link RequestPresence.Needed}, and {@link
 * io.vcanokey.applet.fido.FidoHandler} runs it again with the answer.
 */
public final class Ctap2Authenticator {

  private static final Logger log = LoggerFactory.getLogger(Ctap2Authenticator.class);

  // authenticatorMakeCredential parameters (6.1).
  static final int MC_CLIENT_DATA_HASH = 0x01;
  static final int MC_RP = 0x02;
  static final int MC_USER = 0x03;
  static final int MC_PUB_KEY_CRED_PARAMS = 0x04;
  static final int MC_EXCLUDE_LIST = 0x05;
  static final int MC_EXTENSIONS = 0x06;
  static final int MC_OPTIONS = 0x07;
  static final int MC_PIN_UV_AUTH_PARAM = 0x08;
  static final int MC_PIN_UV_AUTH_PROTOCOL = 0x09;
  static final int MC_ENTERPRISE_ATTESTATION = 0x0A;
  static final int MC_ATTESTATION_FORMATS_PREFERENCE = 0x0B; // CTAP 2.2, 6.1

  // authenticatorMakeCredential response members (6.1).
  static final int MC_RESP_FMT = 0x01;
  static final int MC_RESP_AUTH_DATA = 0x02;
  static final int MC_RESP_ATT_STMT = 0x03;
  static final int MC_RESP_LARGE_BLOB_KEY = 0x05;

  // authenticatorGetAssertion parameters (6.2).
  static final int GA_RP_ID = 0x01;
  static final int GA_CLIENT_DATA_HASH = 0x02;
  static final int GA_ALLOW_LIST = 0x03;
  static final int GA_EXTENSIONS = 0x04;
  static final int GA_OPTIONS = 0x05;
  static final int GA_PIN_UV_AUTH_PARAM = 0x06;
  static final int GA_PIN_UV_AUTH_PROTOCOL = 0x07;

  // authenticatorGetAssertion response members (6.2).
  static final int GA_RESP_CREDENTIAL = 0x01;
  static final int GA_RESP_AUTH_DATA = 0x02;
  static final int GA_RESP_SIGNATURE = 0x03;
  static final int GA_RESP_USER = 0x04;
  static final int GA_RESP_NUMBER_OF_CREDENTIALS = 0x05;
  static final int GA_RESP_LARGE_BLOB_KEY = 0x07;

  // Authenticator data flags (WebAuthn Level 2, 6.1).
  static final int FLAG_UP = 0x01;
  static final int FLAG_UV = 0x04;
  static final int FLAG_AT = 0x40;
  static final int FLAG_ED = 0x80;

  // credProtect levels (CTAP 2.1, 12.1).
  static final int CRED_PROTECT_UV_OPTIONAL = 1;
  static final int CRED_PROTECT_UV_OPTIONAL_WITH_LIST = 2;
  static final int CRED_PROTECT_UV_REQUIRED = 3;

  static final String EXT_CRED_PROTECT = "credProtect";
  static final String EXT_CRED_BLOB = "credBlob";
  static final String EXT_LARGE_BLOB_KEY = "largeBlobKey";

  /** Length of a largeBlobKey (CTAP 2.1, 12.3: 32 bytes). */
  static final int LARGE_BLOB_KEY_LENGTH = 32;

  /** The minPinLength extension (CTAP 2.1, 12.4); getInfo lists it over a key's state. */
  public static final String EXT_MIN_PIN_LENGTH = "minPinLength";

  /** maxCredBlobLength advertised in getInfo (inventory 3.3). */
  static final int MAX_CRED_BLOB_LENGTH = 32;

  /** Longest user.id (WebAuthn Level 2, 5.4.3: at most 64 bytes). */
  static final int MAX_USER_ID_LENGTH = 64;

  /** The getNextAssertion window (CTAP 2.1, 6.3: 30 seconds). */
  static final long NEXT_ASSERTION_TIMEOUT_NANOS = 30_000_000_000L;

  static final String TYPE_PUBLIC_KEY = "public-key";
  static final String FMT_PACKED = "packed";
  static final String FMT_NONE = "none";

  private final AppletContext context;
  private final ClientPin clientPin;
  private final UUID aaguid;
  private final LongSupplier nanoTime;
  private final ResidentCredentials residents;
  private final SignatureCounter counter;

  /** What getNextAssertion continues, or null. */
  private PendingAssertions pending;

  /** The running request's test of user presence; set by {@link #handle}. */
  private RequestPresence presence = RequestPresence.NOT_ASKED;

  /**
   * What every assertion of one getAssertion shares: the request, the flags, the extensions asked
   * for, and whether the user entity carries name and displayName (6.2.2, member user).
   */
  private record AssertionRequest(
      byte[] rpIdHash,
      byte[] clientDataHash,
      boolean userPresent,
      boolean userVerified,
      boolean credBlobRequested,
      Optional<HmacSecret.Request> hmacSecret,
      boolean largeBlobKeyRequested,
      boolean userDetails) {}

  private record PendingAssertions(
      AssertionRequest request, List<Located> remaining, long deadline) {}

  /** A credential found for an assertion: its key and, if discoverable, its stored entry. */
  private record Located(CredentialId.Wrapped wrapped, Optional<ResidentCredentials.Entry> entry) {}

  /**
   * The credential commands over {@code context}'s state; {@code clientPin} checks PIN/UV auth
   * tokens (null: no PIN support, as if no PIN were ever set).
   */
  public Ctap2Authenticator(
      AppletContext context, ClientPin clientPin, UUID aaguid, LongSupplier nanoTime) {
    this.context = context;
    this.clientPin = clientPin;
    this.aaguid = aaguid;
    this.nanoTime = nanoTime;
    this.residents = new ResidentCredentials(context.state());
    this.counter = new SignatureCounter(context.state());
  }

  /**
   * Runs one of makeCredential, getAssertion, getNextAssertion and answers through {@code
   * responder}: CTAP2_OK with the CBOR body, or the error status alone.
   */
  public void handle(
      CtapCommand command, byte[] request, FidoResponder responder, RequestPresence presence) {
    this.presence = presence;
    if (command != CtapCommand.GET_NEXT_ASSERTION) {
      pending = null; // any other command ends a getNextAssertion sequence (6.3)
    }
    try {
      byte[] body =
          switch (command) {
            case MAKE_CREDENTIAL -> makeCredential(CborParams.decode(request, 1), responder);
            case GET_ASSERTION -> getAssertion(CborParams.decode(request, 1), responder);
            case GET_NEXT_ASSERTION -> getNextAssertion();
            default -> throw new IllegalArgumentException("not a credential command: " + command);
          };
      log.debug("CTAP2 {} -> CTAP2_OK", command);
      byte[] response = new byte[1 + body.length];
      System.arraycopy(body, 0, response, 1, body.length);
      responder.respond(response);
    } catch (CtapException e) {
      log.debug("CTAP2 {} -> {}", command, e.getMessage());
      responder.respond(e.status().response());
    }
  }

  /**
   * Ends a getNextAssertion sequence because another command came in (6.3: getNextAssertion must
   * follow getAssertion or getNextAssertion), e.g. authenticatorReset, which must leave no
   * credential of the old key-handle key usable.
   */
  public void endAssertionSequence() {
    pending = null;
  }

  // ------------------------------------------------------------------ makeCredential (6.1.2)

  private byte[] makeCredential(CborParams params, FidoResponder responder) {
    byte[] clientDataHash = params.bytes(MC_CLIENT_DATA_HASH, "clientDataHash");
    CborParams rp = params.map(MC_RP, "rp");
    String rpId = rp.text("id", "rp.id");
    rp.optionalText("name", "rp.name");
    CborParams user = params.map(MC_USER, "user");
    byte[] userId = user.bytes("id", "user.id");
    Optional<String> userName = user.optionalText("name", "user.name");
    Optional<String> displayName = user.optionalText("displayName", "user.displayName");
    CBORObject credParams = params.array(MC_PUB_KEY_CRED_PARAMS, "pubKeyCredParams");
    Optional<CBORObject> excludeList = params.optionalArray(MC_EXCLUDE_LIST, "excludeList");
    Optional<CborParams> extensions = params.optionalMap(MC_EXTENSIONS, "extensions");
    Optional<CborParams> options = params.optionalMap(MC_OPTIONS, "options");
    Optional<byte[]> pinUvAuthParam = params.optionalBytes(MC_PIN_UV_AUTH_PARAM, "pinUvAuthParam");
    Optional<Long> pinUvAuthProtocol =
        params.optionalInt(MC_PIN_UV_AUTH_PROTOCOL, "pinUvAuthProtocol");
    Optional<Long> enterpriseAttestation =
        params.optionalInt(MC_ENTERPRISE_ATTESTATION, "enterpriseAttestation");
    Optional<CBORObject> formatsPreference =
        params.optionalArray(MC_ATTESTATION_FORMATS_PREFERENCE, "attestationFormatsPreference");
    requireClientDataHash(clientDataHash);
    String fmt = attestationFormat(formatsPreference);
    if (userId.length > MAX_USER_ID_LENGTH) {
      throw new CtapException(CtapStatus.CTAP2_ERR_LIMIT_EXCEEDED, "user.id too long");
    }
    List<Integer> algorithms = new ArrayList<>();
    for (CBORObject entry : credParams.getValues()) {
      CborParams descriptor = CborParams.of(entry, "pubKeyCredParams entry");
      long alg = descriptor.integer("alg", "pubKeyCredParams.alg");
      String type = descriptor.text("type", "pubKeyCredParams.type");
      if (TYPE_PUBLIC_KEY.equals(type) && CredentialId.keyType((int) alg).isPresent()) {
        if (alg == (int) alg) {
          algorithms.add((int) alg);
        }
      }
    }
    List<byte[]> excluded = descriptorIds(excludeList, "excludeList");

    checkPinUvAuthProtocol(pinUvAuthParam, pinUvAuthProtocol, responder); // steps 1 and 2
    if (algorithms.isEmpty()) { // step 3
      throw new CtapException(CtapStatus.CTAP2_ERR_UNSUPPORTED_ALGORITHM, "no ES256 or EdDSA");
    }
    int alg = algorithms.get(0);
    boolean rk = false;
    if (options.isPresent()) { // step 5
      options.get().requireTextKeysBooleanValues("options");
      rk = options.get().optionalBool("rk", "rk").orElse(false);
      if (options.get().optionalBool("uv", "uv").orElse(false)) {
        throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "uv: no built-in UV");
      }
      if (!options.get().optionalBool("up", "up").orElse(true)) {
        throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "up = false");
      }
    }
    // A pinUvAuthParam counts only on a key with a PIN (step 11: "protected by user verification").
    boolean tokenGiven = pinUvAuthParam.isPresent() && pinSet();
    requireUvIfAlwaysUv(tokenGiven, true); // step 6 (alwaysUv)
    if (!tokenGiven && pinSet()) {
      // step 7: makeCredUvNotRqd is false, so with a PIN set every makeCredential needs a token.
      throw new CtapException(CtapStatus.CTAP2_ERR_PUAT_REQUIRED, "PIN set, no pinUvAuthParam");
    }
    if (enterpriseAttestation.isPresent()) { // step 9: not enterprise attestation capable
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "enterpriseAttestation");
    }
    boolean uv =
        tokenGiven
            && verifyPinUvAuthParam(
                pinUvAuthParam.get(),
                pinUvAuthProtocol.get(),
                clientDataHash,
                ClientPin.PERMISSION_MC,
                rpId); // step 11

    byte[] rpIdHash = Digests.sha256(rpId.getBytes(StandardCharsets.UTF_8));
    byte[] khKey = record(Provisioning.KEY_HANDLE_KEY);
    for (byte[] id : excluded) { // step 12
      Optional<Located> found = locate(khKey, id, rpIdHash);
      if (found.isPresent()
          && (uv || found.get().wrapped().id().credProtect() != CRED_PROTECT_UV_REQUIRED)) {
        requireUserPresence(responder, "FIDO: credential already registered for " + rpId);
        throw new CtapException(CtapStatus.CTAP2_ERR_CREDENTIAL_EXCLUDED, "excluded credential");
      }
    }

    int credProtect = CRED_PROTECT_UV_OPTIONAL; // step 13: extensions
    boolean credProtectRequested = false;
    Optional<byte[]> credBlob = Optional.empty();
    boolean hmacSecret = false;
    boolean largeBlobKeyRequested = false;
    boolean minPinLengthRequested = false;
    if (extensions.isPresent()) {
      Optional<Long> level = extensions.get().optionalInt(EXT_CRED_PROTECT, EXT_CRED_PROTECT);
      if (level.isPresent()) {
        if (level.get() < CRED_PROTECT_UV_OPTIONAL || level.get() > CRED_PROTECT_UV_REQUIRED) {
          throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "credProtect level");
        }
        credProtect = level.get().intValue();
        credProtectRequested = true;
      }
      credBlob = extensions.get().optionalBytes(EXT_CRED_BLOB, EXT_CRED_BLOB);
      hmacSecret =
          extensions
              .get()
              .optionalBool(HmacSecret.EXT_HMAC_SECRET, HmacSecret.EXT_HMAC_SECRET)
              .orElse(false);
      largeBlobKeyRequested = largeBlobKeyInput(extensions.get());
      if (largeBlobKeyRequested && !rk) { // 12.3: a largeBlobKey belongs to a discoverable one
        throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "largeBlobKey without rk");
      }
      minPinLengthRequested =
          extensions.get().optionalBool(EXT_MIN_PIN_LENGTH, EXT_MIN_PIN_LENGTH).orElse(false);
    }

    requireUserPresence(responder, "FIDO: register with " + rpId); // step 14
    consumeTokenUserPresence(); // step 14.4

    CredentialId.Wrapped credential =
        CredentialId.wrap(khKey, rpIdHash, alg, rk, credProtect, context.random());
    byte[] credentialId = credential.id().encode();

    CBORObject extensionOutputs = CBORObject.NewMap();
    if (credProtectRequested) {
      extensionOutputs.Add(EXT_CRED_PROTECT, credProtect);
    }
    boolean blobStored =
        rk && credBlob.isPresent() && credBlob.get().length <= MAX_CRED_BLOB_LENGTH;
    if (credBlob.isPresent()) {
      extensionOutputs.Add(EXT_CRED_BLOB, blobStored);
    }
    if (hmacSecret) { // 12.5: CredRandom is derived from the credential ID (HmacSecret)
      extensionOutputs.Add(HmacSecret.EXT_HMAC_SECRET, true);
    }
    byte[] largeBlobKey = new byte[largeBlobKeyRequested ? LARGE_BLOB_KEY_LENGTH : 0];
    context.random().nextBytes(largeBlobKey);
    FidoSettings settings = FidoSettings.load(context.state());
    if (minPinLengthRequested && settings.minPinLengthRpIds().contains(rpId)) { // 12.4
      extensionOutputs.Add(EXT_MIN_PIN_LENGTH, settings.minPinLength());
    }

    long signCount = nextCounter();
    ByteArrayOutputStream authData = new ByteArrayOutputStream();
    authData.writeBytes(rpIdHash);
    int flags =
        FLAG_UP | (uv ? FLAG_UV : 0) | FLAG_AT | (extensionOutputs.size() > 0 ? FLAG_ED : 0);
    authData.write(flags);
    authData.writeBytes(SignatureCounter.encode(signCount));
    authData.writeBytes(uuidBytes(aaguid));
    authData.write(credentialId.length >>> 8);
    authData.write(credentialId.length);
    authData.writeBytes(credentialId);
    authData.writeBytes(CtapCbor.encode(coseKey(alg, credential.privateKey())));
    if (extensionOutputs.size() > 0) {
      authData.writeBytes(CtapCbor.encode(extensionOutputs));
    }
    byte[] authenticatorData = authData.toByteArray();

    // step 17 and the counter: one durable update before the response
    final boolean storeResident = rk;
    String slot = storeResident ? residents.slotFor(rpId, userId) : null;
    ResidentCredentials.Entry entry =
        storeResident
            ? new ResidentCredentials.Entry(
                slot,
                credentialId,
                rpId,
                userId,
                userName,
                displayName,
                blobStored ? credBlob.get() : new byte[0],
                residents.nextSequence(),
                largeBlobKey)
            : null;
    update(
        tx -> {
          SignatureCounter.store(tx, signCount);
          if (entry != null) {
            tx.put(slot, entry.encode());
          }
        });

    CBORObject attStmt = CBORObject.NewMap(); // "none": {} (WebAuthn Level 2, 8.7)
    if (fmt.equals(FMT_PACKED)) {
      attStmt.Add("alg", AuthenticatorInfo.COSE_ES256);
      attStmt.Add("sig", attestationSignature(Bytes.concat(authenticatorData, clientDataHash)));
      CBORObject x5c = CBORObject.NewArray();
      x5c.Add(record(Provisioning.ATTESTATION_CERT));
      attStmt.Add("x5c", x5c);
    }

    CBORObject response = CBORObject.NewMap();
    response.Add(MC_RESP_FMT, fmt);
    response.Add(MC_RESP_AUTH_DATA, authenticatorData);
    response.Add(MC_RESP_ATT_STMT, attStmt);
    if (largeBlobKeyRequested) {
      response.Add(MC_RESP_LARGE_BLOB_KEY, largeBlobKey);
    }
    return CtapCbor.encode(response);
  }

  // ------------------------------------------------------------------ getAssertion (6.2.2)

  private byte[] getAssertion(CborParams params, FidoResponder responder) {
    String rpId = params.text(GA_RP_ID, "rpId");
    byte[] clientDataHash = params.bytes(GA_CLIENT_DATA_HASH, "clientDataHash");
    Optional<CBORObject> allowList = params.optionalArray(GA_ALLOW_LIST, "allowList");
    Optional<CborParams> extensions = params.optionalMap(GA_EXTENSIONS, "extensions");
    Optional<CborParams> options = params.optionalMap(GA_OPTIONS, "options");
    Optional<byte[]> pinUvAuthParam = params.optionalBytes(GA_PIN_UV_AUTH_PARAM, "pinUvAuthParam");
    Optional<Long> pinUvAuthProtocol =
        params.optionalInt(GA_PIN_UV_AUTH_PROTOCOL, "pinUvAuthProtocol");
    requireClientDataHash(clientDataHash);
    List<byte[]> allowed = descriptorIds(allowList, "allowList");

    checkPinUvAuthProtocol(pinUvAuthParam, pinUvAuthProtocol, responder); // steps 1 and 2
    boolean up = true;
    if (options.isPresent()) { // step 4
      options.get().requireTextKeysBooleanValues("options");
      if (options.get().get("rk").isPresent()) {
        throw new CtapException(CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION, "rk in getAssertion");
      }
      if (options.get().optionalBool("uv", "uv").orElse(false)) {
        throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "uv: no built-in UV");
      }
      up = options.get().optionalBool("up", "up").orElse(true);
    }
    boolean tokenGiven = pinUvAuthParam.isPresent() && pinSet();
    requireUvIfAlwaysUv(tokenGiven, up); // step 5 (alwaysUv); a silent up = false probe passes
    boolean uv =
        tokenGiven
            && verifyPinUvAuthParam(
                pinUvAuthParam.get(),
                pinUvAuthProtocol.get(),
                clientDataHash,
                ClientPin.PERMISSION_GA,
                rpId); // step 6
    boolean credBlobRequested = false;
    boolean largeBlobKeyRequested = false;
    Optional<HmacSecret.Request> hmacSecret = Optional.empty();
    if (extensions.isPresent()) {
      credBlobRequested = extensions.get().optionalBool(EXT_CRED_BLOB, EXT_CRED_BLOB).orElse(false);
      largeBlobKeyRequested = largeBlobKeyInput(extensions.get());
      Optional<CBORObject> hmacInput = extensions.get().get(HmacSecret.EXT_HMAC_SECRET);
      if (hmacInput.isPresent()) {
        if (!up) { // the reference key refuses a silent hmac-secret (inventory 3.5)
          throw new CtapException(CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION, "hmac-secret, up false");
        }
        hmacSecret = Optional.of(HmacSecret.decode(hmacInput.get(), clientPin));
      }
    }

    byte[] rpIdHash = Digests.sha256(rpId.getBytes(StandardCharsets.UTF_8));
    byte[] khKey = record(Provisioning.KEY_HANDLE_KEY);
    List<Located> located = new ArrayList<>();
    boolean fromAllowList = allowList.isPresent() && !allowed.isEmpty();
    if (fromAllowList) { // step 6: the first usable allowList entry
      for (byte[] id : allowed) {
        Optional<Located> found = locate(khKey, id, rpIdHash);
        // without UV, credProtect level 3 is never usable (12.1)
        if (found.isPresent()
            && (uv || found.get().wrapped().id().credProtect() != CRED_PROTECT_UV_REQUIRED)) {
          located.add(found.get());
          break;
        }
      }
    } else { // discoverable credentials of the RP; without UV only credProtect level 1 (12.1)
      for (ResidentCredentials.Entry entry : residents.all()) {
        if (!entry.rpId().equals(rpId)) {
          continue;
        }
        Optional<CredentialId.Wrapped> wrapped =
            CredentialId.unwrap(khKey, entry.credentialId(), rpIdHash);
        if (wrapped.isPresent()
            && (uv || wrapped.get().id().credProtect() == CRED_PROTECT_UV_OPTIONAL)) {
          located.add(new Located(wrapped.get(), Optional.of(entry)));
        }
      }
    }
    if (located.isEmpty()) { // step 7
      throw new CtapException(CtapStatus.CTAP2_ERR_NO_CREDENTIALS, "no credential for " + rpId);
    }
    if (up) { // step 9
      requireUserPresence(responder, "FIDO: sign in to " + rpId);
      consumeTokenUserPresence();
    }

    // member user (6.2.2): name and displayName only after UV, and only when several accounts
    // are offered for the platform to choose from; a single account gets its id alone.
    int numberOfCredentials = fromAllowList ? 0 : located.size();
    AssertionRequest request =
        new AssertionRequest(
            rpIdHash,
            clientDataHash,
            up,
            uv,
            credBlobRequested,
            hmacSecret,
            largeBlobKeyRequested,
            uv && numberOfCredentials > 1);
    byte[] response = assertion(request, located.get(0), numberOfCredentials);
    if (located.size() > 1) {
      pending =
          new PendingAssertions(
              request,
              new ArrayList<>(located.subList(1, located.size())),
              nanoTime.getAsLong() + NEXT_ASSERTION_TIMEOUT_NANOS);
    }
    return response;
  }

  // ------------------------------------------------------------------ getNextAssertion (6.3)

  private byte[] getNextAssertion() {
    PendingAssertions current = pending;
    if (current == null || current.remaining().isEmpty()) {
      pending = null;
      throw new CtapException(CtapStatus.CTAP2_ERR_NOT_ALLOWED, "no getAssertion to continue");
    }
    if (nanoTime.getAsLong() - current.deadline() > 0) {
      pending = null;
      throw new CtapException(CtapStatus.CTAP2_ERR_NOT_ALLOWED, "getNextAssertion timer expired");
    }
    Located next = current.remaining().remove(0);
    // 6.3: the timer restarts at each getNextAssertion.
    pending =
        new PendingAssertions(
            current.request(),
            current.remaining(),
            nanoTime.getAsLong() + NEXT_ASSERTION_TIMEOUT_NANOS);
    return assertion(current.request(), next, 0);
  }

  private byte[] assertion(AssertionRequest request, Located credential, int numberOfCredentials) {
    byte[] credentialId = credential.wrapped().id().encode();
    CBORObject extensionOutputs = CBORObject.NewMap();
    if (request.credBlobRequested()) {
      extensionOutputs.Add(
          EXT_CRED_BLOB,
          credential.entry().map(ResidentCredentials.Entry::credBlob).orElse(new byte[0]));
    }
    if (request.hmacSecret().isPresent()) {
      byte[] credRandom =
          HmacSecret.credRandom(
              record(Provisioning.KEY_HANDLE_KEY), credentialId, request.userVerified());
      extensionOutputs.Add(
          HmacSecret.EXT_HMAC_SECRET,
          HmacSecret.output(request.hmacSecret().get(), credRandom, context.random()));
    }
    long signCount = nextCounter();
    ByteArrayOutputStream authData = new ByteArrayOutputStream();
    authData.writeBytes(request.rpIdHash());
    authData.write(
        (request.userPresent() ? FLAG_UP : 0)
            | (request.userVerified() ? FLAG_UV : 0)
            | (extensionOutputs.size() > 0 ? FLAG_ED : 0));
    authData.writeBytes(SignatureCounter.encode(signCount));
    if (extensionOutputs.size() > 0) {
      authData.writeBytes(CtapCbor.encode(extensionOutputs));
    }
    byte[] authenticatorData = authData.toByteArray();
    update(tx -> SignatureCounter.store(tx, signCount));

    CBORObject descriptor = CBORObject.NewMap();
    descriptor.Add("id", credentialId);
    descriptor.Add("type", TYPE_PUBLIC_KEY);
    CBORObject response = CBORObject.NewMap();
    response.Add(GA_RESP_CREDENTIAL, descriptor);
    response.Add(GA_RESP_AUTH_DATA, authenticatorData);
    response.Add(
        GA_RESP_SIGNATURE,
        sign(credential.wrapped(), Bytes.concat(authenticatorData, request.clientDataHash())));
    if (credential.entry().isPresent()) {
      ResidentCredentials.Entry entry = credential.entry().get();
      CBORObject user = CBORObject.NewMap();
      user.Add("id", entry.userId());
      if (request.userDetails()) {
        entry.userName().ifPresent(name -> user.Add("name", name));
        entry.displayName().ifPresent(name -> user.Add("displayName", name));
      }
      response.Add(GA_RESP_USER, user);
    }
    if (numberOfCredentials > 1) {
      response.Add(GA_RESP_NUMBER_OF_CREDENTIALS, numberOfCredentials);
    }
    if (request.largeBlobKeyRequested()
        && credential.entry().isPresent()
        && credential.entry().get().hasLargeBlobKey()) {
      response.Add(GA_RESP_LARGE_BLOB_KEY, credential.entry().get().largeBlobKey());
    }
    return CtapCbor.encode(response);
  }

  // ------------------------------------------------------------------ shared steps

  /**
   * Steps 1 and 2 of makeCredential (6.1.2) and getAssertion (6.2.2): a zero-length pinUvAuthParam
   * asks for a touch (authenticator selection) and answers PIN_NOT_SET or PIN_INVALID; a
   * pinUvAuthParam needs a supported pinUvAuthProtocol.
   */
  private void checkPinUvAuthProtocol(
      Optional<byte[]> pinUvAuthParam, Optional<Long> protocol, FidoResponder responder) {
    if (pinUvAuthParam.isEmpty()) {
      return;
    }
    if (pinUvAuthParam.get().length == 0) { // step 1: authenticator selection
      requireUserPresence(responder, "FIDO: select this key");
      throw pinSet()
          ? new CtapException(CtapStatus.CTAP2_ERR_PIN_INVALID, "zero-length pinUvAuthParam")
          : new CtapException(CtapStatus.CTAP2_ERR_PIN_NOT_SET, "zero-length pinUvAuthParam");
    }
    if (protocol.isEmpty()) { // step 2
      throw new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, "pinUvAuthProtocol");
    }
    if (protocol.get() != 1 && protocol.get() != 2) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "pinUvAuthProtocol");
    }
  }

  /**
   * The pinUvAuthToken's check (6.1.2 step 11, 6.2.2 step 6), for a key with a PIN set; with none,
   * a non-empty pinUvAuthParam grants nothing and is ignored (inventory 3.4).
   *
   * @return true, or CtapException with clientPIN's status
   */
  private boolean verifyPinUvAuthParam(
      byte[] pinUvAuthParam, long protocol, byte[] clientDataHash, int permission, String rpId) {
    CtapStatus status =
        clientPin.checkToken((int) protocol, clientDataHash, pinUvAuthParam, permission, rpId);
    if (status != CtapStatus.CTAP2_OK) {
      throw new CtapException(status, "pinUvAuthToken refused");
    }
    return true;
  }

  /**
   * With alwaysUv on (CTAP 2.1, 6.11.2), a request that asks for user presence needs user
   * verification (6.1.2 step 6, 6.2.2 step 5): without a pinUvAuthParam it is
   * CTAP2_ERR_PUAT_REQUIRED whenever the key supports clientPIN, PIN set or not (the platform then
   * sets one), and CTAP2_ERR_OPERATION_DENIED for a key without clientPIN.
   */
  private void requireUvIfAlwaysUv(boolean uv, boolean up) {
    if (uv || !up || !FidoSettings.load(context.state()).alwaysUv()) {
      return;
    }
    throw clientPin != null
        ? new CtapException(CtapStatus.CTAP2_ERR_PUAT_REQUIRED, "alwaysUv, no pinUvAuthParam")
        : new CtapException(CtapStatus.CTAP2_ERR_OPERATION_DENIED, "alwaysUv, no clientPIN");
  }

  private boolean pinSet() {
    return clientPin != null && clientPin.isPinSet();
  }

  private static void requireClientDataHash(byte[] clientDataHash) {
    if (clientDataHash.length != 32) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_LENGTH, "clientDataHash length");
    }
  }

  /** The ids of a list of PublicKeyCredentialDescriptors (WebAuthn 5.8.3) of type public-key. */
  private static List<byte[]> descriptorIds(Optional<CBORObject> list, String name) {
    List<byte[]> ids = new ArrayList<>();
    if (list.isEmpty()) {
      return ids;
    }
    for (CBORObject item : list.get().getValues()) {
      CborParams descriptor = CborParams.of(item, name + " entry");
      String type = descriptor.text("type", name + ".type");
      byte[] id = descriptor.bytes("id", name + ".id");
      if (TYPE_PUBLIC_KEY.equals(type)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private Optional<Located> locate(byte[] khKey, byte[] credentialId, byte[] rpIdHash) {
    Optional<CredentialId.Wrapped> wrapped = CredentialId.unwrap(khKey, credentialId, rpIdHash);
    if (wrapped.isEmpty()) {
      return Optional.empty();
    }
    if (!wrapped.get().id().discoverable()) {
      return Optional.of(new Located(wrapped.get(), Optional.empty()));
    }
    return residents
        .find(credentialId)
        .map(entry -> new Located(wrapped.get(), Optional.of(entry)));
  }

  /** The test of user presence: {@link RequestPresence.Needed} on the request's first run. */
  private void requireUserPresence(FidoResponder responder, String purpose) {
    if (!presence.granted(purpose)) {
      throw new CtapException(CtapStatus.CTAP2_ERR_OPERATION_DENIED, "user presence refused");
    }
  }

  /**
   * After user presence in makeCredential and getAssertion, the pinUvAuthToken in use loses its
   * cached presence and verification and all permissions but lbw ({@link
   * ClientPin#consumeUserPresence}).
   */
  private void consumeTokenUserPresence() {
    if (clientPin != null) {
      clientPin.consumeUserPresence();
    }
  }

  /** The next signature counter value, to be stored before the response ({@link #update}). */
  private long nextCounter() {
    try {
      return counter.next();
    } catch (SignatureCounter.ExhaustedException e) {
      throw new CtapException(CtapStatus.CTAP2_ERR_LIMIT_EXCEEDED, e.getMessage());
    }
  }

  /**
   * The largeBlobKey extension input (12.3): true asks for the key, false is
   * CTAP2_ERR_INVALID_OPTION, absent is false.
   */
  private static boolean largeBlobKeyInput(CborParams extensions) {
    Optional<Boolean> input = extensions.optionalBool(EXT_LARGE_BLOB_KEY, EXT_LARGE_BLOB_KEY);
    if (input.isPresent() && !input.get()) {
      throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_OPTION, "largeBlobKey false");
    }
    return input.orElse(false);
  }

  /**
   * The attestation statement format (CTAP 2.2, 6.1.2 attestationFormatsPreference): the first of
   * the platform's preferences this key supports, "packed" or "none"; "packed" without a preference
   * or when none of them is supported. Every member must be a text string.
   */
  private static String attestationFormat(Optional<CBORObject> preference) {
    if (preference.isEmpty()) {
      return FMT_PACKED;
    }
    String chosen = null;
    for (CBORObject item : preference.get().getValues()) {
      String format = CborParams.asText(item, "attestationFormatsPreference entry");
      if (chosen == null && (format.equals(FMT_PACKED) || format.equals(FMT_NONE))) {
        chosen = format;
      }
    }
    return chosen == null ? FMT_PACKED : chosen;
  }

  private byte[] record(String name) {
    return context
        .state()
        .get(name)
        .orElseThrow(() -> new IllegalStateException("state file has no record " + name));
  }

  private void update(java.util.function.Consumer<io.vcanokey.storage.StateFile.Transaction> tx) {
    try {
      context.state().update(tx);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the FIDO state", e);
    }
  }

  private byte[] attestationSignature(byte[] message) {
    try {
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(record(Provisioning.ATTESTATION_KEY)));
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(key);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("attestation key unusable", e);
    }
  }

  /** ES256: DER ECDSA over SHA-256(message); EdDSA: Ed25519 over the message (WebAuthn 6.5.5). */
  private static byte[] sign(CredentialId.Wrapped credential, byte[] message) {
    CardKey key = credential.privateKey();
    if (credential.id().alg() == AuthenticatorInfo.COSE_EDDSA) {
      return key.signEd25519(message);
    }
    return key.signEcdsaDer(Digests.sha256(message));
  }

  /** The credential public key as a COSE_Key (RFC 8152, 13.1.1 EC2 and 13.2 OKP). */
  static CBORObject coseKey(int alg, CardKey key) {
    byte[] pub = key.publicKey();
    CBORObject cose = CBORObject.NewMap();
    if (alg == AuthenticatorInfo.COSE_EDDSA) {
      cose.Add(1, 1); // kty OKP
      cose.Add(3, alg);
      cose.Add(-1, 6); // crv Ed25519
      cose.Add(-2, pub);
    } else {
      cose.Add(1, 2); // kty EC2
      cose.Add(3, alg);
      cose.Add(-1, 1); // crv P-256
      cose.Add(-2, Arrays.copyOfRange(pub, 1, 33));
      cose.Add(-3, Arrays.copyOfRange(pub, 33, 65));
    }
    return cose;
  }

  private static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }
}
