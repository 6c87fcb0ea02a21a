package io.vcanokey.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TracerTest {

  @Test
  void forGlobs_matchesStarQuestionAndLists() {
    Tracer tracer = Tracer.forGlobs("canokey_handle_*, canokey_emu_stall_e?", System.err);

    assertThat(tracer.enabled("canokey_handle_reset")).isTrue();
    assertThat(tracer.enabled("canokey_emu_stall_ep")).isTrue();
    assertThat(tracer.enabled("canokey_emu_transmit")).isFalse();
    assertThat(Tracer.OFF.enabled("canokey_handle_reset")).isFalse();
  }

  @Test
  void forGlobs_rejectsOtherCharacters() {
    assertThatThrownBy(() -> Tracer.forGlobs("canokey_[a-z]", System.err))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("canokey_[a-z]");
    assertThatThrownBy(() -> Tracer.forGlobs("a,,b", System.err))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void event_qemuLogBackendShape() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Tracer tracer = Tracer.forGlobs("*", new PrintStream(buffer, true, StandardCharsets.UTF_8));

    tracer.event("canokey_handle_data_out", "ep %d len %d", 1, 64);

    assertThat(buffer.toString(StandardCharsets.UTF_8))
        .matches("\\d+@\\d+\\.\\d{6}:canokey_handle_data_out ep 1 len 64\\R");
  }
}
