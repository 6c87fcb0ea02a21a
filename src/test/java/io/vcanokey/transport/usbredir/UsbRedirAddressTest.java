package io.vcanokey.transport.usbredir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code --usbredir} address syntax of DESIGN.md: {@code tcp:HOST:PORT} or {@code unix:PATH}.
 */
class UsbRedirAddressTest {

  @Test
  void parse_tcpHostPort() {
    UsbRedirAddress address = UsbRedirAddress.parse("tcp:127.0.0.1:7780");

    assertThat(address).isEqualTo(UsbRedirAddress.tcp("127.0.0.1", 7780));
    assertThat(address.toString()).isEqualTo("tcp:127.0.0.1:7780");
    assertThat(address.qemuChardev("ck")).isEqualTo("socket,id=ck,host=127.0.0.1,port=7780");
  }

  @Test
  @DisplayName("with no host, TCP binds loopback")
  void parse_tcpWithoutHost_isLoopback() {
    assertThat(UsbRedirAddress.parse("tcp:7780").host()).isEqualTo("127.0.0.1");
    assertThat(UsbRedirAddress.parse("tcp::7780").host()).isEqualTo("127.0.0.1");
  }

  @Test
  void parse_tcpIpv6InBrackets() {
    UsbRedirAddress address = UsbRedirAddress.parse("tcp:[::1]:7780");

    assertThat(address.host()).isEqualTo("::1");
    assertThat(address.port()).isEqualTo(7780);
    assertThat(address.toString()).isEqualTo("tcp:[::1]:7780");
  }

  @Test
  void parse_unixPath_isAbsolute() {
    UsbRedirAddress address = UsbRedirAddress.parse("unix:/tmp/ck.sock");

    assertThat(address).isEqualTo(UsbRedirAddress.unix(Path.of("/tmp/ck.sock")));
    assertThat(address.qemuChardev("ck")).isEqualTo("socket,id=ck,path=/tmp/ck.sock");
    assertThat(UsbRedirAddress.parse("unix:ck.sock").path()).isAbsolute();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|usbredir address is empty",
        "7780|expected tcp:HOST:PORT",
        "udp:1.2.3.4:5|expected tcp:HOST:PORT",
        "tcp:|port must be a number from 0 to 65535, got ''",
        "tcp:localhost:|port must be a number from 0 to 65535, got ''",
        "tcp:localhost:http|got 'http'",
        "tcp:localhost:65536|got '65536'",
        "tcp:localhost:-1|got '-1'",
        "tcp:::1:7780|put an IPv6 host in brackets",
        "tcp:[::1]7780|an IPv6 host is written [ADDRESS]:PORT",
        "tcp:[]:7780|empty IPv6 host",
        "unix:|missing socket path",
      })
  void parse_invalid_explainsWhy(String text, String message) {
    assertThatThrownBy(() -> UsbRedirAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  @DisplayName("a Unix socket path must fit sockaddr_un.sun_path (107 bytes and a NUL)")
  void parse_unixPathTooLong_fails() {
    String path = "/tmp/" + "x".repeat(120);

    assertThatThrownBy(() -> UsbRedirAddress.parse("unix:" + path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the limit is 107");
  }
}
