package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Bytes;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.core.crypto.Digests;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorLargeBlobs (CTAP 2.1, section 6.10): reads and writes the serialized large-blob
 * array, a CBOR array followed by LEFT(SHA-256(array), 16), in fragments of at most maxMsgSize - 64
 * bytes (6.10.1 maxFragmentLength).
 *
 * <p>get returns {0x01: up to {@code get} bytes from {@code offset}}. set fragments arrive in order
 * from offset 0, which also gives the total length (17 up to maxSerializedLargeBlobArray); with a
 * PIN set (or alwaysUv) each carries a pinUvAuthParam over 32×0xFF || 0x0C 0x00 || uint32LE(offset)
 * || SHA-256(fragment) made with a token holding the lbw permission (6.10.2).
 *
 * <p>State: the record {@value #RECORD} holds the whole serialized array; while it is absent the
 * array is the initial one ({@link #INITIAL_ARRAY}: 0x80 and its truncated hash). Fragments collect
 * in memory and the array is written by one atomic update once the last fragment has arrived and
 * the trailing hash matched, so a reader sees the old array or the new one, never a mix.
 *
 * <p>Threading: key thread only.
 */
public final class LargeBlobs {

  private static final Logger log = LoggerFactory.getLogger(LargeBlobs.class);

  // Request parameter keys (6.10).
  static final int KEY_GET = 0x01;
  static final int KEY_SET = 0x02;
  static final int KEY_OFFSET = 0x03;
  static final int KEY_LENGTH = 0x04;
  static final int KEY_PIN_UV_AUTH_PARAM = 0x05;
  static final int KEY_PIN_UV_AUTH_PROTOCOL = 0x06;

  /** Response member: the requested bytes (6.10). */
  static final int RESP_CONFIG = 0x01;

  /** State record of the serialized large-blob array. */
  public static final String RECORD = "fido/large-blobs";

  /** Length of the trailing truncated SHA-256 (6.10.2). */
  static final int HASH_LENGTH = 16;

  /** Shortest serialized array: an empty CBOR array and its hash (6.10.2, minimum length 17). */
  static final int MIN_ARRAY_LENGTH = 1 + HASH_LENGTH;

  /** Bytes of maxMsgSize not available to a fragment (6.10.1: maxFragmentLength). */
  static final int MESSAGE_OVERHEAD = 64;

  /** The message prefix a set pinUvAuthParam authenticates after 32×0xFF: command 0x0C, 0x00. */
  private static final byte[] SET_MESSAGE_TAG = {0x0C, 0x00};

  /**
   * The initial serialized array (6.10.2): h'80' || LEFT(SHA-256(h'80'), 16) =
   * 8076be8b528d0075f7aae98d6fa57a6d3c.
   */
  public static final byte[] INITIAL_ARRAY = initialArray();

  private final StateFile state;
  private final ClientPin clientPin;
  private final int maxFragmentLength;
  private final int maxArrayLength;

  /** The set in progress: its total length, and what has arrived; null when none. */
  private ByteArrayOutputStream pending;

  private int expectedLength;

  /**
   * The command over {@code state}.
   *
   * @param clientPin checks tokens; null for a key without PIN support
   * @param maxMsgSize getInfo maxMsgSize, which fixes maxFragmentLength
   * @param maxArrayLength getInfo maxSerializedLargeBlobArray
   */
  public LargeBlobs(StateFile state, ClientPin clientPin, int maxMsgSize, int maxArrayLength) {
    this.state = state;
    this.clientPin = clientPin;
    this.maxFragmentLength = maxMsgSize - MESSAGE_OVERHEAD;
    this.maxArrayLength = maxArrayLength;
  }

  /** The stored serialized array, or the initial one. */
  public byte[] serializedArray() {
    return state.get(RECORD).orElse(INITIAL_ARRAY.clone());
  }

  /** Forgets a set in progress (authenticatorReset, power-up). */
  public void abandonPendingWrite() {
    pending = null;
    expectedLength = 0;
  }

  /**
   * Processes one authenticatorLargeBlobs request.
   *
   * @param request the command byte followed by the CBOR parameters
   * @return the status byte followed by the CBOR response, if any
   */
  public byte[] handle(byte[] request) {
    try {
      byte[] body = process(CborParams.decode(request, 1));
      log.debug("CTAP2 LARGE_BLOBS -> CTAP2_OK");
      byte[] response = new byte[1 + body.length];
      System.arraycopy(body, 0, response, 1, body.length);
      return response;
    } catch (CtapException e) {
      log.debug("CTAP2 LARGE_BLOBS -> {}", e.getMessage());
      return e.status().response();
    }
  }

  private byte[] process(CborParams params) {
    Optional<Long> get = unsigned(params, KEY_GET, "get");
    Optional<byte[]> set = params.optionalBytes(KEY_SET, "set");
    long offset = unsigned(params, KEY_OFFSET, "offset").orElseThrow(() -> missing("offset"));
    Optional<Long> length = unsigned(params, KEY_LENGTH, "length");
    Optional<byte[]> pinUvAuthParam = params.optionalBytes(KEY_PIN_UV_AUTH_PARAM, "pinUvAuthParam");
    Optional<Long> pinUvAuthProtocol = unsigned(params, KEY_PIN_UV_AUTH_PROTOCOL, "protocol");
    if (get.isPresent() == set.isPresent()) {
      throw invalidParameter("exactly one of get and set is required");
    }
    if (get.isPresent()) {
      if (length.isPresent() || pinUvAuthParam.isPresent() || pinUvAuthProtocol.isPresent()) {
        throw invalidParameter("get with length or pinUvAuth members");
      }
      return get(get.get(), offset);
    }
    set(set.get(), offset, length, pinUvAuthParam, pinUvAuthProtocol);
    return new byte[0];
  }

  /** get (6.10.2): at most {@code count} bytes from {@code offset}. */
  private byte[] get(long count, long offset) {
    if (count > maxFragmentLength) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_LENGTH, "get exceeds maxFragmentLength");
    }
    byte[] array = serializedArray();
    if (offset > array.length) {
      throw invalidParameter("offset beyond the array");
    }
    int from = (int) offset;
    int to = (int) Math.min(array.length, offset + count);
    CBORObject response = CBORObject.NewMap();
    response.Add(RESP_CONFIG, Arrays.copyOfRange(array, from, to));
    return CtapCbor.encode(response);
  }

  /** set (6.10.2): one fragment; the last one commits the array after the hash check. */
  private void set(
      byte[] fragment,
      long offset,
      Optional<Long> length,
      Optional<byte[]> pinUvAuthParam,
      Optional<Long> pinUvAuthProtocol) {
    if (fragment.length > maxFragmentLength) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_LENGTH, "set exceeds maxFragmentLength");
    }
    int nextOffset = pending == null ? 0 : pending.size();
    int total = expectedLength;
    if (offset == 0) {
      if (length.isEmpty()) {
        throw invalidParameter("length missing at offset 0");
      }
      if (length.get() > maxArrayLength) {
        throw new CtapException(
            CtapStatus.CTAP2_ERR_LARGE_BLOB_STORAGE_FULL, "length exceeds the maximum");
      }
      if (length.get() < MIN_ARRAY_LENGTH) {
        throw invalidParameter("length below 17");
      }
      nextOffset = 0;
      total = length.get().intValue();
    } else if (length.isPresent()) {
      throw invalidParameter("length at a non-zero offset");
    }
    if (offset != nextOffset || (offset != 0 && pending == null)) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_SEQ, "fragment out of sequence");
    }
    byte[] message =
        Bytes.concat(
            filled32(),
            SET_MESSAGE_TAG,
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) offset).array(),
            Digests.sha256(fragment));
    ManagementAuth.check(
        clientPin,
        protectedByUv(),
        pinUvAuthParam,
        pinUvAuthProtocol,
        message,
        ClientPin.PERMISSION_LBW);
    if (offset + fragment.length > total) {
      throw invalidParameter("fragment runs past the announced length");
    }

    if (offset == 0) {
      pending = new ByteArrayOutputStream(total);
      expectedLength = total;
    }
    pending.writeBytes(fragment);
    if (pending.size() < expectedLength) {
      return;
    }
    byte[] array = pending.toByteArray();
    abandonPendingWrite();
    byte[] content = Arrays.copyOf(array, array.length - HASH_LENGTH);
    byte[] hash = Arrays.copyOfRange(array, array.length - HASH_LENGTH, array.length);
    byte[] expected = Arrays.copyOf(Digests.sha256(content), HASH_LENGTH);
    if (!MessageDigest.isEqual(hash, expected)) {
      throw new CtapException(CtapStatus.CTAP2_ERR_INTEGRITY_FAILURE, "array hash mismatch");
    }
    try {
      state.update(tx -> tx.put(RECORD, array));
    } catch (IOException e) {
      log.warn("LARGE_BLOBS: cannot write the state file: {}", e.getMessage());
      throw new CtapException(CtapStatus.CTAP1_ERR_OTHER, "state file write failed");
    }
    log.info("FIDO large-blob array written, {} bytes", array.length);
  }

  private boolean protectedByUv() {
    return (clientPin != null && clientPin.isPinSet()) || FidoSettings.load(state).alwaysUv();
  }

  private static Optional<Long> unsigned(CborParams params, int key, String name) {
    Optional<Long> value = params.optionalInt(key, name);
    if (value.isPresent() && value.get() < 0) {
      throw new CtapException(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, name + " is negative");
    }
    return value;
  }

  private static CtapException invalidParameter(String reason) {
    return new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, reason);
  }

  private static CtapException missing(String name) {
    return new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, name + " missing");
  }

  static byte[] filled32() {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) 0xFF);
    return out;
  }

  private static byte[] initialArray() {
    byte[] empty = {(byte) 0x80};
    return Bytes.concat(empty, Arrays.copyOf(Digests.sha256(empty), HASH_LENGTH));
  }
}
