package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.cbor.CtapCbor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The authenticatorGetInfo response body (CTAP 2.1, section 6.4): what the authenticator supports,
 * as a CBOR map with integer keys.
 *
 * <p>Only the members the reference key returns are modelled (inventory 3.3); the others
 * (forcePINChange, minPINLength, remainingDiscoverableCredentials...) are absent, which CTAP 2.1
 * allows for all of them.
 *
 * @param versions 0x01 versions, e.g. "FIDO_2_1"
 * @param extensions 0x02 extension identifiers
 * @param aaguid 0x03 AAGUID, encoded as 16 bytes in RFC 4122 (big-endian) order
 * @param options 0x04 options; an absent option takes the default CTAP 2.1 section 6.4 gives it
 * @param maxMsgSize 0x05 longest request message the authenticator accepts
 * @param pinUvAuthProtocols 0x06 PIN/UV auth protocol versions, in order of preference
 * @param maxCredentialCountInList 0x07 most credentials in an allowList or excludeList
 * @param maxCredentialIdLength 0x08 longest credential ID
 * @param transports 0x09 transports, e.g. "usb"
 * @param algorithms 0x0A COSE algorithm identifiers, each advertised with type "public-key"
 * @param maxSerializedLargeBlobArray 0x0B largest serialized large-blob array
 * @param firmwareVersion 0x0E firmware version
 * @param maxCredBlobLength 0x0F longest credBlob
 */
public record AuthenticatorInfo(
    List<String> versions,
    List<String> extensions,
    UUID aaguid,
    Map<String, Boolean> options,
    int maxMsgSize,
    List<Integer> pinUvAuthProtocols,
    int maxCredentialCountInList,
    int maxCredentialIdLength,
    List<String> transports,
    List<Integer> algorithms,
    int maxSerializedLargeBlobArray,
    int firmwareVersion,
    int maxCredBlobLength) {

  // Member keys of the getInfo response map (CTAP 2.1, 6.4).
  public static final int KEY_VERSIONS = 0x01;
  public static final int KEY_EXTENSIONS = 0x02;
  public static final int KEY_AAGUID = 0x03;
  public static final int KEY_OPTIONS = 0x04;
  public static final int KEY_MAX_MSG_SIZE = 0x05;
  public static final int KEY_PIN_UV_AUTH_PROTOCOLS = 0x06;
  public static final int KEY_MAX_CREDENTIAL_COUNT_IN_LIST = 0x07;
  public static final int KEY_MAX_CREDENTIAL_ID_LENGTH = 0x08;
  public static final int KEY_TRANSPORTS = 0x09;
  public static final int KEY_ALGORITHMS = 0x0A;
  public static final int KEY_MAX_SERIALIZED_LARGE_BLOB_ARRAY = 0x0B;
  public static final int KEY_FORCE_PIN_CHANGE = 0x0C;
  public static final int KEY_MIN_PIN_LENGTH = 0x0D;
  public static final int KEY_FIRMWARE_VERSION = 0x0E;
  public static final int KEY_MAX_CRED_BLOB_LENGTH = 0x0F;
  public static final int KEY_MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH = 0x10;

  // Option names (CTAP 2.1, 6.4, options table).
  public static final String OPTION_RK = "rk";
  public static final String OPTION_CLIENT_PIN = "clientPin";
  public static final String OPTION_CRED_MGMT = "credMgmt";
  public static final String OPTION_LARGE_BLOBS = "largeBlobs";
  public static final String OPTION_PIN_UV_AUTH_TOKEN = "pinUvAuthToken";
  public static final String OPTION_MAKE_CRED_UV_NOT_RQD = "makeCredUvNotRqd";
  public static final String OPTION_AUTHNR_CFG = "authnrCfg";
  public static final String OPTION_ALWAYS_UV = "alwaysUv";
  public static final String OPTION_SET_MIN_PIN_LENGTH = "setMinPINLength";

  /** PublicKeyCredentialType of every algorithm entry (WebAuthn Level 2, 5.8.2). */
  public static final String TYPE_PUBLIC_KEY = "public-key";

  /** COSE algorithm ES256: ECDSA P-256 with SHA-256 (RFC 8152, table 5). */
  public static final int COSE_ES256 = -7;

  /** COSE algorithm EdDSA, here Ed25519 (RFC 8152, table 8). */
  public static final int COSE_EDDSA = -8;

  public AuthenticatorInfo {
    versions = List.copyOf(versions);
    extensions = List.copyOf(extensions);
    options = Map.copyOf(options);
    pinUvAuthProtocols = List.copyOf(pinUvAuthProtocols);
    transports = List.copyOf(transports);
    algorithms = List.copyOf(algorithms);
  }

  /** Encodes the response body (without the status byte) in CTAP2 canonical CBOR. */
  public byte[] encode() {
    return encode(Map.of());
  }

  /**
   * Encodes the response body with {@code extraMembers} added: members whose value changes at run
   * time (forcePINChange 0x0C, minPINLength 0x0D, maxRPIDsForSetMinPINLength 0x10), each a key of
   * 6.4 and a value CBOR can encode.
   */
  public byte[] encode(Map<Integer, Object> extraMembers) {
    CBORObject map = CBORObject.NewMap();
    map.Add(KEY_VERSIONS, textArray(versions));
    map.Add(KEY_EXTENSIONS, textArray(extensions));
    map.Add(KEY_AAGUID, CBORObject.FromObject(uuidBytes(aaguid)));
    CBORObject optionMap = CBORObject.NewMap();
    options.forEach(optionMap::Add);
    map.Add(KEY_OPTIONS, optionMap);
    map.Add(KEY_MAX_MSG_SIZE, maxMsgSize);
    map.Add(KEY_PIN_UV_AUTH_PROTOCOLS, intArray(pinUvAuthProtocols));
    map.Add(KEY_MAX_CREDENTIAL_COUNT_IN_LIST, maxCredentialCountInList);
    map.Add(KEY_MAX_CREDENTIAL_ID_LENGTH, maxCredentialIdLength);
    map.Add(KEY_TRANSPORTS, textArray(transports));
    CBORObject algorithmArray = CBORObject.NewArray();
    for (int alg : algorithms) {
      CBORObject descriptor = CBORObject.NewMap();
      descriptor.Add("alg", alg);
      descriptor.Add("type", TYPE_PUBLIC_KEY);
      algorithmArray.Add(descriptor);
    }
    map.Add(KEY_ALGORITHMS, algorithmArray);
    map.Add(KEY_MAX_SERIALIZED_LARGE_BLOB_ARRAY, maxSerializedLargeBlobArray);
    map.Add(KEY_FIRMWARE_VERSION, firmwareVersion);
    map.Add(KEY_MAX_CRED_BLOB_LENGTH, maxCredBlobLength);
    extraMembers.forEach((key, value) -> map.Add(key, CBORObject.FromObject(value)));
    return CtapCbor.encode(map);
  }

  private static CBORObject textArray(List<String> values) {
    CBORObject array = CBORObject.NewArray();
    values.forEach(array::Add);
    return array;
  }

  private static CBORObject intArray(List<Integer> values) {
    CBORObject array = CBORObject.NewArray();
    values.forEach(array::Add);
    return array;
  }

  private static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }
}
