package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A provisioned key's {@link FidoHandler} with a settable touch answer and a manual clock, driven
 * with CBOR requests as a platform sends them; the PIN side runs through {@link PinPlatform}.
 */
final class FidoKeyDriver implements AutoCloseable {

  static final String RP = "example.com";

  private final Path file;
  StateFile state;
  FidoHandler handler;
  boolean touch = true;
  long now = 1_000_000_000L;
  final List<String> touches = new ArrayList<>();
  final byte[] clientDataHash = new byte[32];

  FidoKeyDriver(Path dir) throws IOException {
    file = dir.resolve("key");
    state = StateFile.open(file);
    Provisioning.provision(state, new SecureRandom());
    handler = newHandler();
    new SecureRandom().nextBytes(clientDataHash);
  }

  /** Closes the state file and opens it again with a new handler: the key is replugged. */
  void restart() throws IOException {
    state.close();
    state = StateFile.open(file);
    handler = newHandler();
  }

  private FidoHandler newHandler() {
    UserPresence presence =
        new UserPresence() {
          @Override
          public boolean confirm(String purpose) {
            touches.add(purpose);
            return touch;
          }

          @Override
          public TouchPolicy policy() {
            return TouchPolicy.AUTO;
          }
        };
    return new FidoHandler(
        FidoHandler.defaultInfo(),
        new AppletContext(state, presence, new SecureRandom()),
        Runnable::run,
        () -> now);
  }

  @Override
  public void close() throws IOException {
    state.close();
  }

  byte[] send(int command, CBORObject params) {
    byte[] body = params == null ? new byte[0] : params.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = (byte) command;
    System.arraycopy(body, 0, request, 1, body.length);
    return sendRaw(request);
  }

  byte[] sendRaw(byte[] request) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    List<byte[]> answers = recorder.responses;
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  static int status(byte[] response) {
    return response[0] & 0xFF;
  }

  static CBORObject body(byte[] response) {
    return CBORObject.DecodeFromBytes(Arrays.copyOfRange(response, 1, response.length));
  }

  CBORObject info() {
    byte[] response = send(0x04, null);
    assertThat(status(response)).isZero();
    return body(response);
  }

  // ---------------------------------------------------------------- clientPIN, platform side

  byte[] clientPinRaw(CBORObject request) {
    return send(0x06, request);
  }

  private CBORObject clientPin(CBORObject request) {
    byte[] response = clientPinRaw(request);
    assertThat(status(response)).as("clientPIN status").isZero();
    return response.length > 1 ? body(response) : null;
  }

  PinPlatform platform(int protocol) throws Exception {
    CBORObject request = CBORObject.NewMap().Add(0x01, protocol).Add(0x02, 0x02);
    return new PinPlatform(protocol, clientPin(request).get(CBORObject.FromObject(0x01)));
  }

  /** setPIN (6.5.5.5); returns the status. */
  int setPin(String value) throws Exception {
    PinPlatform platform = platform(2);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(value));
    return status(
        clientPinRaw(
            CBORObject.NewMap()
                .Add(0x01, 2)
                .Add(0x02, 0x03)
                .Add(0x03, platform.coseKey())
                .Add(0x04, platform.authenticate(newPinEnc))
                .Add(0x05, newPinEnc)));
  }

  /** changePIN (6.5.5.6); returns the status. */
  int changePin(String current, String value) throws Exception {
    PinPlatform platform = platform(2);
    byte[] newPinEnc = platform.encrypt(PinPlatform.padPin(value));
    byte[] pinHashEnc = platform.encrypt(PinPlatform.pinHash(current));
    return status(
        clientPinRaw(
            CBORObject.NewMap()
                .Add(0x01, 2)
                .Add(0x02, 0x04)
                .Add(0x03, platform.coseKey())
                .Add(0x04, platform.authenticate(PinPlatform.concat(newPinEnc, pinHashEnc)))
                .Add(0x05, newPinEnc)
                .Add(0x06, pinHashEnc)));
  }

  /** getPinUvAuthTokenUsingPinWithPermissions (6.5.5.7.2): the raw response. */
  byte[] tokenResponse(int protocol, String value, int permissions, String rpId) throws Exception {
    PinPlatform platform = platform(protocol);
    CBORObject request =
        CBORObject.NewMap()
            .Add(0x01, protocol)
            .Add(0x02, 0x09)
            .Add(0x03, platform.coseKey())
            .Add(0x06, platform.encrypt(PinPlatform.pinHash(value)))
            .Add(0x09, permissions);
    if (rpId != null) {
      request.Add(0x0A, rpId);
    }
    byte[] response = clientPinRaw(request);
    if (status(response) != 0) {
      return response;
    }
    byte[] token =
        platform.decrypt(body(response).get(CBORObject.FromObject(0x02)).GetByteString());
    byte[] out = new byte[1 + token.length];
    System.arraycopy(token, 0, out, 1, token.length);
    return out;
  }

  /** A pinUvAuthToken with {@code permissions}. */
  byte[] token(int protocol, String value, int permissions, String rpId) throws Exception {
    byte[] response = tokenResponse(protocol, value, permissions, rpId);
    assertThat(status(response)).as("token status").isZero();
    return Arrays.copyOfRange(response, 1, response.length);
  }

  // ---------------------------------------------------------------- credentials

  CBORObject makeCredentialRequest(boolean rk) {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, clientDataHash);
    request.Add(0x02, CBORObject.NewMap().Add("id", RP));
    request.Add(0x03, CBORObject.NewMap().Add("id", new byte[] {1, 2, 3}).Add("name", "alice"));
    request.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    request.Add(0x07, CBORObject.NewMap().Add("rk", rk));
    return request;
  }

  CBORObject getAssertionRequest() {
    CBORObject request = CBORObject.NewMap();
    request.Add(0x01, RP);
    request.Add(0x02, clientDataHash);
    return request;
  }
}
