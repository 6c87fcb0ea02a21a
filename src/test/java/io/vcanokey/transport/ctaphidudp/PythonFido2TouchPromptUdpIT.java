package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User presence through {@code serve --touch prompt}, seen by a real client: python-fido2 over
 * {@code --ctaphid-udp} (script {@code host/touch_prompt_udp.py}) gets STATUS_UPNEEDED keepalives
 * while the key's terminal prompt is open, ends a wait with CANCEL, and completes makeCredential
 * and U2F REGISTER after this test presses Enter on the key's terminal.
 */
class PythonFido2TouchPromptUdpIT {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "CTAP 2.1 11.2.9.1.5 and 11.2.9.1.7: keepalives every 100 ms while the prompt is open, CANCEL"
          + " answers KEEPALIVE_CANCEL, a touch completes makeCredential and U2F REGISTER")
  void touchPrompt_keepalivesCancelAndTouch() throws Exception {
    try (UdpKeyProcess key = UdpKeyProcess.start(dir, "prompt", "--touch-timeout", "20");
        OutputStream terminal = key.terminal()) {
      List<String> prompts = new ArrayList<>();
      Thread drain = new Thread(() -> drain(key.output(), prompts));
      drain.setDaemon(true);
      drain.start();

      Process client =
          new ProcessBuilder(key.command("touch_prompt_udp.py")).redirectErrorStream(true).start();
      StringBuilder output = new StringBuilder();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.append(line).append('\n');
          if (line.equals("touch-needed")) {
            awaitOpenPrompt(prompts); // a user answers the prompt once it shows
            terminal.write('\n'); // the user presses Enter on the key's prompt
            terminal.flush();
          }
        }
      }
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
      System.out.print(output);
      assertThat(client.exitValue()).as(output.toString()).isZero();
      assertThat(output.toString())
          .contains("ok keepalive:")
          .contains("ok cancel: CTAP2_ERR_KEEPALIVE_CANCEL")
          .contains("ok makeCredential after the touch: packed attestation, UP set")
          .contains("ok U2F register: 6985 at once, then verified after the touch")
          .contains("ALL OK");
      synchronized (prompts) {
        assertThat(String.join("\n", prompts))
            .contains("Touch requested: FIDO: register with example.com")
            .contains("Touch request withdrawn by the host.")
            .contains("Touch granted.");
      }
    }
  }

  /**
   * Waits until the key's terminal shows a prompt not yet answered: the host may hear
   * STATUS_UPNEEDED a moment before the prompt is printed, and Enter typed before a prompt is
   * thrown away, as TerminalPresence documents.
   */
  private static void awaitOpenPrompt(List<String> prompts) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      synchronized (prompts) {
        String last = "";
        for (String line : prompts) {
          if (line.startsWith("Touch ")) {
            last = line;
          }
        }
        if (last.startsWith("Touch requested:")) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no touch prompt on the key's terminal");
  }

  private static void drain(BufferedReader keyOut, List<String> prompts) {
    try {
      for (String line = keyOut.readLine(); line != null; line = keyOut.readLine()) {
        synchronized (prompts) {
          prompts.add(line);
        }
      }
    } catch (IOException e) {
      // the key ended
    }
  }
}
