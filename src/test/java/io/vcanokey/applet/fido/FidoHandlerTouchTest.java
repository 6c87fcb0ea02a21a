package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous test of user presence in {@link FidoHandler}: a request that needs a touch is
 * parked while the user decides, CANCEL ends it with CTAP2_ERR_KEEPALIVE_CANCEL (CTAP 2.1,
 * 11.2.9.1.5), and a U2F message never waits (FIDO U2F raw message formats, 4.1).
 */
class FidoHandlerTouchTest {

  /** A presence service whose user answers only when the test says so. */
  private static final class LatePresence implements UserPresence {
    final Queue<Consumer<Touch>> open = new ArrayDeque<>();
    final List<String> asked = new ArrayList<>();
    int withdrawn;

    @Override
    public boolean confirm(String purpose) {
      throw new AssertionError("the FIDO applet must not block the key thread");
    }

    @Override
    public Pending ask(String purpose, Executor keyThread, Consumer<Touch> answer) {
      asked.add(purpose);
      open.add(answer);
      return () -> {
        open.remove(answer);
        withdrawn++;
      };
    }

    void answer(Touch touch) {
      open.remove().accept(touch);
    }

    @Override
    public TouchPolicy policy() {
      return TouchPolicy.PROMPT;
    }
  }

  private final LatePresence presence = new LatePresence();
  private final FidoTestKey key = FidoTestKey.create(presence);
  private long now = 1_000_000_000L;
  private final FidoHandler handler =
      new FidoHandler(FidoHandler.defaultInfo(), key.context(), Runnable::run, () -> now);

  @AfterEach
  void tearDown() throws Exception {
    key.close();
  }

  private static byte[] makeCredential() {
    CBORObject params = CBORObject.NewMap();
    params.Add(0x01, new byte[32]);
    params.Add(0x02, CBORObject.NewMap().Add("id", "example.com"));
    params.Add(0x03, CBORObject.NewMap().Add("id", new byte[] {1}).Add("name", "u"));
    params.Add(
        0x04,
        CBORObject.NewArray().Add(CBORObject.NewMap().Add("alg", -7).Add("type", "public-key")));
    byte[] body = params.EncodeToBytes();
    byte[] request = new byte[1 + body.length];
    request[0] = 0x01;
    System.arraycopy(body, 0, request, 1, body.length);
    return request;
  }

  private static byte[] u2fRegister() throws NoSuchAlgorithmException {
    byte[] apdu = new byte[7 + 64];
    apdu[1] = 0x01; // REGISTER
    apdu[6] = 64; // extended Lc 00 00 40
    byte[] application = MessageDigest.getInstance("SHA-256").digest("example.com".getBytes());
    System.arraycopy(application, 0, apdu, 7 + 32, 32);
    return apdu;
  }

  private static String sw(byte[] response) {
    return Hex.encode(new byte[] {response[response.length - 2], response[response.length - 1]});
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2 step 14: makeCredential waits for the touch, then completes")
  void makeCredential_touchLater_parksThenCompletes() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(makeCredential(), recorder);

    assertThat(recorder.responses).isEmpty();
    assertThat(recorder.progress).containsExactly("up");
    assertThat(presence.asked).containsExactly("FIDO: register with example.com");

    presence.answer(UserPresence.Touch.GRANTED);

    assertThat(recorder.progress).containsExactly("up", "processing");
    assertThat(recorder.responses).hasSize(1);
    assertThat(recorder.responses.get(0)[0]).isEqualTo((byte) 0x00);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 6.1.2 step 14: a refused or unanswered touch is CTAP2_ERR_OPERATION_DENIED")
  void makeCredential_touchTimedOut_operationDenied() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(makeCredential(), recorder);
    presence.answer(UserPresence.Touch.TIMED_OUT);

    assertThat(recorder.responses).hasSize(1);
    assertThat(recorder.responses.get(0)).containsExactly(0x27);
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.9.1.5: CANCEL ends the wait with CTAP2_ERR_KEEPALIVE_CANCEL (0x2D)")
  void cancel_whileWaiting_keepaliveCancelAndPromptWithdrawn() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(makeCredential(), recorder);

    handler.cancel();

    assertThat(recorder.responses).hasSize(1);
    assertThat(recorder.responses.get(0)).containsExactly(0x2D);
    assertThat(presence.withdrawn).isEqualTo(1);
    assertThat(key.state().get("fido/rk/000")).isEmpty();

    // The key serves the next request normally.
    ResponseRecorder next = new ResponseRecorder();
    handler.handleCbor(makeCredential(), next);
    presence.answer(UserPresence.Touch.GRANTED);
    assertThat(next.responses.get(0)[0]).isEqualTo((byte) 0x00);
  }

