package io.vcanokey.cli;

import io.vcanokey.transport.ctaphidudp.CtapHidUdpServer;
import io.vcanokey.transport.usbredir.UsbRedirAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code canokey serve}: run a key until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run a key and wait for QEMU's usb-redir device to connect, or appear as a smart card in"
          + " pcscd's vsmartcard reader (--vpcd), or offer FIDO to host libraries as CTAPHID over"
          + " UDP (--ctaphid-udp), or several at once.",
      "Prints the QEMU options that attach the key to a guest."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin KeyOptions key = new KeyOptions();

  /** Where {@code serve} listens for usbredir when no transport option is given. */
  static final String DEFAULT_USBREDIR = "tcp:127.0.0.1:7780";

  @Option(
      names = "--usbredir",
      paramLabel = "tcp:HOST:PORT|unix:PATH",
      description =
          "Where to listen for QEMU's usb-redir chardev (default: "
              + DEFAULT_USBREDIR
              + ", unless only --vpcd or --ctaphid-udp is given). One guest at a time; QEMU may"
              + " disconnect and reconnect.")
  String usbredir;

  @Option(
      names = "--ctaphid-udp",
      arity = "0..1",
      paramLabel = "PORT",
      fallbackValue = "" + CtapHidUdpServer.DEFAULT_PORT,
      description =
          "Also serve the FIDO interface as CTAPHID over UDP on 127.0.0.1:PORT (default "
              + CtapHidUdpServer.DEFAULT_PORT
              + " when given without a value; 0 picks a free port): one 64-byte report per"
              + " datagram, replies to the sender, as the SoloKeys simulator. Loopback only.")
  Integer ctapHidUdp;

  private static boolean isLoopback(UsbRedirAddress address) {
    InetSocketAddress socket = (InetSocketAddress) address.socketAddress();
    return socket.getAddress() != null && socket.getAddress().isLoopbackAddress();
  }

  /** Quotes {@code word} for a POSIX shell when it holds anything but safe characters. */
  static String shellQuote(String word) {
    if (word.matches("[A-Za-z0-9_,.:=/@%+-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  @Override
  public Integer call() throws Exception {
    // No transport option: usbredir on its default address. --vpcd or --ctaphid-udp without
    // --usbredir: those only.
    UsbRedirAddress address = null;
    if (usbredir != null || (key.vpcd == null && ctapHidUdp == null)) {
      address = UsbRedirAddress.parse(usbredir == null ? DEFAULT_USBREDIR : usbredir);
      if (address.kind() == UsbRedirAddress.Kind.TCP && !isLoopback(address)) {
        System.err.println(
            "canokey: warning: listening on "
                + address
                + ", which is not a loopback address: anyone who can reach it can use this key");
      }
    }
    RunningKey running = RunningKey.start(key, address, ctapHidUdp);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    running.close();
                  } catch (Exception e) {
                    System.err.println("canokey: while stopping: " + e.getMessage());
                  }
                  stopped.countDown();
                }));

    String keyName =
        String.format(
            "canokey: key %s (state %s)", running.key().serialNumber(), running.key().stateFile());
    UsbRedirAddress bound = running.address();
    if (bound != null) {
      System.out.printf("%s listening for usbredir on %s%n", keyName, bound);
      // reconnect=1: a QEMU started before the key, or left running while the key restarts, keeps
      // trying every second instead of giving up on the key.
      System.out.printf(
          "QEMU options: -chardev %s -device usb-redir,chardev=canokey%n",
          shellQuote(bound.qemuChardev("canokey") + ",reconnect=1"));
    }
    if (running.vpcdAddress() != null) {
      System.out.printf("%s %s%n", keyName, running.describeVpcd());
    }
    InetSocketAddress udp = running.ctapHidUdpAddress();
    if (udp != null) {
      System.out.printf(
          "%s serving CTAPHID over UDP on %s:%d%n",
          keyName, udp.getAddress().getHostAddress(), udp.getPort());
    }
    System.out.flush();
    stopped.await();
    return 0;
  }
}
