package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoTestKey;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The example requests the CTAP 2.1 specification publishes with authenticatorMakeCredential (6.1,
 * "Example for authenticatorMakeCredential") and authenticatorGetAssertion (6.2), sent to the key
 * byte for byte.
 */
class SpecExampleTest {

  /** 6.1 example: rp example.com/Acme, user John P. Smith with an icon, ES256 and RS256, rk. */
  private static final String MAKE_CREDENTIAL =
      "01a5015820687134968222ec17202e42505f8ed2b16ae22f16bb05b88c25db9e602645f14102a26269646b6578"
          + "616d706c652e636f6d646e616d656441636d6503a462696458203082019330820138a00302010230820193"
          + "30820138a0030201023082019330826469636f6e782b68747470733a2f2f706963732e6578616d706c652e"
          + "636f6d2f30302f702f61426a6a6a707150622e706e67646e616d65766a6f686e70736d697468406578616d"
          + "706c652e636f6d6b646973706c61794e616d656d4a6f686e20502e20536d6974680482a263616c67266474"
          + "7970656a7075626c69632d6b6579a263616c6739010064747970656a7075626c69632d6b657907a162726b"
          + "f5";

  /** 6.2 example: example.com, two allowList entries, uv true. */
  private static final String GET_ASSERTION =
      "02a4016b6578616d706c652e636f6d025820687134968222ec17202e42505f8ed2b16ae22f16bb05b88c25db"
          + "9e602645f1410382a26269645840f22006de4f905af68a43942f024f2a5ece603d9c6d4b3df8be08ed01fc44"
          + "2646d034858ac75bed3fd580bf9808d94fcbee82b9b2ef6677af0adcc35852ea6b9e64747970656a7075626c"
          + "69632d6b6579a262696458320303030303030303030303030303030303030303030303030303030303030303"
          + "03030303030303030303030303030303030364747970656a7075626c69632d6b657905a1627576f5";

  /** SHA-256("example.com"), the rpIdHash of the examples' authenticator data. */
  private static final String EXAMPLE_COM_HASH =
      "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947";

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  private byte[] send(byte[] request) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    List<byte[]> answers = recorder.responses;
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  @Test
  @DisplayName("6.1 example request: packed attestation, ES256 chosen, the credential stored")
  void makeCredential_specExample_packedEs256Discoverable() {
    byte[] response = send(Hex.decode(MAKE_CREDENTIAL));

    assertThat(response[0]).isEqualTo((byte) 0x00);
    CBORObject body = CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
    assertThat(body.get(0x01).AsString()).isEqualTo("packed");
    byte[] authData = body.get(0x02).GetByteString();
    assertThat(Hex.encode(Arrays.copyOf(authData, 32)).toLowerCase()).isEqualTo(EXAMPLE_COM_HASH);
    assertThat(authData[32] & 0x41).as("flags UP and AT").isEqualTo(0x41);
    int idLength = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    CBORObject coseKey =
        CBORObject.DecodeSequenceFromBytes(
            Arrays.copyOfRange(authData, 55 + idLength, authData.length))[0];
    assertThat(coseKey.get(3).AsInt32()).as("alg ES256, the first supported").isEqualTo(-7);
    assertThat(body.get(0x03).get("alg").AsInt32()).isEqualTo(-7);
    assertThat(key.state().names()).anyMatch(name -> name.startsWith("fido/rk/"));
  }

  @Test
  @DisplayName(
      "6.2 example request: uv true on a key without built-in UV is CTAP2_ERR_INVALID_OPTION")
  void getAssertion_specExample_uvTrueInvalidOption() {
    assertThat(send(Hex.decode(GET_ASSERTION))).containsExactly(0x2C);
  }

  @Test
  @DisplayName("6.2 example request without its uv option: neither listed credential is ours")
  void getAssertion_specExampleWithoutUv_noCredentials() {
    String withoutUv =
        "02a3" + GET_ASSERTION.substring(4, GET_ASSERTION.length() - "05a1627576f5".length());

    assertThat(send(Hex.decode(withoutUv))).containsExactly(0x2E);
  }
}
