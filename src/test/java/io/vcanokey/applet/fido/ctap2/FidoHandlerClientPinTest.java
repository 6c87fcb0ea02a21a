package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.storage.StateFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** authenticatorClientPIN (0x06) through FidoHandler, and getInfo's PIN options (6.4). */
class FidoHandlerClientPinTest {

  @TempDir Path dir;
  private StateFile state;
  private FidoHandler handler;

  @BeforeEach
  void open() throws Exception {
    state = StateFile.open(dir.resolve("state"));
    handler = new FidoHandler(FidoHandler.defaultInfo(), new ClientPin(state, new SecureRandom()));
  }

  @AfterEach
  void close() throws Exception {
    state.close();
  }

  private byte[] call(byte[] request) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    List<byte[]> responses = recorder.responses;
    assertThat(responses).hasSize(1);
    return responses.get(0);
  }

  private byte[] call(int command, CBORObject parameters) {
    byte[] cbor = parameters.EncodeToBytes();
    byte[] request = new byte[1 + cbor.length];
    request[0] = (byte) command;
    System.arraycopy(cbor, 0, request, 1, cbor.length);
    return call(request);
  }

  private CBORObject options() {
    byte[] response = call(new byte[] {0x04});
    assertThat(response[0]).isZero();
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length))
        .get(CBORObject.FromObject(0x04));
  }

  @Test
  @DisplayName("6.4 clientPin: false = supported but not set, true once set; pinUvAuthToken true")
  void getInfo_clientPinOption_followsPinState() throws Exception {
    assertThat(options().get("clientPin").isFalse()).isTrue();
    assertThat(options().get("pinUvAuthToken").isTrue()).isTrue();

    CBORObject keyRequest = CBORObject.NewMap();
    keyRequest.Add(0x01, 2);
    keyRequest.Add(0x02, 0x02);
    byte[] keyResponse = call(0x06, keyRequest);
    assertThat(keyResponse[0]).isZero();
    CBORObject key =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(keyResponse, 1, keyResponse.length))
            .get(CBORObject.FromObject(0x01));
    PinPlatform platform = new PinPlatform(2, key);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin("123456"));
    CBORObject setPin = CBORObject.NewMap();
    setPin.Add(0x01, 2);
    setPin.Add(0x02, 0x03);
    setPin.Add(0x03, platform.coseKey());
    setPin.Add(0x04, platform.authenticate(newPinEnc));
    setPin.Add(0x05, newPinEnc);
    assertThat(call(0x06, setPin)).containsExactly(0x00);

    assertThat(options().get("clientPin").isTrue()).isTrue();
  }

  @Test
  @DisplayName("6.5: clientPIN without parameters -> CTAP2_ERR_MISSING_PARAMETER")
  void clientPin_noParameters_missingParameter() {
    assertThat(call(new byte[] {0x06})).containsExactly(0x14);
  }

  @Test
  @DisplayName("without a ClientPin, clientPIN stays CTAP1_ERR_INVALID_COMMAND")
  void clientPin_noPinSupport_invalidCommand() {
    FidoHandler bare = new FidoHandler();
    ResponseRecorder recorder = new ResponseRecorder();
    bare.handleCbor(new byte[] {0x06, (byte) 0xA0}, recorder);
    List<byte[]> responses = recorder.responses;
    assertThat(responses).singleElement().satisfies(r -> assertThat(r).containsExactly(0x01));
  }
}
