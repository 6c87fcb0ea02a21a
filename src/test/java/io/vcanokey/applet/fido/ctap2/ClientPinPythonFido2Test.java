package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.storage.StateFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * python-fido2 0.9.1 (Debian python3-fido2, a real client) runs its ClientPin class, protocols one
 * and two, against FidoHandler + ClientPin: the device it talks to forwards each CTAP2 request over
 * a pipe to this test. python-fido2 sends getPinUvAuthTokenUsingPinWithPermissions whenever getInfo
 * has pinUvAuthToken, so each get_pin_token call names its permissions, which 6.5.5.7.2 makes
 * mandatory.
 */
class ClientPinPythonFido2Test {

  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys, binascii",
          "from fido2.ctap import CtapError",
          "from fido2.ctap2 import Ctap2",
          "from fido2.ctap2.pin import ClientPin, PinProtocolV1, PinProtocolV2",
          "class PipeDevice:",
          "    capabilities = 0x04",
          "    def call(self, cmd, data=b'', event=None, on_keepalive=None):",
          "        print('REQ ' + binascii.hexlify(data).decode(), flush=True)",
          "        return binascii.unhexlify(sys.stdin.readline().strip())",
          "ctap = Ctap2(PipeDevice())",
          "print('OUT clientPin', ctap.info.options['clientPin'], flush=True)",
          "cp = ClientPin(ctap, PinProtocolV2())",
          "cp.set_pin('123456')",
          "print('OUT clientPin', ctap.get_info().options['clientPin'], flush=True)",
          "print('OUT retries', cp.get_pin_retries(), flush=True)",
          "try:",
          "    cp.get_pin_token('000000', ClientPin.PERMISSION.MAKE_CREDENTIAL, 'example.com')",
          "except CtapError as e:",
          "    print('OUT wrong', e.code.name, flush=True)",
          "print('OUT retries', cp.get_pin_retries(), flush=True)",
          "t = cp.get_pin_token('123456', ClientPin.PERMISSION.GET_ASSERTION, 'example.com')",
          "print('OUT token2', len(t), flush=True)",
          "cp1 = ClientPin(ctap, PinProtocolV1())",
          "cp1.change_pin('123456', 'h\u00e9llo!')",
          "t1 = cp1.get_pin_token('h\u00e9llo!', ClientPin.PERMISSION.GET_ASSERTION)",
          "cdh = bytes(range(32))",
          "print('OUT check ' + binascii.hexlify(PinProtocolV1().authenticate(t1, cdh)).decode(),"
              + " flush=True)");

  @TempDir Path dir;

  @Test
  @DisplayName("python-fido2's ClientPin sets, changes and uses the PIN with both protocols")
  void pythonFido2_clientPin_interoperates() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Files.isExecutable(python), "/usr/bin/python3 missing");
    }
    try (StateFile state = StateFile.open(dir.resolve("state"))) {
      ClientPin clientPin = new ClientPin(state, new SecureRandom());
      FidoHandler handler = new FidoHandler(FidoHandler.defaultInfo(), clientPin);
      Process process = new ProcessBuilder(python.toString(), "-c", SCRIPT).start();
      List<String> out = new ArrayList<>();
      try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer writer =
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.startsWith("REQ ")) {
            byte[] response = call(handler, Hex.decode(line.substring(4)));
            writer.write(Hex.encode(response) + "\n");
            writer.flush();
          } else {
            out.add(line);
          }
        }
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ci && stderr.contains("No module named 'fido2'")) {
        assumeTrue(false, "python3-fido2 missing");
      }
      assertThat(process.exitValue()).as(stderr).isZero();
      assertThat(out.subList(0, 7))
          .containsExactly(
              "OUT clientPin False",
              "OUT clientPin True",
              "OUT retries (8, False)",
              "OUT wrong PIN_INVALID",
              "OUT retries (7, False)",
              "OUT token2 32",
              out.get(6));
      assertThat(out.get(6)).startsWith("OUT check ");
      byte[] param = Hex.decode(out.get(6).substring("OUT check ".length()));
      byte[] cdh = new byte[32];
      for (int i = 0; i < cdh.length; i++) {
        cdh[i] = (byte) i;
      }
      assertThat(clientPin.checkToken(1, cdh, param, ClientPin.PERMISSION_GA, "example.com"))
          .isEqualTo(CtapStatus.CTAP2_OK);
      assertThat(clientPin.pinRetries()).isEqualTo(8);
    }
  }

  private static byte[] call(FidoHandler handler, byte[] request) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(request, recorder);
    List<byte[]> responses = recorder.responses;
    return responses.get(0);
  }
}
