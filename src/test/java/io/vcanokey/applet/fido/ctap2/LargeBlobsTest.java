package io.vcanokey.applet.fido.ctap2;

import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.body;
import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** authenticatorLargeBlobs (CTAP 2.1, 6.10) through the key's FidoHandler. */
class LargeBlobsTest {

  /** 6.10.2: the initial serialized array, h'80' || LEFT(SHA-256(h'80'), 16). */
  private static final String INITIAL = "8076BE8B528D0075F7AAE98D6FA57A6D3C";

  /** maxMsgSize 1300 - 64 (6.10.1). */
  private static final int MAX_FRAGMENT = 1236;

  @TempDir Path dir;
  private FidoKeyDriver key;

  @BeforeEach
  void setUp() throws Exception {
    key = new FidoKeyDriver(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  private byte[] get(long count, long offset) {
    return key.send(0x0C, CBORObject.NewMap().Add(0x01, count).Add(0x03, offset));
  }

  private byte[] readAll() {
    byte[] response = get(MAX_FRAGMENT, 0);
    assertThat(status(response)).isZero();
    return body(response).get(CBORObject.FromObject(0x01)).GetByteString();
  }

  private byte[] set(byte[] fragment, long offset, Long length, byte[] param, Integer protocol) {
    CBORObject request = CBORObject.NewMap().Add(0x02, fragment).Add(0x03, offset);
    if (length != null) {
      request.Add(0x04, length);
    }
    if (param != null) {
      request.Add(0x05, param);
    }
    if (protocol != null) {
      request.Add(0x06, protocol);
    }
    return key.send(0x0C, request);
  }

  /** A serialized array: CBOR array of {@code items} byte strings and its truncated hash. */
  private static byte[] serialized(byte[]... items) throws Exception {
    CBORObject array = CBORObject.NewArray();
    for (byte[] item : items) {
      array.Add(CBORObject.NewMap().Add(1, item).Add(2, new byte[12]).Add(3, item.length));
    }
    byte[] cbor = array.EncodeToBytes();
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(cbor);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(cbor);
    out.write(hash, 0, 16);
    return out.toByteArray();
  }

  /** 6.10.2: 32×0xFF || 0x0C 0x00 || uint32LE(offset) || SHA-256(set). */
  private static byte[] setMessage(byte[] fragment, int offset) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 32; i++) {
      out.write(0xFF);
    }
    out.write(0x0C);
    out.write(0x00);
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(offset).array());
    out.writeBytes(MessageDigest.getInstance("SHA-256").digest(fragment));
    return out.toByteArray();
  }

  @Test
  @DisplayName("6.10.2: a new key holds the initial array 8076be8b528d0075f7aae98d6fa57a6d3c")
  void get_newKey_initialArray() {
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
    assertThat(Hex.encode(LargeBlobs.INITIAL_ARRAY)).isEqualTo(INITIAL);
  }

  @Test
  @DisplayName("6.10.2 get: count bytes from offset; offset = length gives an empty string")
  void get_offsetAndCount_slice() {
    byte[] response = get(4, 2);
    assertThat(Hex.encode(body(response).get(CBORObject.FromObject(0x01)).GetByteString()))
        .isEqualTo(INITIAL.substring(4, 12));
    assertThat(body(get(10, 17)).get(CBORObject.FromObject(0x01)).GetByteString()).isEmpty();
  }

  @Test
  @DisplayName("6.10.2: get and set errors from the specification's steps")
  void requests_malformed_specErrors() {
    assertThat(status(get(MAX_FRAGMENT + 1, 0))).isEqualTo(0x03); // get > maxFragmentLength
    assertThat(status(get(1, 18))).isEqualTo(0x02); // offset beyond the array
    assertThat(status(key.send(0x0C, CBORObject.NewMap().Add(0x03, 0)))).isEqualTo(0x02);
    assertThat(
            status(
                key.send(
                    0x0C, CBORObject.NewMap().Add(0x01, 1).Add(0x02, new byte[1]).Add(0x03, 0))))
        .isEqualTo(0x02); // get and set
    assertThat(status(key.send(0x0C, CBORObject.NewMap().Add(0x01, 1))))
        .isEqualTo(0x14); // no offset
    assertThat(status(key.send(0x0C, CBORObject.NewMap().Add(0x01, 1).Add(0x03, 0).Add(4, 1))))
        .isEqualTo(0x02); // get with length
    assertThat(
            status(
                key.send(0x0C, CBORObject.NewMap().Add(0x01, 1).Add(0x03, 0).Add(5, new byte[16]))))
        .isEqualTo(0x02); // get with pinUvAuthParam
    assertThat(status(key.send(0x0C, CBORObject.NewMap().Add(0x01, 1).Add(0x03, -1))))
        .isEqualTo(0x11);
    assertThat(status(key.sendRaw(new byte[] {0x0C, (byte) 0xFF}))).isEqualTo(0x12);
    assertThat(status(key.sendRaw(new byte[] {0x0C, (byte) 0x80}))).isEqualTo(0x11);
    assertThat(status(key.sendRaw(new byte[] {0x0C}))).isEqualTo(0x14);
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
  }

  @Test
  @DisplayName("6.10.2 set without a PIN: one fragment replaces the array, durably")
  void set_oneFragmentNoPin_storedAndDurable() throws Exception {
    byte[] array = serialized(new byte[] {1, 2, 3});

    assertThat(status(set(array, 0, (long) array.length, null, null))).isZero();

    assertThat(readAll()).isEqualTo(array);
    key.restart();
    assertThat(readAll()).isEqualTo(array);
  }

  @Test
  @DisplayName("6.10.2 set: fragments in order; the array changes only after the last one")
  void set_threeFragments_committedAtEnd() throws Exception {
    byte[] array = serialized(new byte[1500], new byte[1200]);
    int total = array.length;
    byte[] first = Arrays.copyOfRange(array, 0, MAX_FRAGMENT);
    byte[] second = Arrays.copyOfRange(array, MAX_FRAGMENT, 2 * MAX_FRAGMENT);
    byte[] third = Arrays.copyOfRange(array, 2 * MAX_FRAGMENT, total);

    assertThat(status(set(first, 0, (long) total, null, null))).isZero();
    assertThat(status(set(second, MAX_FRAGMENT, null, null, null))).isZero();
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
    assertThat(status(set(third, 2 * MAX_FRAGMENT, null, null, null))).isZero();

    ByteArrayOutputStream read = new ByteArrayOutputStream();
    for (int offset = 0; offset < total; offset += MAX_FRAGMENT) {
      read.writeBytes(
          body(get(MAX_FRAGMENT, offset)).get(CBORObject.FromObject(1)).GetByteString());
    }
    assertThat(read.toByteArray()).isEqualTo(array);
  }

  @Test
  @DisplayName("6.10.2 set: sequence, length and size errors leave the stored array alone")
  void set_badSequenceOrLength_errors() throws Exception {
    byte[] array = serialized(new byte[100]);

    assertThat(status(set(array, 0, null, null, null))).isEqualTo(0x02); // no length at 0
    assertThat(status(set(array, 0, 4097L, null, null))).isEqualTo(0x18); // too large
    assertThat(status(set(array, 0, 16L, null, null))).isEqualTo(0x02); // below 17
    assertThat(status(set(array, 5, null, null, null))).isEqualTo(0x04); // nothing started
    assertThat(status(set(new byte[MAX_FRAGMENT + 1], 0, 2000L, null, null))).isEqualTo(0x03);
    assertThat(status(set(array, 0, (long) array.length - 1, null, null)))
        .isEqualTo(0x02); // runs past the length
    byte[] head = Arrays.copyOf(array, 10);
    assertThat(status(set(head, 0, (long) array.length, null, null))).isZero();
    assertThat(status(set(new byte[5], 11, null, null, null))).isEqualTo(0x04); // gap
    assertThat(status(set(new byte[5], 10, 5L, null, null))).isEqualTo(0x02); // length at 10

    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
  }

  @Test
  @DisplayName("6.10.2 set: a replug or power-up mid-sequence loses the fragments, not the array")
  void set_interruptedSequence_oldArrayKept() throws Exception {
    byte[] array = serialized(new byte[2000]);
    byte[] first = Arrays.copyOf(array, MAX_FRAGMENT);
    byte[] rest = Arrays.copyOfRange(array, MAX_FRAGMENT, array.length);

    assertThat(status(set(first, 0, (long) array.length, null, null))).isZero();
    key.restart();
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
    assertThat(status(set(rest, MAX_FRAGMENT, null, null, null))).isEqualTo(0x04);

    assertThat(status(set(first, 0, (long) array.length, null, null))).isZero();
    key.handler.powerUp();
    assertThat(status(set(rest, MAX_FRAGMENT, null, null, null))).isEqualTo(0x04);
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
  }

  @Test
  @DisplayName("6.10.2 set: a wrong trailing hash is CTAP2_ERR_INTEGRITY_FAILURE, array kept")
  void set_wrongHash_integrityFailure() throws Exception {
    byte[] array = serialized(new byte[] {9});
    array[array.length - 1] ^= 1;

    assertThat(status(set(array, 0, (long) array.length, null, null))).isEqualTo(0x3D);

    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);
  }

  @Test
  @DisplayName("6.10.2 set with a PIN: pinUvAuthParam from a token with lbw over the spec message")
  void set_pinSet_needsLbwToken() throws Exception {
    assertThat(key.setPin("1234")).isZero();
    byte[] array = serialized(new byte[] {7, 7});
    long length = array.length;

    assertThat(status(set(array, 0, length, null, null))).isEqualTo(0x36);
    assertThat(status(set(array, 0, length, new byte[32], null))).isEqualTo(0x14);
    assertThat(status(set(array, 0, length, new byte[32], 3))).isEqualTo(0x02);

    byte[] noLbw = key.token(2, "1234", ClientPin.PERMISSION_CM, null);
    byte[] message = setMessage(array, 0);
    assertThat(status(set(array, 0, length, PinPlatform.authenticate(2, noLbw, message), 2)))
        .isEqualTo(0x33);

    byte[] token = key.token(1, "1234", ClientPin.PERMISSION_LBW, null);
    byte[] wrongOffset = PinPlatform.authenticate(1, token, setMessage(array, 1));
    assertThat(status(set(array, 0, length, wrongOffset, 1))).isEqualTo(0x33);
    assertThat(Hex.encode(readAll())).isEqualTo(INITIAL);

    byte[] param = PinPlatform.authenticate(1, token, message);
    assertThat(status(set(array, 0, length, param, 1))).isZero();
    assertThat(readAll()).isEqualTo(array);
  }
}
