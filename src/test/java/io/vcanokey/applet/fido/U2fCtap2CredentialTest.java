package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Breaker regression: U2F AUTHENTICATE must not sign with a CTAP2 credential whose credProtect
 * policy requires user verification (CTAP 2.1, 12.1: "discovery and usage of the credential MUST be
 * preceded by some form of user verification"). U2F has no UV, so such a credential is "not ours"
 * there (6A80), check-only included; today U2F signs with it (P1 03 and 08) and check-only answers
 * 6985, revealing the credential.
 */
class U2fCtap2CredentialTest {

  private static final String RP = "cp3.example";

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());

  @AfterEach
  void closeKey() throws IOException {
    key.close();
  }

  @Test
  @DisplayName("CTAP 2.1 12.1: a credProtect-3 credential ID is refused by U2F AUTHENTICATE")
  void u2fAuthenticate_credProtect3CredentialId_wrongData() throws Exception {
    byte[] credentialId = makeCredential(3);

    for (int p1 : new int[] {0x07, 0x03, 0x08}) {
      assertThat(Hex.encode(statusWord(u2fAuthenticate(p1, credentialId))))
          .as("P1 %02X", p1)
          .isEqualTo(Hex.encode(Hex.decode("6A80")));
    }
  }

  /** makeCredential (6.1) for RP with credProtect {@code level}; returns the credential ID. */
  private byte[] makeCredential(int level) {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, new byte[32]);
    request.Add(0x02, CBORObject.NewMap().Add("id", RP));
    request.Add(0x03, CBORObject.NewMap().Add("id", new byte[] {1}).Add("name", "alice"));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    request.Add(0x06, CBORObject.NewMap().Add("credProtect", level));
    byte[] response = cbor(0x01, request);
    assertThat(response[0]).isZero();
    byte[] authData =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length))
            .get(CBORObject.FromObject(0x02))
            .GetByteString();
    // WebAuthn 6.1: rpIdHash 32, flags 1, signCount 4, AAGUID 16, L 2, credentialId L.
    int length = ByteBuffer.wrap(authData, 53, 2).getShort() & 0xFFFF;
    return Arrays.copyOfRange(authData, 55, 55 + length);
  }

  /** U2F AUTHENTICATE (FIDO U2F raw message formats 5.1), extended length. */
  private byte[] u2fAuthenticate(int p1, byte[] keyHandle) throws Exception {
    byte[] application =
        MessageDigest.getInstance("SHA-256").digest(RP.getBytes(StandardCharsets.UTF_8));
    int lc = 32 + 32 + 1 + keyHandle.length;
    ByteBuffer apdu = ByteBuffer.allocate(7 + lc);
    apdu.put(new byte[] {0x00, 0x02, (byte) p1, 0x00, 0x00, (byte) (lc >>> 8), (byte) lc});
    apdu.put(new byte[32]).put(application).put((byte) keyHandle.length).put(keyHandle);
    List<byte[]> answers = new ArrayList<>();
    handler.handleU2f(apdu.array(), recorder(answers));
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  private byte[] cbor(int command, CBORObject params) {
    byte[] body = params.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = (byte) command;
    System.arraycopy(body, 0, request, 1, body.length);
    List<byte[]> answers = new ArrayList<>();
    handler.handleCbor(request, recorder(answers));
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  private static FidoResponder recorder(List<byte[]> answers) {
    return new FidoResponder() {
      @Override
      public void respond(byte[] response) {
        answers.add(response);
      }

      @Override
      public void awaitingUserPresence() {}

      @Override
      public void processing() {}
    };
  }

  private static byte[] statusWord(byte[] response) {
    return Arrays.copyOfRange(response, response.length - 2, response.length);
  }
}
