package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.vcanokey.core.bytes.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FidoHandlerTest {

  private final FidoTestKey key = FidoTestKey.create(io.vcanokey.platform.UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());

  /**
   * getInfo's default content without a PIN service (the PIN options are covered by
   * FidoHandlerClientPinTest), as the hand-assembled vector describes it.
   */
  private final FidoHandler infoOnly = new FidoHandler();

  @org.junit.jupiter.api.AfterEach
  void closeKey() throws IOException {
    key.close();
  }

  /** Records what the handler answers. */
  private static final class Recorder implements FidoResponder {
    final List<byte[]> responses = new ArrayList<>();
    final List<String> progress = new ArrayList<>();

    @Override
    public void respond(byte[] response) {
      responses.add(response);
    }

    @Override
    public void awaitingUserPresence() {
      progress.add("up");
    }

    @Override
    public void processing() {
      progress.add("processing");
    }

    byte[] single() {
      assertThat(responses).hasSize(1);
      assertThat(progress).isEmpty();
      return responses.get(0);
    }
  }

  private byte[] cbor(int... request) {
    Recorder recorder = new Recorder();
    byte[] bytes = new byte[request.length];
    for (int i = 0; i < request.length; i++) {
      bytes[i] = (byte) request[i];
    }
    infoOnly.handleCbor(bytes, recorder);
    return recorder.single();
  }

  private byte[] keyCbor(int... request) {
    Recorder recorder = new Recorder();
    byte[] bytes = new byte[request.length];
    for (int i = 0; i < request.length; i++) {
      bytes[i] = (byte) request[i];
    }
    handler.handleCbor(bytes, recorder);
    return recorder.single();
  }

  private byte[] getInfoBody() {
    byte[] response = cbor(0x04);
    assertThat(response[0]).isEqualTo((byte) 0x00);
    return Arrays.copyOfRange(response, 1, response.length);
  }

  @Test
  @DisplayName("CTAP 2.1 6.4 and 8: getInfo is CTAP2_OK followed by the hand-assembled body")
  void getInfo_response_matchesHandAssembledVector() {
    byte[] response = cbor(0x04);

    assertThat(Hex.encode(response)).isEqualTo("00" + GetInfoVector.BODY.replace(" ", ""));
  }

  @Test
  @DisplayName("CTAP 2.1 6.4: getInfo members, decoded by the CBOR library, as inventory 3.3 lists")
  void getInfo_decoded_fieldByField() {
    CBORObject info = CBORObject.DecodeFromBytes(getInfoBody());

    assertThat(info.getType()).isEqualTo(CBORType.Map);
    assertThat(info.getKeys())
        .extracting(CBORObject::AsInt32Value)
        .containsExactly(
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0E, 0x0F);
    assertThat(strings(info.get(0x01))).containsExactly("U2F_V2", "FIDO_2_0", "FIDO_2_1");
    assertThat(strings(info.get(0x02)))
        .containsExactly("credBlob", "credProtect", "hmac-secret", "largeBlobKey");
    assertThat(Hex.encode(info.get(0x03).GetByteString()))
        .isEqualTo("244EB29EE0904E4981FE1F20F8D3B8F4");
    CBORObject options = info.get(0x04);
    assertThat(options.size()).isEqualTo(5);
    assertThat(options.get("rk").isTrue()).isTrue();
    assertThat(options.get("credMgmt").isTrue()).isTrue();
    for (String option : List.of("largeBlobs", "pinUvAuthToken", "makeCredUvNotRqd")) {
      assertThat(options.get(option).isFalse()).as(option).isTrue();
    }
    assertThat(options.ContainsKey("clientPin")).isFalse();
    assertThat(info.get(0x05).AsInt32Value()).isEqualTo(1300);
    assertThat(info.get(0x06).getValues())
        .extracting(CBORObject::AsInt32Value)
        .containsExactly(1, 2);
    assertThat(info.get(0x07).AsInt32Value()).isEqualTo(8);
    assertThat(info.get(0x08).AsInt32Value()).isEqualTo(70);
    assertThat(strings(info.get(0x09))).containsExactly("usb");
    CBORObject algorithms = info.get(0x0A);
    assertThat(algorithms.size()).isEqualTo(2);
    assertThat(algorithms.get(0).get("alg").AsInt32Value()).isEqualTo(-7);
    assertThat(algorithms.get(0).get("type").AsString()).isEqualTo("public-key");
    assertThat(algorithms.get(1).get("alg").AsInt32Value()).isEqualTo(-8);
    assertThat(algorithms.get(1).get("type").AsString()).isEqualTo("public-key");
    assertThat(info.get(0x0B).AsInt32Value()).isEqualTo(4096);
    assertThat(info.get(0x0E).AsInt32Value()).isEqualTo(201);
    assertThat(info.get(0x0F).AsInt32Value()).isEqualTo(32);
  }

  @Test
  @DisplayName("CTAP 2.1 8: getInfo obeys the CTAP2 canonical CBOR rules")
  void getInfo_isCanonicalCbor() {
    CanonicalCbor.check(getInfoBody());
  }

  @Test
  @DisplayName("CTAP 2.1 8: the key's getInfo, with its run-time members, is canonical CBOR too")
  void getInfo_keyHandler_isCanonicalCbor() {
    byte[] response = keyCbor(0x04);
    assertThat(response[0]).isEqualTo((byte) 0x00);
    CanonicalCbor.check(Arrays.copyOfRange(response, 1, response.length));
  }

  @Test
  void canonicalChecker_rejectsWhatSection8Forbids() {
    assertThatThrownBy(() -> CanonicalCbor.check(Hex.decode("A2 02 00 01 00")))
        .hasMessageContaining("order");
    assertThatThrownBy(() -> CanonicalCbor.check(Hex.decode("A2 63 616263 00 61 61 00")))
        .hasMessageContaining("order");
    assertThatThrownBy(() -> CanonicalCbor.check(Hex.decode("18 17")))
        .hasMessageContaining("shortest");
    assertThatThrownBy(() -> CanonicalCbor.check(Hex.decode("9F FF")))
        .hasMessageContaining("indefinite");
    assertThatThrownBy(() -> CanonicalCbor.check(Hex.decode("81 81 81 81 81 00")))
        .hasMessageContaining("nesting");
    CanonicalCbor.check(Hex.decode("A3 01 00 20 00 61 61 00"));
  }

  @Test
  @DisplayName("python-fido2 0.9.1 (a real client) parses getInfo and finds it canonical")
  void getInfo_pythonFido2_acceptsIt() throws IOException, InterruptedException {
    Path python = Path.of("/usr/bin/python3");
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Files.isExecutable(python), "/usr/bin/python3 missing");
      assumeTrue(run(python, "import fido2", "").exitValue == 0, "python3-fido2 missing");
    }
    String script =
        String.join(
            "\n",
            "import sys, binascii",
            "from fido2 import cbor",
            "from fido2.ctap2 import Info",
            "data = binascii.unhexlify(sys.stdin.read().strip())",
            "assert cbor.encode(cbor.decode(data)) == data, 'not canonical'",
            "info = Info(data)",
            "print(info.versions)",
            "print(info.extensions)",
            "print(info.aaguid.hex())",
            "print(sorted(info.options.items()))",
            "print(info.max_msg_size, info.pin_uv_protocols, info.max_creds_in_list,"
                + " info.max_cred_id_length, info.transports)",
            "print(info.algorithms)",
            "print(info.data[Info.KEY.MAX_LARGE_BLOB], info.data[Info.KEY.FIRMWARE_VERSION],"
                + " info.data[Info.KEY.MAX_CRED_BLOB_LENGTH])");

    Result result = run(python, script, Hex.encode(getInfoBody()));

    assertThat(result.exitValue).as(result.stderr).isZero();
    assertThat(result.stdout.lines())
        .containsExactly(
            "['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']",
            "['credBlob', 'credProtect', 'hmac-secret', 'largeBlobKey']",
            "244eb29ee0904e4981fe1f20f8d3b8f4",
            "[('credMgmt', True), ('largeBlobs', False), ('makeCredUvNotRqd', False),"
                + " ('pinUvAuthToken', False), ('rk', True)]",
            "1300 [1, 2] 8 70 ['usb']",
            "[{'alg': -7, 'type': 'public-key'}, {'alg': -8, 'type': 'public-key'}]",
            "4096 201 32");
  }

  private record Result(int exitValue, String stdout, String stderr) {}

  private static Result run(Path python, String script, String stdin)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(python.toString(), "-c", script).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("python3 did not finish");
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void getInfo_trailingBytes_ignored() {
    assertThat(cbor(0x04, 0xA0)).isEqualTo(cbor(0x04));
  }

  @ParameterizedTest(name = "command 0x{0}")
  @ValueSource(strings = {"09", "40", "00", "03", "05", "FF"})
  @DisplayName("CTAP 2.1 6: command bytes that name no command answer CTAP1_ERR_INVALID_COMMAND")
  void unknownCommands_invalidCommandWithoutBody(String command) {
    assertThat(keyCbor(Integer.parseInt(command, 16), 0xA0)).containsExactly(0x01);
  }

  @ParameterizedTest(name = "command 0x{0}")
  @ValueSource(strings = {"01", "02", "06", "0A", "41"})
  @DisplayName("6.1.2, 6.2.2, 6.5.5, 6.8: an empty parameter map is CTAP2_ERR_MISSING_PARAMETER")
  void builtCommands_emptyMap_missingParameter(String command) {
    assertThat(keyCbor(Integer.parseInt(command, 16), 0xA0)).containsExactly(0x14);
  }

  @Test
  @DisplayName("CTAP 2.1 6.4: a request longer than maxMsgSize (1300) is CTAP1_ERR_INVALID_LENGTH")
  void request_longerThanMaxMsgSize_invalidLength() {
    int[] request = new int[1301];
    request[0] = 0x01; // makeCredential: {1: h'00...'} padded out to 1301 bytes
    request[1] = 0xA1;
    request[2] = 0x01;
    request[3] = 0x59;
    request[4] = 0x05;
    request[5] = 0x10;

    assertThat(keyCbor(request)).containsExactly(0x03);
    assertThat(keyCbor(Arrays.copyOf(request, 1300))[0]).isNotEqualTo((byte) 0x03);
  }

  @Test
  @DisplayName("CTAP 2.1 8.2: a request without a command byte is CTAP1_ERR_INVALID_LENGTH")
  void emptyRequest_invalidLength() {
    assertThat(cbor()).containsExactly(0x03);
  }

  @Test
  @DisplayName("U2F raw message formats 6.1: VERSION through handleU2f answers U2F_V2 9000")
  void u2f_version_routedToU2fApplet() {
    Recorder version = new Recorder();
    handler.handleU2f(Hex.decode("00 03 00 00"), version);
    Recorder unknown = new Recorder();
    handler.handleU2f(Hex.decode("00 C0 00 00"), unknown);

    assertThat(version.single()).containsExactly(Hex.decode("5532465F5632 9000"));
    assertThat(unknown.single()).containsExactly(0x6D, 0x00);
  }

  @Test
  @DisplayName("ISO 7816-4 5.1: a message shorter than the 4-byte header answers 6700")
  void u2f_shorterThanHeader_wrongLength() {
    Recorder recorder = new Recorder();
    handler.handleU2f(Hex.decode("00 03 00"), recorder);

    assertThat(recorder.single()).containsExactly(0x67, 0x00);
  }

  @Test
  void cancel_nothingWaiting_noEffect() {
    handler.cancel();

    assertThat(cbor(0x04)[0]).isEqualTo((byte) 0x00);
  }

  private static List<String> strings(CBORObject array) {
    return array.getValues().stream().map(CBORObject::AsString).toList();
  }
}
