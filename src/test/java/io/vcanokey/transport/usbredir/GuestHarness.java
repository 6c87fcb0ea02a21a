package io.vcanokey.transport.usbredir;

import io.vcanokey.core.trace.Tracer;
import io.vcanokey.transport.usbredir.UsbRedirCodec.Role;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.InPipe;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.TransferType;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbFunction;
import io.vcanokey.usb.UsbTap;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link UsbRedirSession} the way QEMU does, through real encoding: packets are encoded by
 * a guest-side codec, decoded by a host-side codec as the connection's reader would, handed to the
 * session, and the session's output is decoded again by the guest-side codec. The device is a real
 * {@link UsbDevice} with CanoKey descriptors whose CTAPHID and CCID interfaces echo every OUT
 * transfer back on their IN endpoint.
 */
final class GuestHarness {

  /** QEMU 7.2.22's hello as observed on the wire here. */
  static final UsbRedirCaps QEMU_CAPS = new UsbRedirCaps(0xFF);

  final UsbDevice device = new UsbDevice(new CanoKeyDescriptors("0123ABCD"), Tracer.OFF);
  final RecordingTap tap = new RecordingTap();
  final UsbRedirSession session;
  final EchoFunction ctaphid = new EchoFunction(device.inPipe(CanoKeyDescriptors.EP_CTAPHID_IN));
  final EchoFunction ccid = new EchoFunction(device.inPipe(CanoKeyDescriptors.EP_CCID_IN));

  private final List<byte[]> wire = new ArrayList<>();
  private UsbRedirCodec guest;
  private UsbRedirCodec host = new UsbRedirCodec(Role.HOST, UsbRedirSession.CAPS);

  GuestHarness() {
    this(QEMU_CAPS);
  }

  GuestHarness(UsbRedirCaps guestCaps) {
    guest = new UsbRedirCodec(Role.GUEST, guestCaps);
    device.bind(CanoKeyDescriptors.INTERFACE_CTAPHID, ctaphid);
    device.bind(CanoKeyDescriptors.INTERFACE_CCID, ccid);
    session = new UsbRedirSession(device, tap, wire::add, "test guest");
  }

  /** Starts the session and performs the hello exchange; returns what the host sent. */
  List<UsbRedirFrame> connect() {
    session.start();
    List<UsbRedirFrame> frames = new ArrayList<>(received());
    send(0, new UsbRedirPacket.Hello("qemu usb-redir guest 7.2.22", guest.ours()));
    frames.addAll(received());
    return frames;
  }

  /** Connects and puts the device in configuration 1, discarding the replies. */
  GuestHarness configured() {
    connect();
    send(1, new UsbRedirPacket.SetConfiguration(1));
    received();
    tap.clear();
    return this;
  }

  /** Sends one packet from the guest and lets the session handle it. */
  void send(long id, UsbRedirPacket packet) {
    sendBytes(guest.encode(id, packet));
  }

  /** Sends raw bytes (one whole packet) from the guest. */
  void sendBytes(byte[] bytes) {
    UsbRedirFrame frame = host.decode(bytes);
    if (frame.packet() instanceof UsbRedirPacket.Hello hello && !host.peerKnown()) {
      host = host.withPeer(hello.caps());
    }
    session.handle(frame);
  }

  /** Everything the host sent since the last call, decoded by the guest's codec. */
  List<UsbRedirFrame> received() {
    List<UsbRedirFrame> frames = new ArrayList<>();
    for (byte[] bytes : wire) {
      UsbRedirFrame frame = guest.decode(bytes);
      if (frame.packet() instanceof UsbRedirPacket.Hello hello && !guest.peerKnown()) {
        guest = guest.withPeer(hello.caps());
      }
      frames.add(frame);
    }
    wire.clear();
    return frames;
  }

  /** The raw bytes the host sent since the last call. */
  List<byte[]> receivedBytes() {
    List<byte[]> copy = new ArrayList<>(wire);
    wire.clear();
    return copy;
  }

  /** A function that sends every OUT transfer back on its IN endpoint. */
  static final class EchoFunction implements UsbFunction {
    final InPipe in;
    int resets;

    EchoFunction(InPipe in) {
      this.in = in;
    }

    @Override
    public ControlResult classRequest(SetupPacket setup, byte[] data) {
      return ControlResult.stall();
    }

    @Override
    public void dataOut(int endpointAddress, byte[] data) {
      in.send(data);
    }

    @Override
    public void reset() {
      resets++;
    }
  }

  /**
   * Records tap events as readable lines, "S t0 type ep setup len out" and "C t0 type ep status
   * in"; transfer ids are renamed t0, t1, ... in order of first appearance, so tests check the
   * pairing of submit and complete rather than the numbers themselves.
   */
  static final class RecordingTap implements UsbTap {
    final List<String> events = new ArrayList<>();
    private final java.util.Map<Long, String> names = new java.util.HashMap<>();

    void clear() {
      events.clear();
      names.clear();
    }

    private String name(long id) {
      return names.computeIfAbsent(id, k -> "t" + names.size());
    }

    @Override
    public void submit(
        long id, TransferType type, int endpoint, SetupPacket setup, byte[] data, int length) {
      events.add(
          String.format(
              "S %s %s %02X %s len=%d out=%d",
              name(id),
              type,
              endpoint,
              setup == null ? "-" : setup.toString(),
              length,
              data.length));
    }

    @Override
    public void complete(long id, TransferType type, int endpoint, int status, byte[] data) {
      events.add(
          String.format(
              "C %s %s %02X status=%d in=%d", name(id), type, endpoint, status, data.length));
    }
  }
}
