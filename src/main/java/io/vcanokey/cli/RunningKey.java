package io.vcanokey.cli;

import io.vcanokey.core.trace.Tracer;
import io.vcanokey.key.VirtualKey;
import io.vcanokey.transport.ctaphidudp.CtapHidUdpServer;
import io.vcanokey.transport.usbredir.UsbRedirAddress;
import io.vcanokey.transport.usbredir.UsbRedirServer;
import io.vcanokey.transport.vpcd.VpcdAddress;
import io.vcanokey.transport.vpcd.VpcdClient;
import io.vcanokey.usb.UsbTap;
import io.vcanokey.usb.capture.PcapWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A key with its debugging aids and its transports (a usbredir listener, a vpcd connection, or both
 * on the same key), as the command line runs it.
 */
final class RunningKey implements AutoCloseable {

  private final VirtualKey key;
  private final PcapWriter pcap;
  private final UsbRedirServer server;
  private final VpcdClient vpcd;
  private final CtapHidUdpServer ctapHidUdp;

  private RunningKey(
      VirtualKey key,
      PcapWriter pcap,
      UsbRedirServer server,
      VpcdClient vpcd,
      CtapHidUdpServer ctapHidUdp) {
    this.key = key;
    this.pcap = pcap;
    this.server = server;
    this.vpcd = vpcd;
    this.ctapHidUdp = ctapHidUdp;
  }

  /**
   * Opens the key named by {@code options}, starts listening on {@code address} (unless null) and
   * connects to the vpcd reader {@code --vpcd} names (if given).
   */
  static RunningKey start(KeyOptions options, UsbRedirAddress address) throws IOException {
    return start(options, address, null);
  }

  /**
   * As {@link #start(KeyOptions, UsbRedirAddress)}, and also serves CTAPHID over UDP on loopback
   * port {@code ctapHidUdpPort} unless it is null (0 picks a free port).
   */
  static RunningKey start(KeyOptions options, UsbRedirAddress address, Integer ctapHidUdpPort)
      throws IOException {
    Logging.configure(options.debug);
    VpcdAddress vpcdAddress = options.vpcdAddress();
    if (address == null && vpcdAddress == null && ctapHidUdpPort == null) {
      throw new IllegalArgumentException(
          "no transport: give --usbredir, --vpcd, --ctaphid-udp or several");
    }
    Tracer tracer = options.trace == null ? Tracer.OFF : Tracer.forGlobs(options.trace, System.err);
    checkPcapPath(options);
    if (vpcdAddress != null) {
      warnIfRemote(vpcdAddress);
    }
    VirtualKey key = VirtualKey.open(options.file, tracer, options.userPresence());
    PcapWriter pcap = null;
    UsbRedirServer server = null;
    CtapHidUdpServer udp = null;
    try {
      pcap = options.pcap == null ? null : PcapWriter.create(options.pcap);
      UsbTap tap = pcap == null ? UsbTap.NONE : pcap;
      if (address != null) {
        server = new UsbRedirServer(address, key.device(), key.scheduler(), tap);
        server.start();
      }
      VpcdClient vpcd = null;
      if (vpcdAddress != null) {
        vpcd = new VpcdClient(vpcdAddress, key::newCard, key.scheduler());
        vpcd.start();
      }
      if (ctapHidUdpPort != null) {
        udp = new CtapHidUdpServer(ctapHidUdpPort, key.scheduler(), key.ctapHidHandler());
        udp.start();
      }
      return new RunningKey(key, pcap, server, vpcd, udp);
    } catch (IOException | RuntimeException e) {
      if (udp != null) {
        udp.close();
      }
      if (server != null) {
        server.close();
      }
      if (pcap != null) {
        pcap.close();
      }
      key.close();
      throw e;
    }
  }

  /** Warns that APDUs, PINs included, would cross the network to a reader that is not local. */
  private static void warnIfRemote(VpcdAddress address) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(address.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      System.err.println(
          "canokey: warning: connecting to the vpcd reader at "
              + address
              + ", which is not a loopback address: every APDU, PINs included, crosses the"
              + " network, and whoever runs that reader can use this key");
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

  /** The address the usbredir server listens on (with the port chosen for port 0), or null. */
  UsbRedirAddress address() {
    return server == null ? null : server.boundAddress();
  }

  /** The loopback address CTAPHID over UDP is served on, or null without it. */
  InetSocketAddress ctapHidUdpAddress() {
    return ctapHidUdp == null ? null : ctapHidUdp.boundAddress();
  }

  /** The vpcd reader the key connects to, or null without {@code --vpcd}. */
  VpcdAddress vpcdAddress() {
    return vpcd == null ? null : vpcd.address();
  }

  /** One line for the user: which vpcd reader the key connects to, and under which name. */
  String describeVpcd() {
    VpcdAddress address = vpcdAddress();
    String reader = address.defaultReaderName();
    return "connecting to pcscd's vpcd reader at "
        + address
        + (reader == null ? "" : " (reader '" + reader + "')")
        + "; it reconnects whenever pcscd restarts";
  }

  @Override
  public void close() throws IOException {
    try {
      if (ctapHidUdp != null) {
        ctapHidUdp.close();
      }
      if (vpcd != null) {
        vpcd.close();
      }
      if (server != null) {
        server.close();
      }
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
