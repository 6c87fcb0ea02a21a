package io.vcanokey.transport.vpcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VpcdAddressTest {

  @Test
  void parse_hostAndPort_bothKept() {
    assertThat(VpcdAddress.parse("127.0.0.1:35963")).isEqualTo(VpcdAddress.DEFAULT);
    assertThat(VpcdAddress.parse("localhost:35964")).isEqualTo(new VpcdAddress("localhost", 35964));
  }

  @Test
  void parse_bracketedIpv6_hostWithoutBrackets() {
    VpcdAddress address = VpcdAddress.parse("[::1]:35963");
    assertThat(address.host()).isEqualTo("::1");
    assertThat(address).hasToString("[::1]:35963");
  }

  @Test
  void parse_malformed_rejectedNamingTheText() {
    for (String bad :
        new String[] {"", "35963", "host:", ":35963", "::1:35963", "h:0", "h:65536", "h:x"}) {
      assertThatThrownBy(() -> VpcdAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void defaultReaderName_stockPorts_virtualPcdSlots() {
    assertThat(VpcdAddress.DEFAULT.defaultReaderName()).isEqualTo("Virtual PCD 00 00");
    assertThat(new VpcdAddress("h", 35964).defaultReaderName()).isEqualTo("Virtual PCD 00 01");
    assertThat(new VpcdAddress("h", 4000).defaultReaderName()).isNull();
  }
}
