package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.CredentialId;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.core.crypto.Digests;
import io.vcanokey.key.Provisioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorCredentialManagement (CTAP 2.1, 6.8): metadata, enumeration of RPs and credentials,
 * deletion and user-information update over the discoverable credentials of {@link
 * ResidentCredentials}. The same subcommands serve command 0x0A and its pre-release value 0x41.
 *
 * <p>Authentication (6.8, each subcommand's steps): getCredsMetadata, enumerateRPsBegin,
 * enumerateCredentialsBegin, deleteCredential and updateUserInformation need pinUvAuthParam =
 * authenticate(pinUvAuthToken, subCommand || subCommandParams) with a token holding the cm
 * permission. Without pinUvAuthParam the answer is CTAP2_ERR_PUAT_REQUIRED; without
 * pinUvAuthProtocol CTAP2_ERR_MISSING_PARAMETER; an unknown protocol CTAP1_ERR_INVALID_PARAMETER; a
 * param that does not verify or a token without cm CTAP2_ERR_PIN_AUTH_INVALID. A token bound to an
 * RP ID may not read the metadata or enumerate RPs (both span every RP), and may enumerate, delete
 * or update only that RP's credentials (CTAP2_ERR_PIN_AUTH_INVALID otherwise). Using a cm token
 * never binds it to an RP ID: only makeCredential and getAssertion do that (6.5.5.7).
 *
 * <p>The authenticated message is rebuilt by encoding the decoded subCommandParams in CTAP2
 * canonical CBOR (8, "Message encoding"): requests are decoded only when canonical
 * (CTAP2_ERR_INVALID_CBOR otherwise), so this equals the bytes the platform authenticated.
 *
 * <p>enumerateRPsGetNextRP and enumerateCredentialsGetNextCredential carry no authentication; they
 * continue the enumeration the previous command began and answer CTAP2_ERR_NOT_ALLOWED when the
 * previous CTAP2 command was not its Begin or GetNext, or when the list is exhausted (the reference
 * repeats the last RP instead, inventory 3.7; clients stop at totalRPs, so neither is observable to
 * them). {@link #discardEnumeration()} is called for every other CTAP2 command.
 *
 * <p>Enumeration output per credential: user (id, name, displayName as stored), credentialID
 * descriptor, COSE public key (recovered from the credential ID, inventory 3.9), credProtect (0x0A,
 * the level inside the credential ID), with enumerateCredentialsBegin totalCredentials, and
 * largeBlobKey (0x0B) for a credential made with the largeBlobKey extension. RP IDs are stored
 * whole, so the rp entity's id is never truncated (6.8.7 allows truncation only for authenticators
 * that store less).
 *
 * <p>getInfo: the key advertises option credMgmt (CTAP 2.1) but neither credentialMgmtPreview nor
 * version FIDO_2_1_PRE, as the reference key does (inventory 3.3). The command byte 0x41 is still
 * accepted (inventory 3.2) because libfido2 1.12 sends every credential-management request as 0x41
 * whatever getInfo says, while python-fido2 0.9.1 sends 0x0A as soon as credMgmt is listed.
 * Advertising FIDO_2_1_PRE would also promise the other pre-release behaviours, which the key does
 * not implement.
 *
 * <p>Threading: key thread only.
 */
public final class CredentialManagement {

  private static final Logger log = LoggerFactory.getLogger(CredentialManagement.class);

  // Request parameters (6.8).
  static final int KEY_SUB_COMMAND = 0x01;
  static final int KEY_SUB_COMMAND_PARAMS = 0x02;
  static final int KEY_PIN_UV_AUTH_PROTOCOL = 0x03;
  static final int KEY_PIN_UV_AUTH_PARAM = 0x04;

  // subCommandParams members (6.8).
  static final int PARAM_RP_ID_HASH = 0x01;
  static final int PARAM_CREDENTIAL_ID = 0x02;
  static final int PARAM_USER = 0x03;

  // Subcommands (6.8).
  static final int SUB_GET_CREDS_METADATA = 0x01;
  static final int SUB_ENUMERATE_RPS_BEGIN = 0x02;
  static final int SUB_ENUMERATE_RPS_GET_NEXT_RP = 0x03;
  static final int SUB_ENUMERATE_CREDENTIALS_BEGIN = 0x04;
  static final int SUB_ENUMERATE_CREDENTIALS_GET_NEXT_CREDENTIAL = 0x05;
  static final int SUB_DELETE_CREDENTIAL = 0x06;
  static final int SUB_UPDATE_USER_INFORMATION = 0x07;

  // Response members (6.8).
  static final int RESP_EXISTING_RESIDENT_CREDENTIALS_COUNT = 0x01;
  static final int RESP_MAX_POSSIBLE_REMAINING_RESIDENT_CREDENTIALS_COUNT = 0x02;
  static final int RESP_RP = 0x03;
  static final int RESP_RP_ID_HASH = 0x04;
  static final int RESP_TOTAL_RPS = 0x05;
  static final int RESP_USER = 0x06;
  static final int RESP_CREDENTIAL_ID = 0x07;
  static final int RESP_PUBLIC_KEY = 0x08;
  static final int RESP_TOTAL_CREDENTIALS = 0x09;
  static final int RESP_CRED_PROTECT = 0x0A;
  static final int RESP_LARGE_BLOB_KEY = 0x0B;

  static final String TYPE_PUBLIC_KEY = "public-key";

  private final AppletContext context;
  private final ClientPin clientPin;
  private final ResidentCredentials residents;

  /** The enumeration a GetNext continues, or null. */
  private Enumeration pending;

  /** What is left of an enumeration: the GetNext subcommand that continues it and its answers. */
  private record Enumeration(int nextSubCommand, Deque<CBORObject> remaining) {}

  /**
   * Credential management over {@code context}'s discoverable credentials; {@code clientPin} checks
   * the tokens (null: no PIN support, so every authenticated subcommand fails).
   */
  public CredentialManagement(AppletContext context, ClientPin clientPin) {
    this.context = context;
    this.clientPin = clientPin;
    this.residents = new ResidentCredentials(context.state());
  }

  /** Another CTAP2 command arrived: a GetNext can no longer continue any enumeration. */
  public void discardEnumeration() {
    pending = null;
  }

  /**
   * Processes one authenticatorCredentialManagement request.
   *
   * @param parameters the CBOR parameters (the request without its command byte)
   * @return the status byte followed by the CBOR response, if any
   */
  public byte[] handle(byte[] parameters) {
    Enumeration continued = pending;
    pending = null; // any request but a successful GetNext ends the enumeration
    int sub = -1;
    try {
      CborParams params = CborParams.decode(parameters, 0);
      long subCommand = params.integer(KEY_SUB_COMMAND, "subCommand");
      Optional<CBORObject> subParamsItem = params.get(KEY_SUB_COMMAND_PARAMS);
      Optional<CborParams> subParams =
          subParamsItem.map(item -> CborParams.of(item, "subCommandParams"));
      Optional<Long> protocol = params.optionalInt(KEY_PIN_UV_AUTH_PROTOCOL, "pinUvAuthProtocol");
      Optional<byte[]> authParam = params.optionalBytes(KEY_PIN_UV_AUTH_PARAM, "pinUvAuthParam");
      if (subCommand < SUB_GET_CREDS_METADATA || subCommand > SUB_UPDATE_USER_INFORMATION) {
        throw new CtapException(
            CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND, "subCommand " + subCommand);
      }
      sub = (int) subCommand;
      Optional<byte[]> signedParams = subParamsItem.map(CtapCbor::encode);
      Auth auth = new Auth(sub, signedParams, protocol, authParam);
      byte[] body =
          switch (sub) {
            case SUB_GET_CREDS_METADATA -> getCredsMetadata(auth);
            case SUB_ENUMERATE_RPS_BEGIN -> enumerateRpsBegin(auth);
            case SUB_ENUMERATE_CREDENTIALS_BEGIN -> enumerateCredentialsBegin(subParams, auth);
            case SUB_DELETE_CREDENTIAL -> deleteCredential(subParams, auth);
            case SUB_UPDATE_USER_INFORMATION -> updateUserInformation(subParams, auth);
            default -> getNext(sub, continued); // the two GetNext subcommands
          };
      log.debug("CTAP2 CREDENTIAL_MANAGEMENT sub 0x{} -> CTAP2_OK", String.format("%02X", sub));
      byte[] response = new byte[1 + body.length];
      System.arraycopy(body, 0, response, 1, body.length);
      return response;
    } catch (CtapException e) {
      log.debug(
          "CTAP2 CREDENTIAL_MANAGEMENT sub 0x{} -> {}",
          sub < 0 ? "??" : String.format("%02X", sub),
          e.getMessage());
      return e.status().response();
    }
  }

  // ------------------------------------------------------------------ subcommands

  private byte[] getCredsMetadata(Auth auth) {
    auth.requireUnbound();
    int existing = residents.all().size();
    CBORObject response = CBORObject.NewMap();
    response.Add(RESP_EXISTING_RESIDENT_CREDENTIALS_COUNT, existing);
    response.Add(
        RESP_MAX_POSSIBLE_REMAINING_RESIDENT_CREDENTIALS_COUNT,
        Math.max(0, ResidentCredentials.CAPACITY - existing));
    return CtapCbor.encode(response);
  }

  private byte[] enumerateRpsBegin(Auth auth) {
    auth.requireUnbound();
    Map<String, byte[]> rps = new LinkedHashMap<>(); // newest credential's RP first
    for (ResidentCredentials.Entry entry : residents.all()) {
      rps.computeIfAbsent(entry.rpId(), CredentialManagement::rpIdHash);
    }
    if (rps.isEmpty()) {
      throw new CtapException(CtapStatus.CTAP2_ERR_NO_CREDENTIALS, "no discoverable credentials");
    }
    Deque<CBORObject> answers = new ArrayDeque<>();
    rps.forEach(
        (rpId, hash) -> {
          CBORObject answer = CBORObject.NewMap();
          answer.Add(RESP_RP, CBORObject.NewMap().Add("id", rpId));
          answer.Add(RESP_RP_ID_HASH, hash);
          answers.add(answer);
        });
    return begin(SUB_ENUMERATE_RPS_GET_NEXT_RP, answers, RESP_TOTAL_RPS);
  }

  private byte[] enumerateCredentialsBegin(Optional<CborParams> subParams, Auth auth) {
    byte[] rpIdHash = required(subParams, "rpIDHash").bytes(PARAM_RP_ID_HASH, "rpIDHash");
    auth.require();
    auth.requireRp(rpIdHash);
    byte[] khKey = khKey();
    Deque<CBORObject> answers = new ArrayDeque<>();
    for (ResidentCredentials.Entry entry : residents.all()) {
      if (MessageDigest.isEqual(rpIdHash(entry.rpId()), rpIdHash)) {
        credentialAnswer(khKey, entry).ifPresent(answers::add);
      }
    }
    if (answers.isEmpty()) {
      throw new CtapException(CtapStatus.CTAP2_ERR_NO_CREDENTIALS, "no credentials for the RP");
    }
    return begin(SUB_ENUMERATE_CREDENTIALS_GET_NEXT_CREDENTIAL, answers, RESP_TOTAL_CREDENTIALS);
  }

  private byte[] deleteCredential(Optional<CborParams> subParams, Auth auth) {
    byte[] credentialId = descriptorId(required(subParams, "credentialID"));
    auth.require();
    ResidentCredentials.Entry entry = stored(credentialId, auth);
    update(tx -> tx.delete(entry.record()));
    return new byte[0];
  }

  private byte[] updateUserInformation(Optional<CborParams> subParams, Auth auth) {
    CborParams params = required(subParams, "credentialID");
    byte[] credentialId = descriptorId(params);
    CborParams user = params.map(PARAM_USER, "user");
    byte[] userId = user.bytes("id", "user.id");
    Optional<String> name = user.optionalText("name", "user.name").filter(s -> !s.isEmpty());
    Optional<String> displayName =
        user.optionalText("displayName", "user.displayName").filter(s -> !s.isEmpty());
    auth.require();
    ResidentCredentials.Entry entry = stored(credentialId, auth);
    if (!Arrays.equals(entry.userId(), userId)) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "user.id does not match");
    }
    // 6.8.6: absent or empty fields are removed from the stored user entity.
    ResidentCredentials.Entry updated =
        new ResidentCredentials.Entry(
            entry.record(),
            entry.credentialId(),
            entry.rpId(),
            entry.userId(),
            name,
            displayName,
            entry.credBlob(),
            entry.sequence());
    update(tx -> tx.put(updated.record(), updated.encode()));
    return new byte[0];
  }

  private byte[] getNext(int sub, Enumeration continued) {
    if (continued == null || continued.nextSubCommand() != sub) {
      throw new CtapException(CtapStatus.CTAP2_ERR_NOT_ALLOWED, "no enumeration to continue");
    }
    CBORObject answer = continued.remaining().poll();
    if (answer == null) {
      throw new CtapException(CtapStatus.CTAP2_ERR_NOT_ALLOWED, "enumeration exhausted");
    }
    pending = continued;
    return CtapCbor.encode(answer);
  }

  // ------------------------------------------------------------------ helpers

  /** Answers the first item with the total under {@code totalKey}; keeps the rest for GetNext. */
  private byte[] begin(int nextSubCommand, Deque<CBORObject> answers, int totalKey) {
    int total = answers.size();
    CBORObject first = answers.poll();
    first.Add(totalKey, total);
    pending = new Enumeration(nextSubCommand, answers);
    return CtapCbor.encode(first);
  }

  /** One credential's enumeration answer; empty when its ID no longer unwraps under this key. */
  private Optional<CBORObject> credentialAnswer(byte[] khKey, ResidentCredentials.Entry entry) {
    Optional<CredentialId.Wrapped> wrapped =
        CredentialId.unwrap(khKey, entry.credentialId(), rpIdHash(entry.rpId()));
    if (wrapped.isEmpty()) {
      log.warn("stored credential {} does not unwrap; left out of the enumeration", entry.record());
      return Optional.empty();
    }
    CredentialId id = wrapped.get().id();
    CBORObject user = CBORObject.NewMap().Add("id", entry.userId());
    entry.userName().ifPresent(n -> user.Add("name", n));
    entry.displayName().ifPresent(n -> user.Add("displayName", n));
    CBORObject answer = CBORObject.NewMap();
    answer.Add(RESP_USER, user);
    answer.Add(
        RESP_CREDENTIAL_ID,
        CBORObject.NewMap().Add("id", entry.credentialId()).Add("type", TYPE_PUBLIC_KEY));
    answer.Add(RESP_PUBLIC_KEY, Ctap2Authenticator.coseKey(id.alg(), wrapped.get().privateKey()));
    answer.Add(RESP_CRED_PROTECT, id.credProtect());
    if (entry.hasLargeBlobKey()) {
      answer.Add(RESP_LARGE_BLOB_KEY, entry.largeBlobKey());
    }
    return Optional.of(answer);
  }

  /**
   * The stored credential with this ID, allowed for the token's RP ID.
   *
   * @throws CtapException CTAP2_ERR_NO_CREDENTIALS when it is not stored,
   *     CTAP2_ERR_PIN_AUTH_INVALID when the token is bound to another RP ID
   */
  private ResidentCredentials.Entry stored(byte[] credentialId, Auth auth) {
    ResidentCredentials.Entry entry =
        residents
            .find(credentialId)
            .orElseThrow(
                () -> new CtapException(CtapStatus.CTAP2_ERR_NO_CREDENTIALS, "not stored"));
    auth.requireRp(rpIdHash(entry.rpId()));
    return entry;
  }

  private static CborParams required(Optional<CborParams> subParams, String what) {
    return subParams.orElseThrow(
        () -> new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, what + " missing"));
  }

  /** The id of the credentialID descriptor (WebAuthn 5.8.3); another type matches nothing. */
  private static byte[] descriptorId(CborParams subParams) {
    CborParams descriptor = subParams.map(PARAM_CREDENTIAL_ID, "credentialID");
    byte[] id = descriptor.bytes("id", "credentialID.id");
    String type = descriptor.text("type", "credentialID.type");
    if (!TYPE_PUBLIC_KEY.equals(type)) {
      throw new CtapException(CtapStatus.CTAP2_ERR_NO_CREDENTIALS, "credential type " + type);
    }
    return id;
  }

  /** The pinUvAuth members of one request and the checks every authenticated subcommand makes. */
  private final class Auth {
    private final int sub;
    private final Optional<byte[]> subParams;
    private final Optional<Long> protocol;
    private final Optional<byte[]> param;

    Auth(int sub, Optional<byte[]> subParams, Optional<Long> protocol, Optional<byte[]> param) {
      this.sub = sub;
      this.subParams = subParams;
      this.protocol = protocol;
      this.param = param;
    }

    /** Checks pinUvAuthParam over subCommand || subCommandParams and the cm permission. */
    void require() {
      if (param.isEmpty()) {
        throw new CtapException(CtapStatus.CTAP2_ERR_PUAT_REQUIRED, "no pinUvAuthParam");
      }
      if (protocol.isEmpty()) {
        throw new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, "no pinUvAuthProtocol");
      }
      long version = protocol.get();
      if (version != (int) version || PinUvAuthProtocol.fromVersion((int) version) == null) {
        throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "pinUvAuthProtocol");
      }
      byte[] encodedParams = subParams.orElse(new byte[0]);
      byte[] message = new byte[1 + encodedParams.length];
      message[0] = (byte) sub;
      System.arraycopy(encodedParams, 0, message, 1, encodedParams.length);
      CtapStatus status =
          clientPin == null
              ? CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID
              : clientPin.checkToken(
                  (int) version, message, param.get(), ClientPin.PERMISSION_CM, null);
      if (status != CtapStatus.CTAP2_OK) {
        throw new CtapException(status, "pinUvAuthParam refused");
      }
    }

    /** {@link #require()}, and a token without an RP ID: the answer spans every RP. */
    void requireUnbound() {
      require();
      if (clientPin.tokenRpId().isPresent()) {
        throw new CtapException(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, "token bound to an RP");
      }
    }

    /** A token bound to an RP ID may act only on that RP's credentials. */
    void requireRp(byte[] rpIdHash) {
      Optional<String> boundRp = clientPin.tokenRpId(); // require() passed, so there is one
      if (boundRp.isPresent() && !MessageDigest.isEqual(rpIdHash(boundRp.get()), rpIdHash)) {
        throw new CtapException(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, "token bound to another RP");
      }
    }
  }

  private byte[] khKey() {
    return context
        .state()
        .get(Provisioning.KEY_HANDLE_KEY)
        .orElseThrow(() -> new IllegalStateException("state file has no key-handle key"));
  }

  private void update(
      java.util.function.Consumer<io.vcanokey.storage.StateFile.Transaction> changes) {
    try {
      context.state().update(changes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the FIDO state", e);
    }
  }

  private static byte[] rpIdHash(String rpId) {
    return Digests.sha256(rpId.getBytes(StandardCharsets.UTF_8));
  }
}
