package io.vcanokey.applet.fido.ctap2;

import static io.vcanokey.applet.fido.ctap2.FidoKeyDriver.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Breaker regression: with alwaysUv on and no PIN set, makeCredential and getAssertion (with user
 * presence) must answer CTAP2_ERR_PUAT_REQUIRED, since the key supports clientPin (CTAP 2.1, 6.1.2
 * step 6.2.1 and 6.2.2 step 5.1.1: "If the clientPin option ID is present (clientPin is supported):
 * end the operation by returning CTAP2_ERR_PUAT_REQUIRED"). The key answers CTAP2_ERR_PIN_NOT_SET.
 */
class Breaker2AlwaysUvTest {

  /** CTAP2_ERR_PUAT_REQUIRED (CTAP 2.1, 8.2 status codes). */
  private static final int CTAP2_ERR_PUAT_REQUIRED = 0x36;

  @TempDir Path dir;
  private FidoKeyDriver key;

  @BeforeEach
  void setUp() throws Exception {
    key = new FidoKeyDriver(dir);
    // toggleAlwaysUv (6.11.2) needs no token while no PIN is set
    assertThat(status(key.send(0x0D, CBORObject.NewMap().Add(0x01, 0x02)))).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2 step 6: alwaysUv, no PIN, clientPin supported -> PUAT_REQUIRED")
  void makeCredential_alwaysUvNoPin_puatRequired() throws Exception {
    assertThat(status(key.send(0x01, key.makeCredentialRequest(false))))
        .isEqualTo(CTAP2_ERR_PUAT_REQUIRED);
  }

  @Test
  @DisplayName("CTAP 2.1 6.2.2 step 5: alwaysUv, no PIN, up requested -> PUAT_REQUIRED")
  void getAssertion_alwaysUvNoPin_puatRequired() throws Exception {
    assertThat(status(key.send(0x02, key.getAssertionRequest())))
        .isEqualTo(CTAP2_ERR_PUAT_REQUIRED);
  }
}
