package io.vcanokey.cli;

import io.vcanokey.platform.TerminalPresence;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.transport.vpcd.VpcdAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by {@code serve} and {@code qemu}: which key, and how to watch it. */
final class KeyOptions {

  @Option(
      names = "--file",
      paramLabel = "PATH",
      description =
          "State file of the key, created and provisioned on first use"
              + " (default: ~/.canokey-file).")
  Path file = Path.of(System.getProperty("user.home"), ".canokey-file");

  @Option(
      names = "--pcap",
      paramLabel = "FILE",
      description =
          "Write every USB transfer to FILE as a usbmon pcap (link type 220) for Wireshark.")
  Path pcap;

  @Option(
      names = "--trace",
      paramLabel = "GLOB",
      description =
          "Print named trace events matching GLOB (e.g. 'canokey_*'; several separated by"
              + " commas) on stderr.")
  String trace;

  @Option(
      names = "--touch",
      paramLabel = "POLICY",
      description =
          "How the key answers a request for a touch: auto (granted at once), deny (refused at"
              + " once) or prompt (asked on this terminal, serve only; Enter touches, n refuses). Default:"
              + " auto.")
  TouchPolicy touch = TouchPolicy.AUTO;

  @Option(
      names = "--touch-timeout",
      paramLabel = "SECONDS",
      description =
          "With --touch prompt, refuse a touch nobody answered within SECONDS (default:"
              + " ${DEFAULT-VALUE}). A FIDO request sends CTAPHID keepalives meanwhile, and the"
              + " host's CANCEL withdraws the prompt.")
  int touchTimeout = 15;

  @Option(
      names = "--vpcd",
      arity = "0..1",
      paramLabel = "HOST:PORT",
      fallbackValue = "127.0.0.1:35963",
      description =
          "Also be a smart card in pcscd's vsmartcard reader: connect to its vpcd port at"
              + " HOST:PORT (127.0.0.1:35963, reader 'Virtual PCD 00 00', when given without a"
              + " value) and reconnect every second while pcscd is away. With serve, --vpcd"
              + " without --usbredir serves vpcd only.")
  String vpcd;

  @Option(
      names = "--debug",
      description = "Print the key's internal log (layer, command, status) on stderr.")
  boolean debug;

  /** The vpcd reader {@code --vpcd} names, or null without {@code --vpcd}. */
  VpcdAddress vpcdAddress() {
    return vpcd == null ? null : VpcdAddress.parse(vpcd);
  }

  /** The user-presence service {@code --touch} and {@code --touch-timeout} ask for. */
  UserPresence userPresence() {
    return switch (touch) {
      case AUTO -> UserPresence.always();
      case DENY -> UserPresence.never();
      case PROMPT -> {
        if (touchTimeout < 1) {
          throw new IllegalArgumentException("--touch-timeout must be at least 1 second");
        }
        yield new TerminalPresence(System.in, System.out, Duration.ofSeconds(touchTimeout));
      }
    };
  }
}
