package io.vcanokey.cli;

import io.vcanokey.core.trace.Tracer;
import io.vcanokey.key.VirtualKey;
import io.vcanokey.transport.usbredir.UsbRedirAddress;
import io.vcanokey.transport.usbredir.UsbRedirServer;
import io.vcanokey.usb.UsbTap;
import io.vcanokey.usb.capture.PcapWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A key with its debugging aids and its usbredir listener, as the command line runs it. */
final class RunningKey implements AutoCloseable {

  private final VirtualKey key;
  private final PcapWriter pcap;
  private final UsbRedirServer server;

  private RunningKey(VirtualKey key, PcapWriter pcap, UsbRedirServer server) {
    this.key = key;
    this.pcap = pcap;
    this.server = server;
  }

  /** Opens the key named by {@code options} and starts listening on {@code address}. */
  static RunningKey start(KeyOptions options, UsbRedirAddress address) throws IOException {
    Logging.configure(options.debug);
    Tracer tracer = options.trace == null ? Tracer.OFF : Tracer.forGlobs(options.trace, System.err);
    checkPcapPath(options);
    VirtualKey key = VirtualKey.open(options.file, tracer, options.userPresence());
    PcapWriter pcap = null;
    try {
      pcap = options.pcap == null ? null : PcapWriter.create(options.pcap);
      UsbTap tap = pcap == null ? UsbTap.NONE : pcap;
      UsbRedirServer server = new UsbRedirServer(address, key.device(), key.scheduler(), tap);
      server.start();
      return new RunningKey(key, pcap, server);
    } catch (IOException | RuntimeException e) {
      if (pcap != null) {
        pcap.close();
      }
      key.close();
      throw e;
    }
  }

  /** Refuses a capture file that would overwrite the key's own files. */
  private static void checkPcapPath(KeyOptions options) throws IOException {
    if (options.pcap == null) {
      return;
    }
    Path pcap = options.pcap.toAbsolutePath().normalize();
    Path state = options.file.toAbsolutePath().normalize();
    for (String suffix : new String[] {"", ".lock", ".tmp"}) {
      Path keyFile = state.resolveSibling(state.getFileName() + suffix);
      boolean same =
          pcap.equals(keyFile)
              || (Files.exists(pcap) && Files.exists(keyFile) && Files.isSameFile(pcap, keyFile));
      if (same) {
        throw new IllegalArgumentException(
            "--pcap " + options.pcap + " would overwrite the key's state file " + keyFile);
      }
    }
  }

  VirtualKey key() {
    return key;
  }

  /** The address the usbredir server listens on (with the port chosen for port 0). */
  UsbRedirAddress address() {
    return server.boundAddress();
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      try {
        if (pcap != null) {
          pcap.close();
        }
      } finally {
        key.close();
      }
    }
  }
}
