package io.vcanokey.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TerminalPresenceTest {

  private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
  private final PrintStream prompts = new PrintStream(shown, true, StandardCharsets.UTF_8);

  @Test
  void confirm_enterPressed_granted() throws IOException {
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      TerminalPresence presence =
          new TerminalPresence(new PipedInputStream(keyboard), prompts, Duration.ofSeconds(30));
      Thread typist = typeAfterPrompt(keyboard, "\n");

      boolean granted = presence.confirm("OATH code for 'mail'");

      assertThat(granted).isTrue();
      assertThat(shown.toString(StandardCharsets.UTF_8))
          .contains("Touch requested: OATH code for 'mail'")
          .contains("Touch granted.");
      typist.interrupt();
    }
  }

  @Test
  void confirm_nTyped_refused() throws IOException {
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      TerminalPresence presence =
          new TerminalPresence(new PipedInputStream(keyboard), prompts, Duration.ofSeconds(30));
      typeAfterPrompt(keyboard, "n\n");

      assertThat(presence.confirm("reset")).isFalse();
      assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Touch refused.");
    }
  }

  @Test
  void confirm_nobodyAnswers_refusedAfterTimeout() {
    TerminalPresence presence =
        new TerminalPresence(
            new ByteArrayInputStream(new byte[0]), prompts, Duration.ofMillis(200));

    assertThat(presence.confirm("reset")).isFalse();
    assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Touch timed out.");
  }

  @Test
  void confirm_answerTypedBeforePrompt_ignored() throws Exception {
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      TerminalPresence presence =
          new TerminalPresence(new PipedInputStream(keyboard), prompts, Duration.ofMillis(300));
      keyboard.write("\n".getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      Thread.sleep(100); // let the reader thread queue the early line

      assertThat(presence.confirm("reset")).isFalse();
    }
  }

  @Test
  void fixedPolicies_answerAtOnce() {
    assertThat(UserPresence.always().confirm("x")).isTrue();
    assertThat(UserPresence.always().policy()).isEqualTo(TouchPolicy.AUTO);
    assertThat(UserPresence.never().confirm("x")).isFalse();
    assertThat(UserPresence.never().policy()).isEqualTo(TouchPolicy.DENY);
  }

  /** Types {@code text} once the prompt has appeared, as a user at the terminal would. */
  @Test
  void ask_enterPressed_answerRunsOnTheKeyThread() throws Exception {
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      TerminalPresence presence =
          new TerminalPresence(new PipedInputStream(keyboard), prompts, Duration.ofSeconds(30));
      LinkedBlockingQueue<Runnable> keyThread = new LinkedBlockingQueue<>();
      List<UserPresence.Touch> answers = new ArrayList<>();
      typeAfterPrompt(keyboard, "\n");

      presence.ask("FIDO: register with example.com", keyThread::add, answers::add);

      assertThat(answers).as("nothing before the key thread runs the answer").isEmpty();
      keyThread.poll(10, TimeUnit.SECONDS).run();
      assertThat(answers).containsExactly(UserPresence.Touch.GRANTED);
    }
  }

  @Test
  void ask_nobodyAnswers_timedOut() throws Exception {
    TerminalPresence presence =
        new TerminalPresence(
            new ByteArrayInputStream(new byte[0]), prompts, Duration.ofMillis(200));
    LinkedBlockingQueue<Runnable> keyThread = new LinkedBlockingQueue<>();
    List<UserPresence.Touch> answers = new ArrayList<>();

    presence.ask("reset", keyThread::add, answers::add);
    keyThread.poll(10, TimeUnit.SECONDS).run();

    assertThat(answers).containsExactly(UserPresence.Touch.TIMED_OUT);
  }

  @Test
  void ask_cancelled_noAnswerAndPromptWithdrawn() throws Exception {
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      TerminalPresence presence =
          new TerminalPresence(new PipedInputStream(keyboard), prompts, Duration.ofSeconds(30));
      LinkedBlockingQueue<Runnable> keyThread = new LinkedBlockingQueue<>();
      List<UserPresence.Touch> answers = new ArrayList<>();

      UserPresence.Pending pending = presence.ask("sign in", keyThread::add, answers::add);
      while (!shown.toString(StandardCharsets.UTF_8).contains("Touch requested")) {
        Thread.sleep(5);
      }
      pending.cancel();
      while (!shown.toString(StandardCharsets.UTF_8).contains("withdrawn")) {
        Thread.sleep(5);
      }
      Runnable late = keyThread.poll(200, TimeUnit.MILLISECONDS);
      if (late != null) {
        late.run();
      }

      assertThat(answers).isEmpty();
    }
  }

  private Thread typeAfterPrompt(PipedOutputStream keyboard, String text) {
    Thread typist =
        new Thread(
            () -> {
              try {
                while (!shown.toString(StandardCharsets.UTF_8).contains("Touch requested")) {
                  Thread.sleep(5);
                }
                keyboard.write(text.getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
              } catch (InterruptedException | IOException e) {
                // the test is over
              }
            });
    typist.setDaemon(true);
    typist.start();
    return typist;
  }
}