  @Test
  @DisplayName("One request at a time: another transport's request meanwhile is CHANNEL_BUSY")
  void handleCbor_whileAnotherWaits_channelBusy() {
    handler.handleCbor(makeCredential(), new ResponseRecorder());

    ResponseRecorder second = new ResponseRecorder();
    handler.handleCbor(makeCredential(), second);

    assertThat(second.responses).hasSize(1);
    assertThat(second.responses.get(0)).containsExactly(0x06);
    assertThat(presence.asked).hasSize(1);
  }

  @Test
  @DisplayName("A power-up (USB reset) withdraws the prompt; the abandoned request ends")
  void powerUp_whileWaiting_withdrawsPrompt() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(makeCredential(), recorder);

    handler.powerUp();

    assertThat(presence.withdrawn).isEqualTo(1);
    assertThat(presence.open).isEmpty();
  }

  @Test
  @DisplayName("U2F 4.1: REGISTER answers 6985 at once; a touch on the prompt serves the next try")
  void u2fRegister_touchOnPrompt_nextTrySucceeds() throws Exception {
    ResponseRecorder first = new ResponseRecorder();
    handler.handleU2f(u2fRegister(), first);
    assertThat(sw(first.responses.get(0))).isEqualTo("6985");
    assertThat(presence.asked).hasSize(1);

    ResponseRecorder retry = new ResponseRecorder();
    handler.handleU2f(u2fRegister(), retry);
    assertThat(sw(retry.responses.get(0))).isEqualTo("6985");
    assertThat(presence.asked).as("one prompt for the retries").hasSize(1);

    presence.answer(UserPresence.Touch.GRANTED);
    ResponseRecorder touched = new ResponseRecorder();
    handler.handleU2f(u2fRegister(), touched);
    assertThat(sw(touched.responses.get(0))).isEqualTo("9000");

    ResponseRecorder after = new ResponseRecorder();
    handler.handleU2f(u2fRegister(), after);
    assertThat(sw(after.responses.get(0))).as("a touch serves one message").isEqualTo("6985");
  }

  @Test
  @DisplayName("U2F: a touch not used within the validity window is forgotten")
  void u2fRegister_staleTouch_conditionsNotSatisfied() throws Exception {
    handler.handleU2f(u2fRegister(), new ResponseRecorder());
    presence.answer(UserPresence.Touch.GRANTED);
    now += FidoHandler.U2F_TOUCH_VALIDITY.toNanos() + 1;

    ResponseRecorder late = new ResponseRecorder();
    handler.handleU2f(u2fRegister(), late);

    assertThat(sw(late.responses.get(0))).isEqualTo("6985");
  }

  @Test
  @DisplayName("CTAP 2.1 6.6: reset whose touch times out is CTAP2_ERR_USER_ACTION_TIMEOUT (0x2F)")
  void reset_touchTimedOut_userActionTimeout() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(new byte[] {0x07}, recorder);
    presence.answer(UserPresence.Touch.TIMED_OUT);

    assertThat(recorder.responses.get(0)).containsExactly(0x2F);
  }

  @Test
  @DisplayName("CTAP 2.1 6.6: the 10-second window counts when reset arrives, not when touched")
  void reset_touchedAfterWindow_stillErases() {
    ResponseRecorder recorder = new ResponseRecorder();
    handler.handleCbor(new byte[] {0x07}, recorder);
    now += 20_000_000_000L; // the user takes 20 s to touch

    presence.answer(UserPresence.Touch.GRANTED);

    assertThat(recorder.responses.get(0)).containsExactly(0x00);
    ResponseRecorder late = new ResponseRecorder();
    handler.handleCbor(new byte[] {0x07}, late);
    assertThat(late.responses.get(0)).as("a new reset now is too late").containsExactly(0x30);
  }
}
