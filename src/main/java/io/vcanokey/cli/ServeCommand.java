package io.vcanokey.cli;

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
      "Run a key and wait for QEMU's usb-redir device to connect.",
      "Prints the QEMU options that attach the key to a guest."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin KeyOptions key = new KeyOptions();

  @Option(
      names = "--usbredir",
      paramLabel = "tcp:HOST:PORT|unix:PATH",
      description =
          "Where to listen for QEMU's usb-redir chardev (default: ${DEFAULT-VALUE}). One guest"
              + " at a time; QEMU may disconnect and reconnect.")
  String usbredir = "tcp:127.0.0.1:7780";

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
    UsbRedirAddress address = UsbRedirAddress.parse(usbredir);
    if (address.kind() == UsbRedirAddress.Kind.TCP && !isLoopback(address)) {
      System.err.println(
          "canokey: warning: listening on "
              + address
              + ", which is not a loopback address: anyone who can reach it can use this key");
    }
    RunningKey running = RunningKey.start(key, address);
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

    UsbRedirAddress bound = running.address();
    System.out.printf(
        "canokey: key %s (state %s) listening for usbredir on %s%n",
        running.key().serialNumber(), running.key().stateFile(), bound);
    // reconnect=1: a QEMU started before the key, or left running while the key restarts, keeps
    // trying every second instead of giving up on the key.
    System.out.printf(
        "QEMU options: -chardev %s -device usb-redir,chardev=canokey%n",
        shellQuote(bound.qemuChardev("canokey") + ",reconnect=1"));
    System.out.flush();
    stopped.await();
    return 0;
  }
}
