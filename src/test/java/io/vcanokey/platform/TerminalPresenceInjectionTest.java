package io.vcanokey.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Breaker regression: a touch prompt's purpose carries text the host chose (a CTAP2 rp.id, an OATH
 * credential name), and must reach the terminal without control characters. Against the running key
 * (--touch prompt) a makeCredential whose rp.id was "evil.example\r\e[2KTouch requested: FIDO: sign
 * in to bank.example\e]0;owned\a" erased the real prompt line, showed a forged one and set the
 * terminal's title; the --debug log lines carried the same bytes.
 */
class TerminalPresenceInjectionTest {

  @Test
  @DisplayName("Control characters in a prompt's purpose never reach the terminal")
  void confirm_purposeWithControlCharacters_shownWithout() {
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    TerminalPresence presence =
        new TerminalPresence(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(shown, true, StandardCharsets.UTF_8),
            Duration.ofMillis(100));

    presence.confirm(
        "FIDO: register with evil.example\r\u001b[2KTouch requested: FIDO: sign in to"
            + " bank.example\u001b]0;owned\u0007\u009b2K\nforged line");

    String text = shown.toString(StandardCharsets.UTF_8);
    String withoutLineEnds = text.replace(System.lineSeparator(), "");
    assertThat(withoutLineEnds.codePoints().filter(Character::isISOControl).toArray()).isEmpty();
    assertThat(text.lines().filter(l -> l.startsWith("Touch requested:")).count()).isEqualTo(1);
  }
}
