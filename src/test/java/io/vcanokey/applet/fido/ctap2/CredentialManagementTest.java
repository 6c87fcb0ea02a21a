package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBOREncodeOptions;
import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoTestKey;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * authenticatorCredentialManagement (CTAP 2.1, 6.8) through {@link FidoHandler#handleCbor}, with
 * the platform side of the PIN protocol computed independently by {@link PinPlatform}. Requests are
 * built from raw bytes where the authenticated subCommandParams matter, so the message the test
 * authenticates is exactly the bytes it sends.
 */
class CredentialManagementTest {

  private static final String PIN = "1234";
  private static final String RP_A = "example.com";
  private static final String RP_B = "example.org";

  private static final int CMD_CM = 0x0A;
  private static final int CMD_CM_PRE = 0x41;

  private static final CBOREncodeOptions CANONICAL = new CBOREncodeOptions("ctap2canonical=true");

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  // ---------------------------------------------------------------- getCredsMetadata (6.8.2)

  @Test
  @DisplayName("6.8.2: getCredsMetadata with no credentials is 0 existing, 256 remaining")
  void getCredsMetadata_empty_zeroExistingFullCapacity() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    CBORObject body = ok(cm(CMD_CM, 0x01, null, token, 2));

    assertThat(body.get(0x01).AsInt32Value()).isZero();
    assertThat(body.get(0x02).AsInt32Value()).isEqualTo(256);
  }

  @Test
  @DisplayName("6.8.2: metadata counts the discoverable credentials; 0x41 answers as 0x0A does")
  void getCredsMetadata_threeCredentials_countedOnBothCommandBytes() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    register(RP_A, "user-2", 2);
    register(RP_B, "user-3", 3);

    for (int command : new int[] {CMD_CM, CMD_CM_PRE}) {
      for (int protocol = 1; protocol <= 2; protocol++) {
        byte[] token = token(protocol, ClientPin.PERMISSION_CM, null);
        CBORObject body = ok(cm(command, 0x01, null, token, protocol));
        assertThat(body.get(0x01).AsInt32Value()).isEqualTo(3);
        assertThat(body.get(0x02).AsInt32Value()).isEqualTo(253);
      }
    }
  }

  // ---------------------------------------------------------------- authentication

  @Test
  @DisplayName("6.8: without pinUvAuthParam an authenticated subcommand is CTAP2_ERR_PUAT_REQUIRED")
  void getCredsMetadata_noParam_puatRequired() throws Exception {
    setPin();

    assertThat(send(CMD_CM, Hex.decode("A1 01 01"))).containsExactly(0x36);
  }

  @Test
  @DisplayName("6.8: pinUvAuthParam without pinUvAuthProtocol is CTAP2_ERR_MISSING_PARAMETER")
  void getCredsMetadata_noProtocol_missingParameter() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    byte[] param = PinPlatform.authenticate(2, token, new byte[] {0x01});

    byte[] request = concat(Hex.decode("A2 01 01 04 58 20"), param);

    assertThat(send(CMD_CM, request)).containsExactly(0x14);
  }

  @Test
  @DisplayName("6.8: an unsupported pinUvAuthProtocol is CTAP1_ERR_INVALID_PARAMETER")
  void getCredsMetadata_protocol3_invalidParameter() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    assertThat(cm(CMD_CM, 0x01, null, token, 2, 3)).containsExactly(0x02);
  }

  @Test
  @DisplayName("6.8.2: a pinUvAuthParam that does not verify is CTAP2_ERR_PIN_AUTH_INVALID")
  void getCredsMetadata_wrongParam_pinAuthInvalid() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    token[0] ^= 1;

    assertThat(cm(CMD_CM, 0x01, null, token, 2)).containsExactly(0x33);
  }

  @Test
  @DisplayName("6.8.2: a token without the cm permission is CTAP2_ERR_PIN_AUTH_INVALID")
  void getCredsMetadata_tokenWithoutCm_pinAuthInvalid() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_GA, RP_A);

    assertThat(cm(CMD_CM, 0x01, null, token, 2)).containsExactly(0x33);
  }

  @Test
  @DisplayName("6.8.2, 6.8.3: a cm token bound to an RP ID reads neither metadata nor the RP list")
  void metadataAndRps_tokenBoundToRp_pinAuthInvalid() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, RP_A);

    assertThat(cm(CMD_CM, 0x01, null, token, 2)).containsExactly(0x33);
    assertThat(cm(CMD_CM, 0x02, null, token, 2)).containsExactly(0x33);
  }

  @Test
  @DisplayName("6.8: with no PIN set there is no token, so every pinUvAuthParam is refused")
  void getCredsMetadata_noPinSet_pinAuthInvalid() throws Exception {
    byte[] made = new byte[32];

    assertThat(cm(CMD_CM, 0x01, null, made, 2)).containsExactly(0x33);
  }

  // ---------------------------------------------------------------- enumerateRPs (6.8.3)

  @Test
  @DisplayName("6.8.3: enumerateRPsBegin without discoverable credentials is NO_CREDENTIALS")
  void enumerateRps_none_noCredentials() throws Exception {
    setPin();
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    assertThat(cm(CMD_CM, 0x02, null, token, 2)).containsExactly(0x2E);
  }

  @Test
  @DisplayName(
      "6.8.3: Begin gives rp, rpIDHash and totalRPs; GetNextRP the others, then NOT_ALLOWED")
  void enumerateRps_twoRps_beginThenNext() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    register(RP_A, "user-2", 1);
    register(RP_B, "user-3", 1);
    byte[] token = token(1, ClientPin.PERMISSION_CM, null);

    CBORObject first = ok(cm(CMD_CM, 0x02, null, token, 1));
    CBORObject second = ok(send(CMD_CM, Hex.decode("A1 01 03")));
    byte[] past = send(CMD_CM, Hex.decode("A1 01 03"));

    assertThat(first.get(0x05).AsInt32Value()).isEqualTo(2);
    assertThat(second.ContainsKey(0x05)).isFalse();
    Map<String, String> rps = new TreeMap<>();
    for (CBORObject answer : List.of(first, second)) {
      String id = answer.get(0x03).get("id").AsString();
      rps.put(id, Hex.encode(answer.get(0x04).GetByteString()));
    }
    assertThat(rps)
        .containsExactly(
            Map.entry(RP_A, Hex.encode(sha256(RP_A))), Map.entry(RP_B, Hex.encode(sha256(RP_B))));
    assertThat(past).containsExactly(0x30);
  }

  @Test
  @DisplayName("6.8.3: GetNextRP without a Begin, or after another command, is NOT_ALLOWED")
  void getNextRp_withoutBeginOrInterrupted_notAllowed() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    register(RP_B, "user-2", 1);

    assertThat(send(CMD_CM, Hex.decode("A1 01 03"))).containsExactly(0x30);

    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    ok(cm(CMD_CM, 0x02, null, token, 2));
    assertThat(send(0x04, new byte[0])[0]).isZero(); // getInfo in between
    assertThat(send(CMD_CM, Hex.decode("A1 01 03"))).containsExactly(0x30);

    ok(cm(CMD_CM, 0x02, null, token, 2));
    assertThat(send(CMD_CM, Hex.decode("A1 01 05"))).containsExactly(0x30); // wrong GetNext
  }

  // ---------------------------------------------------------------- enumerateCredentials (6.8.4)

  @Test
  @DisplayName(
      "6.8.4: each credential of the RP with user, credentialID, the public key makeCredential"
          + " attested, credProtect and totalCredentials on the first")
  void enumerateCredentials_twoOfRp_matchMakeCredential() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    Registered two = register(RP_A, "user-2", 3);
    register(RP_B, "user-3", 2);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    CBORObject first = ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2));
    CBORObject second = ok(send(CMD_CM, Hex.decode("A1 01 05")));

    assertThat(first.get(0x09).AsInt32Value()).isEqualTo(2);
    assertThat(second.ContainsKey(0x09)).isFalse();
    Map<String, CBORObject> byUser = new TreeMap<>();
    for (CBORObject answer : List.of(first, second)) {
      byUser.put(
          new String(answer.get(0x06).get("id").GetByteString(), StandardCharsets.UTF_8), answer);
    }
    assertThat(byUser).containsOnlyKeys("user-1", "user-2");
    for (Registered r : List.of(one, two)) {
      CBORObject answer = byUser.get(r.userId());
      assertThat(answer.get(0x06).get("name").AsString()).isEqualTo("name of " + r.userId());
      assertThat(answer.get(0x07).get("type").AsString()).isEqualTo("public-key");
      assertThat(answer.get(0x07).get("id").GetByteString()).isEqualTo(r.credentialId());
      assertThat(answer.get(0x08).EncodeToBytes(CANONICAL)).isEqualTo(r.coseKey());
      assertThat(answer.get(0x0A).AsInt32Value()).isEqualTo(r.credProtect());
    }
    assertThat(send(CMD_CM, Hex.decode("A1 01 05"))).containsExactly(0x30);
  }

  @Test
  @DisplayName("6.8.4: an RP without credentials is NO_CREDENTIALS; rpIDHash missing is 0x14")
  void enumerateCredentials_unknownRpOrMissingHash_errors() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    assertThat(cm(CMD_CM, 0x04, rpIdHashParams("other.example"), token, 2)).containsExactly(0x2E);
    assertThat(cm(CMD_CM, 0x04, Hex.decode("A0"), token, 2)).containsExactly(0x14);
    assertThat(cm(CMD_CM, 0x04, null, token, 2)).containsExactly(0x14);
  }

  @Test
  @DisplayName("6.8.4: a token bound to an RP ID enumerates that RP only")
  void enumerateCredentials_boundToken_ownRpOnly() throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    register(RP_B, "user-2", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, RP_A);

    assertThat(cm(CMD_CM, 0x04, rpIdHashParams(RP_B), token, 2)).containsExactly(0x33);
    assertThat(ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2)).get(0x09).AsInt32Value())
        .isEqualTo(1);
  }

  // ---------------------------------------------------------------- deleteCredential (6.8.5)

  @Test
  @DisplayName("6.8.5: deleteCredential removes it; deleting it again is NO_CREDENTIALS")
  void deleteCredential_stored_removed() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    register(RP_A, "user-2", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);

    assertThat(cm(CMD_CM, 0x06, credentialParams(one.credentialId(), null), token, 2))
        .containsExactly(0x00);
    assertThat(cm(CMD_CM, 0x06, credentialParams(one.credentialId(), null), token, 2))
        .containsExactly(0x2E);

    CBORObject metadata = ok(cm(CMD_CM, 0x01, null, token, 2));
    assertThat(metadata.get(0x01).AsInt32Value()).isEqualTo(1);
    CBORObject left = ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2));
    assertThat(left.get(0x09).AsInt32Value()).isEqualTo(1);
    assertThat(left.get(0x06).get("id").GetByteString()).isEqualTo(bytes("user-2"));
  }

  @Test
  @DisplayName("6.8.5: a token bound to another RP ID cannot delete; the credential stays")
  void deleteCredential_tokenBoundElsewhere_pinAuthInvalid() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    byte[] bound = token(2, ClientPin.PERMISSION_CM, RP_B);

    assertThat(cm(CMD_CM, 0x06, credentialParams(one.credentialId(), null), bound, 2))
        .containsExactly(0x33);

    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    assertThat(ok(cm(CMD_CM, 0x01, null, token, 2)).get(0x01).AsInt32Value()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- updateUserInformation (6.8.6)

  @Test
  @DisplayName("6.8.6: updateUserInformation replaces name and removes an absent displayName")
  void updateUserInformation_newName_stored() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    CBORObject user = CBORObject.NewMap().Add("id", bytes("user-1")).Add("name", "renamed");

    assertThat(cm(CMD_CM, 0x07, credentialParams(one.credentialId(), user), token, 2))
        .containsExactly(0x00);

    CBORObject answer = ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2));
    CBORObject stored = answer.get(0x06);
    assertThat(stored.get("name").AsString()).isEqualTo("renamed");
    assertThat(stored.ContainsKey("displayName")).isFalse();
  }

  @Test
  @DisplayName("6.8.6: a user.id other than the credential's is CTAP1_ERR_INVALID_PARAMETER")
  void updateUserInformation_otherUserId_invalidParameter() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    CBORObject user = CBORObject.NewMap().Add("id", bytes("user-9")).Add("name", "x");

    assertThat(cm(CMD_CM, 0x07, credentialParams(one.credentialId(), user), token, 2))
        .containsExactly(0x02);
    assertThat(cm(CMD_CM, 0x07, credentialParams(one.credentialId(), null), token, 2))
        .containsExactly(0x14);
  }

  @Test
  @DisplayName(
      "Section 8: a user map with keys out of canonical order is CTAP2_ERR_INVALID_CBOR, and the"
          + " credential keeps its user")
  void updateUserInformation_userKeysNotCanonical_invalidCbor() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 1);
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    params.writeBytes(Hex.decode("A2 02 A2 62 6964 58 46")); // {2: {"id": 70 bytes,
    params.writeBytes(one.credentialId());
    params.writeBytes(Hex.decode("64 74797065 6A 7075626C69632D6B6579")); // "type": "public-key"}
    params.writeBytes(Hex.decode("03 A2 64 6E616D65 63 6E6577")); // 3: {"name": "new",
    params.writeBytes(Hex.decode("62 6964 46 757365722D31")); // "id": "user-1"}}: name before id

    assertThat(cm(CMD_CM, 0x07, params.toByteArray(), token, 2)).containsExactly(0x12);

    CBORObject answer = ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2));
    assertThat(answer.get(0x06).get("name").AsString()).isEqualTo("name of user-1");
  }

  @Test
  @DisplayName("6.8.3: enumeration returns largeBlobKey (0x0B) for a credential that has one")
  void enumerateCredentials_largeBlobKey_returned() throws Exception {
    setPin();
    Registered withKey = register(RP_A, "user-1", 1, true);
    assertThat(withKey.largeBlobKey()).hasSize(32);

    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    CBORObject answer = ok(cm(CMD_CM, 0x04, rpIdHashParams(RP_A), token, 2));

    assertThat(answer.get(0x0B).GetByteString()).isEqualTo(withKey.largeBlobKey());
  }

  @Test
  @DisplayName(
      "inventory 3.2: libfido2's sequence on 0x41: metadata and RPs with an unbound token,"
          + " credentials with a token bound to the RP, GetNext without auth, then delete")
  void preReleaseCommand_libfido2Sequence_works() throws Exception {
    setPin();
    Registered one = register(RP_A, "user-1", 2);
    register(RP_A, "user-2", 1);

    byte[] unbound = token(1, ClientPin.PERMISSION_CM, null);
    assertThat(ok(cm(CMD_CM_PRE, 0x01, null, unbound, 1)).get(0x01).AsInt32Value()).isEqualTo(2);
    assertThat(ok(cm(CMD_CM_PRE, 0x02, null, unbound, 1)).get(0x05).AsInt32Value()).isEqualTo(1);

    byte[] bound = token(1, ClientPin.PERMISSION_CM, RP_A);
    CBORObject first = ok(cm(CMD_CM_PRE, 0x04, rpIdHashParams(RP_A), bound, 1));
    CBORObject second = ok(send(CMD_CM_PRE, Hex.decode("A1 01 05")));
    assertThat(first.get(0x09).AsInt32Value()).isEqualTo(2);
    assertThat(second.get(0x07).get("id").GetByteString())
        .isNotEqualTo(first.get(0x07).get("id").GetByteString());

    byte[] deleter = token(1, ClientPin.PERMISSION_CM, null);
    assertThat(cm(CMD_CM_PRE, 0x06, credentialParams(one.credentialId(), null), deleter, 1))
        .containsExactly(0x00);
    assertThat(ok(cm(CMD_CM_PRE, 0x01, null, deleter, 1)).get(0x01).AsInt32Value()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- malformed input

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "01:11", // parameters are an integer, not a map
        "A1 01:12", // truncated CBOR
        "A1 01 61 31:11", // subCommand is text
        "A1 01 08:3E", // unknown subCommand
        "A1 01 00:3E", // subCommand 0
        "A2 01 04 02 01:11", // subCommandParams not a map
        "A2 01 04 02 A1 01 61 78:11", // rpIDHash is text
        "A2 01 06 02 A1 02 A1 62 6964 41 00:14", // credentialID without type
        "A2 01 06 02 A1 02 A2 62 6964 61 78 64 74797065 6A 7075626C69632D6B6579:11", // id text
        "A3 01 01 03 01 04 61 78:11", // pinUvAuthParam is text
        "A3 01 01 03 61 31 04 41 00:11", // pinUvAuthProtocol is text
        "A1 01 01 00:12", // trailing byte
        "FF:12", // a break byte alone
      })
  @DisplayName("8.2: malformed credentialManagement requests get their status and change nothing")
  void malformed_specifiedStatus(String vector) throws Exception {
    setPin();
    register(RP_A, "user-1", 1);
    String[] parts = vector.split(":");

    byte[] answer = send(CMD_CM, Hex.decode(parts[0]));

    assertThat(answer).containsExactly(Integer.parseInt(parts[1], 16));
    byte[] token = token(2, ClientPin.PERMISSION_CM, null);
    assertThat(ok(cm(CMD_CM, 0x01, null, token, 2)).get(0x01).AsInt32Value()).isEqualTo(1);
  }

  @Test
  @DisplayName("6.8: an empty request is CTAP2_ERR_MISSING_PARAMETER")
  void emptyRequest_missingParameter() {
    assertThat(send(CMD_CM, new byte[0])).containsExactly(0x14);
    assertThat(send(CMD_CM_PRE, new byte[0])).containsExactly(0x14);
  }

  // ---------------------------------------------------------------- requests

  private record Registered(
      String userId, byte[] credentialId, byte[] coseKey, int credProtect, byte[] largeBlobKey) {

    Registered(String userId, byte[] credentialId, byte[] coseKey, int credProtect) {
      this(userId, credentialId, coseKey, credProtect, null);
    }
  }

  /** A discoverable ES256 credential made with an mc token; its ID and attested COSE key. */
  private Registered register(String rpId, String userId, int credProtect) throws Exception {
    return register(rpId, userId, credProtect, false);
  }

  /** The same, asking for a largeBlobKey (CTAP 2.1, 12.3) when {@code largeBlobKey}. */
  private Registered register(String rpId, String userId, int credProtect, boolean largeBlobKey)
      throws Exception {
    byte[] clientDataHash = new byte[32];
    byte[] token = token(2, ClientPin.PERMISSION_MC, rpId);
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, clientDataHash);
    request.Add(0x02, CBORObject.NewMap().Add("id", rpId));
    request.Add(
        0x03,
        CBORObject.NewMap()
            .Add("id", bytes(userId))
            .Add("name", "name of " + userId)
            .Add("displayName", "display " + userId));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    CBORObject extensions = CBORObject.NewMap().Add("credProtect", credProtect);
    if (largeBlobKey) {
      extensions.Add("largeBlobKey", true);
    }
    request.Add(0x06, extensions);
    request.Add(0x07, CBORObject.NewMap().Add("rk", true));
    request.Add(0x08, PinPlatform.authenticate(2, token, clientDataHash));
    request.Add(0x09, 2);
    CBORObject body = ok(send(0x01, request.EncodeToBytes(CANONICAL)));
    byte[] authData = body.get(0x02).GetByteString();
    // WebAuthn 6.5.1: rpIdHash 32, flags 1, signCount 4, AAGUID 16, length 2, ID, COSE key.
    int idLength = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    byte[] credentialId = Arrays.copyOfRange(authData, 55, 55 + idLength);
    byte[] rest = Arrays.copyOfRange(authData, 55 + idLength, authData.length);
    CBORObject cose = CBORObject.DecodeSequenceFromBytes(rest)[0];
    byte[] blobKey = body.ContainsKey(0x05) ? body.get(0x05).GetByteString() : null;
    return new Registered(
        userId, credentialId, cose.EncodeToBytes(CANONICAL), credProtect, blobKey);
  }

  private static byte[] rpIdHashParams(String rpId) throws Exception {
    return concat(Hex.decode("A1 01 58 20"), sha256(rpId));
  }

  private static byte[] credentialParams(byte[] credentialId, CBORObject user) {
    CBORObject params = CBORObject.NewMap();
    params.Add(0x02, CBORObject.NewMap().Add("id", credentialId).Add("type", "public-key"));
    if (user != null) {
      params.Add(0x03, user);
    }
    return params.EncodeToBytes(CANONICAL);
  }

  private byte[] cm(int command, int sub, byte[] subParams, byte[] token, int protocol)
      throws Exception {
    return cm(command, sub, subParams, token, protocol, protocol);
  }

  /**
   * A credentialManagement request {1: sub, 2: subParams, 3: sentProtocol, 4: pinUvAuthParam} with
   * pinUvAuthParam = authenticate(token, sub || subParams) under {@code protocol}, as raw bytes.
   */
  private byte[] cm(
      int command, int sub, byte[] subParams, byte[] token, int protocol, int sentProtocol)
      throws Exception {
    byte[] message =
        subParams == null ? new byte[] {(byte) sub} : concat(new byte[] {(byte) sub}, subParams);
    byte[] param = PinPlatform.authenticate(protocol, token, message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(subParams == null ? 0xA3 : 0xA4);
    out.write(0x01);
    out.write(sub);
    if (subParams != null) {
      out.write(0x02);
      out.writeBytes(subParams);
    }
    out.write(0x03);
    out.write(sentProtocol);
    out.write(0x04);
    if (param.length < 24) {
      out.write(0x40 | param.length); // shortest form (CTAP 2.1 section 8)
    } else {
      out.write(0x58);
      out.write(param.length);
    }
    out.writeBytes(param);
    return send(command, out.toByteArray());
  }

  private byte[] send(int command, byte[] parameters) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(concat(new byte[] {(byte) command}, parameters), recorder);
    List<byte[]> answers = recorder.responses;
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  private static CBORObject ok(byte[] response) {
    assertThat(response[0]).as("status of %s", Hex.encode(response)).isZero();
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
  }

  // ---------------------------------------------------------------- clientPIN, platform side

  private CBORObject clientPin(CBORObject request) {
    CBORObject body = ok(send(0x06, request.EncodeToBytes(CANONICAL)));
    return body;
  }

  private PinPlatform platform(int protocol) throws Exception {
    byte[] response =
        send(0x06, CBORObject.NewMap().Add(0x01, protocol).Add(0x02, 0x02).EncodeToBytes());
    return new PinPlatform(protocol, ok(response).get(0x01));
  }

  private void setPin() throws Exception {
    PinPlatform platform = platform(2);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(PIN));
    byte[] response =
        send(
            0x06,
            CBORObject.NewMap()
                .Add(0x01, 2)
                .Add(0x02, 0x03)
                .Add(0x03, platform.coseKey())
                .Add(0x04, platform.authenticate(newPinEnc))
                .Add(0x05, newPinEnc)
                .EncodeToBytes(CANONICAL));
    assertThat(response).containsExactly(0x00);
  }

  private byte[] token(int protocol, int permissions, String rpId) throws Exception {
    PinPlatform platform = platform(protocol);
    CBORObject request =
        CBORObject.NewMap()
            .Add(0x01, protocol)
            .Add(0x02, 0x09)
            .Add(0x03, platform.coseKey())
            .Add(0x06, platform.encrypt(PinPlatform.pinHash(PIN)))
            .Add(0x09, permissions);
    if (rpId != null) {
      request.Add(0x0A, rpId);
    }
    CBORObject reply = clientPin(request);
    return platform.decrypt(reply.get(0x02).GetByteString());
  }

  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes(text));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
