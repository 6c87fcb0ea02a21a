package io.vcanokey.applet.fido.ctap2;

import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.body;
import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * authenticatorConfig (CTAP 2.1, 6.11), its getInfo members (6.4), the PIN policy it sets in
 * clientPIN (6.5.5) and the minPinLength extension (12.4), through the key's FidoHandler.
 */
class AuthenticatorConfigTest {

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

  /** 6.11: 32×0xFF || 0x0D || uint8(subCommand) || subCommandParams. */
  private static byte[] message(int sub, CBORObject params) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 32; i++) {
      out.write(0xFF);
    }
    out.write(0x0D);
    out.write(sub);
    if (params != null) {
      out.writeBytes(params.EncodeToBytes());
    }
    return out.toByteArray();
  }

  private int config(int sub, CBORObject params, byte[] token, int protocol) throws Exception {
    CBORObject request = CBORObject.NewMap().Add(0x01, sub);
    if (params != null) {
      request.Add(0x02, params);
    }
    if (token != null) {
      request.Add(0x03, protocol);
      request.Add(0x04, PinPlatform.authenticate(protocol, token, message(sub, params)));
    }
    return status(key.send(0x0D, request));
  }

  private int config(int sub, CBORObject params) throws Exception {
    return config(sub, params, null, 0);
  }

  private CBORObject options() {
    return key.info().get(CBORObject.FromObject(0x04));
  }

  private CBORObject infoMember(int member) {
    return key.info().get(CBORObject.FromObject(member));
  }

  @Test
  @DisplayName("6.4: getInfo lists authnrCfg, setMinPINLength, largeBlobs, alwaysUv and 0x0C/0x0D")
  void getInfo_newKey_configMembers() {
    CBORObject info = key.info();
    CBORObject options = info.get(CBORObject.FromObject(0x04));

    assertThat(options.get("authnrCfg").isTrue()).isTrue();
    assertThat(options.get("setMinPINLength").isTrue()).isTrue();
    assertThat(options.get("largeBlobs").isTrue()).isTrue();
    assertThat(options.get("alwaysUv").isFalse()).isTrue();
    assertThat(options.ContainsKey("ep")).isFalse();
    assertThat(info.get(CBORObject.FromObject(0x0C)).isFalse()).isTrue();
    assertThat(info.get(CBORObject.FromObject(0x0D)).AsInt32Value()).isEqualTo(4);
    assertThat(info.get(CBORObject.FromObject(0x10)).AsInt32Value()).isEqualTo(8);
    assertThat(info.get(CBORObject.FromObject(0x02)).getValues())
        .extracting(CBORObject::AsString)
        .contains("minPinLength");
  }

  @Test
  @DisplayName("6.11.2: without a PIN toggleAlwaysUv needs no token; U2F goes off while it is on")
  void toggleAlwaysUv_noPin_togglesAndDisablesU2f() throws Exception {
    assertThat(config(0x02, null)).isZero();

    assertThat(options().get("alwaysUv").isTrue()).isTrue();
    assertThat(infoMember(0x01).getValues())
        .extracting(CBORObject::AsString)
        .containsExactly("FIDO_2_0", "FIDO_2_1");
    assertThat(u2f("00 03 00 00")).isEqualTo("6D00");
    // 6.1.2 step 6: alwaysUv without a PIN, on a key with clientPIN: CTAP2_ERR_PUAT_REQUIRED
    assertThat(status(key.send(0x01, key.makeCredentialRequest(false)))).isEqualTo(0x36);

    // 6.2.2 step 5: alwaysUv asks for UV only when up is requested; a silent probe goes on
    CBORObject probe = key.getAssertionRequest().Add(0x05, CBORObject.NewMap().Add("up", false));
    assertThat(status(key.send(0x02, probe))).isEqualTo(0x2E);
    assertThat(status(key.send(0x02, key.getAssertionRequest()))).isEqualTo(0x36);

    assertThat(config(0x02, null)).isZero();
    assertThat(options().get("alwaysUv").isFalse()).isTrue();
    assertThat(u2f("00 03 00 00")).isEqualTo("5532465F56329000");
    assertThat(status(key.send(0x01, key.makeCredentialRequest(false)))).isZero();
  }

  @Test
  @DisplayName("6.11: with a PIN set, config needs a token with acfg over the spec message")
  void toggleAlwaysUv_pinSet_needsAcfgToken() throws Exception {
    assertThat(key.setPin("1234")).isZero();

    assertThat(config(0x02, null)).isEqualTo(0x36);
    assertThat(status(key.send(0x0D, CBORObject.NewMap().Add(1, 2).Add(4, new byte[32]))))
        .isEqualTo(0x14);
    assertThat(status(key.send(0x0D, CBORObject.NewMap().Add(1, 2).Add(3, 9).Add(4, new byte[32]))))
        .isEqualTo(0x02);
    byte[] noAcfg = key.token(2, "1234", ClientPin.PERMISSION_LBW, null);
    assertThat(config(0x02, null, noAcfg, 2)).isEqualTo(0x33);
    assertThat(options().get("alwaysUv").isFalse()).isTrue();

    byte[] token = key.token(1, "1234", ClientPin.PERMISSION_ACFG, null);
    assertThat(config(0x02, null, token, 1)).isZero();
    assertThat(options().get("alwaysUv").isTrue()).isTrue();

    // 6.1.2 with alwaysUv and a PIN: no token is PUAT_REQUIRED; 6.2.2: so is getAssertion with up
    assertThat(status(key.send(0x01, key.makeCredentialRequest(false)))).isEqualTo(0x36);
    assertThat(status(key.send(0x02, key.getAssertionRequest()))).isEqualTo(0x36);
  }

  @Test
  @DisplayName("6.11.4: setMinPINLength raises the minimum; setPIN refuses shorter PINs")
  void setMinPinLength_noPin_setPinPolicy() throws Exception {
    assertThat(config(0x03, CBORObject.NewMap().Add(0x01, 6))).isZero();

    assertThat(infoMember(0x0D).AsInt32Value()).isEqualTo(6);
    assertThat(key.setPin("12345")).isEqualTo(0x37);
    assertThat(key.setPin("123456")).isZero();
    assertThat(infoMember(0x0C).isFalse()).isTrue();
  }

  @Test
  @DisplayName("6.11.4: the minimum never shrinks; forceChangePin without a PIN is PIN_NOT_SET")
  void setMinPinLength_invalid_specErrors() throws Exception {
    assertThat(config(0x03, CBORObject.NewMap().Add(0x01, 6))).isZero();

    assertThat(config(0x03, CBORObject.NewMap().Add(0x01, 5))).isEqualTo(0x37);
    assertThat(config(0x03, CBORObject.NewMap().Add(0x03, true))).isEqualTo(0x35);
    CBORObject tooMany = CBORObject.NewArray();
    for (int i = 0; i < 9; i++) {
      tooMany.Add("rp" + i + ".example");
    }
    assertThat(config(0x03, CBORObject.NewMap().Add(0x02, tooMany))).isEqualTo(0x28);
    assertThat(config(0x03, CBORObject.NewMap().Add(0x01, "6"))).isEqualTo(0x11);
    assertThat(infoMember(0x0D).AsInt32Value()).isEqualTo(6);
  }

  @Test
  @DisplayName("6.11.4 and 6.5.5.7: a minimum above the PIN's length forces a PIN change")
  void setMinPinLength_longerThanPin_forcesChange() throws Exception {
    assertThat(key.setPin("1234")).isZero();
    byte[] token = key.token(2, "1234", ClientPin.PERMISSION_ACFG, null);
    CBORObject params = CBORObject.NewMap().Add(0x01, 6);

    assertThat(config(0x03, params, token, 2)).isZero();

    assertThat(infoMember(0x0C).isTrue()).isTrue();
    assertThat(status(key.tokenResponse(2, "1234", ClientPin.PERMISSION_MC, "x"))).isEqualTo(0x37);
    assertThat(key.changePin("1234", "12345")).isEqualTo(0x37);
    assertThat(key.changePin("1234", "654321")).isZero();
    assertThat(infoMember(0x0C).isFalse()).isTrue();
    key.token(2, "654321", ClientPin.PERMISSION_MC, "x");
  }

  @Test
  @DisplayName("6.11.4: forceChangePin alone sets forcePINChange; a correct PIN gets no token")
  void setMinPinLength_forceChangePin_tokenRefused() throws Exception {
    assertThat(key.setPin("1234")).isZero();
    byte[] token = key.token(1, "1234", ClientPin.PERMISSION_ACFG, null);

    assertThat(config(0x03, CBORObject.NewMap().Add(0x03, true), token, 1)).isZero();

    assertThat(infoMember(0x0C).isTrue()).isTrue();
    assertThat(status(key.tokenResponse(1, "1234", ClientPin.PERMISSION_ACFG, null)))
        .isEqualTo(0x37);
    assertThat(status(key.tokenResponse(1, "9999", ClientPin.PERMISSION_ACFG, null)))
        .isEqualTo(0x31);
  }

  @Test
  @DisplayName("12.4: minPinLength is returned to RP IDs in minPinLengthRPIDs, to no others")
  void makeCredential_minPinLengthExtension_onlyForListedRp() throws Exception {
    CBORObject params =
        CBORObject.NewMap()
            .Add(0x01, 7)
            .Add(0x02, CBORObject.NewArray().Add(FidoKeyDriver.RP).Add("other.example"));
    assertThat(config(0x03, params)).isZero();

    CBORObject listed = key.makeCredentialRequest(false);
    listed.Add(0x06, CBORObject.NewMap().Add("minPinLength", true));
    byte[] response = key.send(0x01, listed);
    assertThat(status(response)).isZero();
    assertThat(extensions(response).get("minPinLength").AsInt32Value()).isEqualTo(7);

    CBORObject unlisted = key.makeCredentialRequest(false);
    unlisted.set(0x02, CBORObject.NewMap().Add("id", "unlisted.example"));
    unlisted.Add(0x06, CBORObject.NewMap().Add("minPinLength", true));
    byte[] other = key.send(0x01, unlisted);
    assertThat(status(other)).isZero();
    assertThat(flags(other) & 0x80).isZero(); // ED: no extension outputs
  }

  @Test
  @DisplayName("6.11.1: no enterprise attestation (UNSUPPORTED_OPTION); unknown subcommands")
  void otherSubcommands_refused() throws Exception {
    assertThat(config(0x01, null)).isEqualTo(0x2B);
    assertThat(config(0x04, null)).isEqualTo(0x3E);
    assertThat(config(0xFF, null)).isEqualTo(0x3E);
    assertThat(status(key.send(0x0D, CBORObject.NewMap()))).isEqualTo(0x14);
    assertThat(status(key.sendRaw(new byte[] {0x0D, 0x01}))).isEqualTo(0x11);
    assertThat(status(key.sendRaw(new byte[] {0x0D, (byte) 0xA1}))).isEqualTo(0x12);
    assertThat(options().get("alwaysUv").isFalse()).isTrue();
  }

  private static CBORObject extensions(byte[] makeCredentialResponse) {
    byte[] authData = body(makeCredentialResponse).get(CBORObject.FromObject(0x02)).GetByteString();
    // rpIdHash 32, flags 1, counter 4, AAGUID 16, id length 2, id, COSE key, extensions
    int idLength = ((authData[53] & 0xFF) << 8) | (authData[54] & 0xFF);
    int offset = 55 + idLength;
    java.io.ByteArrayInputStream in =
        new java.io.ByteArrayInputStream(authData, offset, authData.length - offset);
    CBORObject.Read(in); // the credential public key
    return CBORObject.Read(in);
  }

  private static int flags(byte[] makeCredentialResponse) {
    return body(makeCredentialResponse).get(CBORObject.FromObject(0x02)).GetByteString()[32] & 0xFF;
  }

  private String u2f(String apdu) {
    ResponseRecorder recorder = new ResponseRecorder();
    key.handler.handleU2f(Hex.decode(apdu), recorder);
    List<byte[]> answers = recorder.responses;
    return Hex.encode(answers.get(0));
  }
}
