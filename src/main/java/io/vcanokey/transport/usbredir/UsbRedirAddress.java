package io.vcanokey.transport.usbredir;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where the usbredir server listens: {@code tcp:HOST:PORT} or {@code unix:PATH}, the syntax of the
 * command line's {@code --usbredir} option (DESIGN.md, "Command line"). {@code tcp:PORT} and {@code
 * tcp::PORT} mean the loopback address 127.0.0.1; an IPv6 host goes in brackets ({@code
 * tcp:[::1]:7780}); port 0 asks the system for a free port.
 *
 * @param kind TCP or Unix-domain socket
 * @param host the TCP host name or address; null for a Unix socket
 * @param port the TCP port; 0 for a Unix socket
 * @param path the socket file; null for TCP
 */
public record UsbRedirAddress(Kind kind, String host, int port, Path path) {

  /** The two kinds of listening socket. */
  public enum Kind {
    TCP,
    UNIX
  }

  /** The address a TCP listener binds to when the option names no host. */
  public static final String LOOPBACK = "127.0.0.1";

  /**
   * Longest Unix socket path: {@code sun_path} in Linux's {@code struct sockaddr_un} holds 108
   * bytes including the terminating NUL.
   */
  public static final int MAX_UNIX_PATH_BYTES = 107;

  private static final String SYNTAX = "expected tcp:HOST:PORT, tcp:PORT or unix:PATH";

  public UsbRedirAddress {
    if (kind == Kind.TCP && (host == null || port < 0 || port > 0xFFFF || path != null)) {
      throw new IllegalArgumentException("a TCP address needs a host and a port 0..65535");
    }
    if (kind == Kind.UNIX && (host != null || port != 0 || path == null)) {
      throw new IllegalArgumentException("a Unix socket address needs a path and nothing else");
    }
  }

  /** A TCP address. */
  public static UsbRedirAddress tcp(String host, int port) {
    return new UsbRedirAddress(Kind.TCP, host, port, null);
  }

  /** A Unix-domain socket address. */
  public static UsbRedirAddress unix(Path path) {
    return new UsbRedirAddress(Kind.UNIX, null, 0, path);
  }

  /**
   * Parses {@code tcp:HOST:PORT}, {@code tcp:PORT}, {@code tcp:[IPV6]:PORT} or {@code unix:PATH}.
   *
   * @throws IllegalArgumentException with a message saying what was expected and what was given
   */
  public static UsbRedirAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("usbredir address is empty; " + SYNTAX);
    }
    if (text.startsWith("tcp:")) {
      return parseTcp(text, text.substring(4));
    }
    if (text.startsWith("unix:")) {
      return parseUnix(text, text.substring(5));
    }
    throw new IllegalArgumentException("usbredir address '" + text + "' is not valid; " + SYNTAX);
  }

  private static UsbRedirAddress parseTcp(String text, String rest) {
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(
            "usbredir address '" + text + "': an IPv6 host is written [ADDRESS]:PORT");
      }
      host = rest.substring(1, close);
      port = rest.substring(close + 2);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("usbredir address '" + text + "': empty IPv6 host");
      }
    } else {
      int colon = rest.lastIndexOf(':');
      host = colon < 0 ? "" : rest.substring(0, colon);
      port = colon < 0 ? rest : rest.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException(
            "usbredir address '" + text + "': put an IPv6 host in brackets, as tcp:[::1]:7780");
      }
    }
    return tcp(host.isEmpty() ? LOOPBACK : host, parsePort(text, port));
  }

  private static int parsePort(String text, String port) {
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 0xFFFF) {
      throw new IllegalArgumentException(
          "usbredir address '"
              + text
              + "': port must be a number from 0 to 65535, got '"
              + port
              + "'");
    }
    return Integer.parseInt(port);
  }

  private static UsbRedirAddress parseUnix(String text, String rest) {
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("usbredir address '" + text + "': missing socket path");
    }
    Path path;
    try {
      path = Path.of(rest).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "usbredir address '" + text + "': invalid socket path: " + e.getReason());
    }
    int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_UNIX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "usbredir address '"
              + text
              + "': socket path is "
              + bytes
              + " bytes long, the limit is "
              + MAX_UNIX_PATH_BYTES);
    }
    return unix(path);
  }

  /** The socket address to bind; resolves the TCP host name. */
  public SocketAddress socketAddress() {
    return kind == Kind.TCP ? new InetSocketAddress(host, port) : UnixDomainSocketAddress.of(path);
  }

  /**
   * QEMU's {@code -chardev} argument that connects to this address, for {@code -device
   * usb-redir,chardev=ID}. Commas in a socket path are doubled, as QEMU's option syntax requires.
   */
  public String qemuChardev(String id) {
    return kind == Kind.TCP
        ? "socket,id=" + id + ",host=" + host + ",port=" + port
        : "socket,id=" + id + ",path=" + path.toString().replace(",", ",,");
  }

  @Override
  public String toString() {
    if (kind == Kind.UNIX) {
      return "unix:" + path;
    }
    return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
