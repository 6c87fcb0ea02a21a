package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoTestKey;
import io.vcanokey.applet.fido.ResponseRecorder;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CTAP 2.1, section 8: request parameters must be one well-formed data item in the CTAP2 canonical
 * CBOR encoding form; anything else is CTAP2_ERR_INVALID_CBOR (0x12), for every command that takes
 * parameters. The encodings below are written by hand after RFC 8949 and section 8.
 */
class CanonicalRequestTest {

  private final FidoTestKey key = FidoTestKey.create(UserPresence.always());
  private final FidoHandler handler = new FidoHandler(key.context());

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  private byte[] send(String hex) {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(Hex.decode(hex), recorder);
    List<byte[]> answers = recorder.responses;
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  @ParameterizedTest(name = "{0}: {2}")
  @DisplayName(
      "CTAP 2.1 section 8: malformed or non-canonical parameters -> CTAP2_ERR_INVALID_CBOR")
  @CsvSource({
    // command byte, parameters, what is wrong
    "01, a2020301a0, map keys out of order (2 before 1)",
    "01, a1180102, integer key not in its shortest form",
    "01, a201020102, duplicate map key",
    "01, bf0102ff, indefinite-length map",
    "01, a10102ff, a second item after the map",
    "01, a1015820, byte string shorter than its length",
    "01, a101a101a101a101a10102, five levels of nesting",
    "02, c0a10102, a tag",
    "06, a2020101 01, clientPIN map keys out of order",
    "06, a10101 00, clientPIN parameters followed by a stray byte",
  })
  void request_notCanonical_invalidCbor(String command, String parameters, String what) {
    byte[] response = send(command + parameters.replace(" ", ""));

    assertThat(response).as(what).containsExactly(0x12);
  }
}
