package io.vcanokey.cli;

import java.nio.file.Path;
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
      names = "--debug",
      description = "Print the key's internal log (layer, command, status) on stderr.")
  boolean debug;
}
