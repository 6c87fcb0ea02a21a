package io.vcanokey.transport.vpcd;

import java.net.InetSocketAddress;

/**
 * Where pcscd's vpcd reader listens for the virtual card: a host and a TCP port (vsmartcard {@code
 * virtualsmartcard/doc/api.txt}; the reader of slot {@code n} listens on {@value #DEFAULT_PORT} +
 * n). Written {@code HOST:PORT}, or {@code [IPV6]:PORT} for an IPv6 literal.
 */
public record VpcdAddress(String host, int port) {

  /** vpcd's port for its first slot, reader "Virtual PCD 00 00" (0x8C7B, vpcd.h VPCDPORT). */
  public static final int DEFAULT_PORT = 35963;

  /** The address {@code --vpcd} uses when given without a value. */
  public static final VpcdAddress DEFAULT = new VpcdAddress("127.0.0.1", DEFAULT_PORT);

  public VpcdAddress {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("vpcd address needs a host");
    }
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("vpcd port must be 1 to 65535, got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT} or {@code [IPV6]:PORT}.
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static VpcdAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw invalid(text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw invalid(text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    try {
      return new VpcdAddress(host, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid vpcd address '" + text + "': " + e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid vpcd address '" + text + "': expected HOST:PORT, e.g. 127.0.0.1:35963");
  }

  /** A socket address, resolving the host now (each reconnection resolves it again). */
  InetSocketAddress resolve() {
    return new InetSocketAddress(host, port);
  }

  /**
   * The PC/SC reader name vpcd gives this port with its stock configuration ("Virtual PCD 00 00"
   * for {@value #DEFAULT_PORT}, "Virtual PCD 00 01" for the next), or null for another port.
   */
  public String defaultReaderName() {
    int slot = port - DEFAULT_PORT;
    return slot == 0 || slot == 1 ? "Virtual PCD 00 0" + slot : null;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
