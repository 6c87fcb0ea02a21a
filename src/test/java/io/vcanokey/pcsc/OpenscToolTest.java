package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser of opensc-tool's output, on text opensc-tool 0.23 printed against our key. */
class OpenscToolTest {

  @Test
  void parse_unpaddedAndPaddedDumpLines() {
    String output =
        "Sending: 00 A4 04 00 05 F0 00 00 00 00 \n"
            + "Received (SW1=0x90, SW2=0x00)\n"
            + "Sending: 00 31 01 00 00 \n"
            + "Received (SW1=0x90, SW2=0x00):\n"
            + "43 61 6E 6F 4B 65 79 20 51 45 4D 55 CanoKey QEMU\n"
            + "Sending: 00 B0 00 00 13 \n"
            + "Received (SW1=0x90, SW2=0x00):\n"
            + "00 11 D1 01 0D 55 04 63 61 6E 6F 6B 65 79 73 2E .....U.canokeys.\n"
            + "6F 72 67                                        org\n"
            + "Sending: 00 B0 00 00 13 \n"
            + "Received (SW1=0x69, SW2=0x82)\n";

    List<OpenscTool.Response> responses = OpenscTool.parse(output);

    assertThat(responses).hasSize(4);
    assertThat(responses.get(0).hex()).isEmpty();
    assertThat(responses.get(1).hex()).isEqualTo("43616E6F4B6579205145 4D55".replace(" ", ""));
    assertThat(responses.get(2).hex()).isEqualTo("0011D1010D550463616E6F6B6579732E6F7267");
    assertThat(responses.get(3).sw()).isEqualTo(0x6982);
  }
}
