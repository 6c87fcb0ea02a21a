package io.vcanokey.transport.usbredir;

import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_32BITS_BULK_LENGTH;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_64BITS_IDS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_CONNECT_DEVICE_VERSION;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_DEVICE_DISCONNECT_ACK;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_EP_INFO_MAX_PACKET_SIZE;
import static io.vcanokey.transport.usbredir.UsbRedirProto.STATUS_CANCELLED;
import static io.vcanokey.transport.usbredir.UsbRedirProto.STATUS_INVAL;
import static io.vcanokey.transport.usbredir.UsbRedirProto.STATUS_STALL;
import static io.vcanokey.transport.usbredir.UsbRedirProto.STATUS_SUCCESS;

import io.vcanokey.transport.usbredir.UsbRedirPacket.AllocBulkStreams;
import io.vcanokey.transport.usbredir.UsbRedirPacket.AltSettingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkReceivingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkStreamsStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.CancelDataPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ConfigurationStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ControlPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.DeviceConnect;
import io.vcanokey.transport.usbredir.UsbRedirPacket.DeviceDisconnectAck;
import io.vcanokey.transport.usbredir.UsbRedirPacket.EpInfo;
import io.vcanokey.transport.usbredir.UsbRedirPacket.FilterFilter;
import io.vcanokey.transport.usbredir.UsbRedirPacket.FilterReject;
import io.vcanokey.transport.usbredir.UsbRedirPacket.FreeBulkStreams;
import io.vcanokey.transport.usbredir.UsbRedirPacket.GetAltSetting;
import io.vcanokey.transport.usbredir.UsbRedirPacket.GetConfiguration;
import io.vcanokey.transport.usbredir.UsbRedirPacket.Hello;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterfaceInfo;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptReceivingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.IsoPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.IsoStreamStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.Reset;
import io.vcanokey.transport.usbredir.UsbRedirPacket.SetAltSetting;
import io.vcanokey.transport.usbredir.UsbRedirPacket.SetConfiguration;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartBulkReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartInterruptReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartIsoStream;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StopBulkReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StopInterruptReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StopIsoStream;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.Endpoint;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.TransferType;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbTap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One usbredir connection's state machine on the usb-host side (usb-redirection-protocol.md,
 * protocol 0.7): it answers the guest's packets from a {@link UsbDevice} and pushes the device's IN
 * data back, as QEMU's {@code hw/usb/redirect.c} expects.
 *
 * <ul>
 *   <li>Start: our hello; after the guest's hello, ep_info, interface_info and device_connect, in
 *       that order.
 *   <li>Control: control_packet runs {@link UsbDevice#control}; set_configuration and
 *       set_alt_setting send ep_info and interface_info before their status; get_configuration and
 *       get_alt_setting answer with the current value. reset resets the device and has no reply.
 *   <li>Interrupt IN: after start_interrupt_receiving, each report the device queues goes out as an
 *       unsolicited interrupt_packet, ids counting from 0. Interrupt OUT and bulk OUT go to {@link
 *       UsbDevice#dataOut}; the reply carries the status and the length taken.
 *   <li>Bulk IN: a request (length, no data) waits until the device has data for it;
 *       cancel_data_packet answers a waiting request with status cancelled. A cancel that crosses
 *       the answer to the latest request on an endpoint gives that answer's data to the next
 *       request, since QEMU drops an answer to a packet it has cancelled.
 *   <li>Unsupported but well-formed requests (iso streams, bulk streams, bulk receiving, packets
 *       for endpoints the device does not have) get their reply packet with status inval; a filter,
 *       filter reject or disconnect ack we never asked for is logged and ignored.
 * </ul>
 *
 * <p>ep_info and interface_info always describe configuration 1, the device's only one, as a
 * usb-host does for a device its own OS has configured: QEMU then checks speed compatibility and
 * its device filters against the real endpoints and interfaces when the device connects.
 *
 * <p>Every transfer is reported to the {@link UsbTap}; SET/GET_CONFIGURATION and SET/GET_INTERFACE,
 * which usbredir carries as dedicated packets, are reported as the control transfers they stand
 * for.
 *
 * <p>Threading: every method runs on the key thread. Outgoing packets go to an {@link Outbox},
 * which must not block.
 */
public final class UsbRedirSession {

  /** Receives a session's encoded outgoing packets; called on the key thread, must not block. */
  public interface Outbox {
    void send(byte[] frame);
  }

  /** The version string of our hello. */
  public static final String VERSION = "vcanokey 0.1";

  /**
   * The capabilities we announce. QEMU attaches a redirected device to xHCI only if the usb-host
   * has ep_info_max_packet_size, 64bits_ids and 32bits_bulk_length (redirect.c,
   * usbredir_do_attach); bulk_streams, filter and bulk_receiving are not implemented, so not
   * announced.
   */
  public static final UsbRedirCaps CAPS =
      UsbRedirCaps.of(
          CAP_CONNECT_DEVICE_VERSION,
          CAP_DEVICE_DISCONNECT_ACK,
          CAP_EP_INFO_MAX_PACKET_SIZE,
          CAP_64BITS_IDS,
          CAP_32BITS_BULK_LENGTH);

  // Standard request codes (USB 2.0, table 9-4) for the control transfers usbredir carries as
  // dedicated packets.
  static final int REQ_GET_CONFIGURATION = 0x08;
  static final int REQ_SET_CONFIGURATION = 0x09;
  static final int REQ_GET_INTERFACE = 0x0A;
  static final int REQ_SET_INTERFACE = 0x0B;

  private static final Logger log = LoggerFactory.getLogger(UsbRedirSession.class);
  private static final byte[] NO_DATA = new byte[0];

  private final UsbDevice device;
  private final UsbTap tap;
  private final Outbox outbox;
  private final String peerName;

  private UsbRedirCodec codec = new UsbRedirCodec(UsbRedirCodec.Role.HOST, CAPS);
  private boolean helloSeen;
  private boolean closed;

  /** Interrupt IN endpoints the guest receives from, with the id of the next pushed packet. */
  private final Map<Integer, Long> interruptReceiving = new HashMap<>();

  /** Bulk IN requests waiting for data, per endpoint, oldest first. */
  /** Bulk IN requests a guest may park on one endpoint before it counts as hostile. */
  static final int MAX_PENDING_BULK_IN = 256;

  private static final ArrayDeque<BulkRequest> EMPTY_QUEUE = new ArrayDeque<>();

  private final Map<Integer, ArrayDeque<BulkRequest>> bulkRequests = new HashMap<>();

  /**
   * The latest bulk IN answer per endpoint. QEMU drops a reply whose id it has already cancelled
   * (redirect.c, usbredir_is_cancelled), so when a cancel arrives for this very answer the two
   * crossed and its data never reached the guest: it is given to the next request instead. Seen on
   * UHCI, where QEMU cancels a transfer the guest dequeued only after running the guest's next
   * ones.
   */
  private final Map<Integer, BulkAnswer> lastBulkAnswer = new HashMap<>();

  /** Data taken back from crossed answers, served before the device's own IN queue. */
  private final Map<Integer, ArrayDeque<byte[]>> returnedData = new HashMap<>();

  /** IN endpoints that got data while a packet was being handled; served after its reply. */
  private final Set<Integer> readyEndpoints = new LinkedHashSet<>();

  private boolean handling;
  private long nextTapId;

  /** A bulk IN request waiting for data. */
  private record BulkRequest(long id, int endpoint, int length, int streamId, long tapId) {}

  /** The data sent in answer to bulk IN request {@code id}. */
  private record BulkAnswer(long id, byte[] data) {}

  /**
   * A session serving {@code device} to one guest.
   *
   * @param device the key's USB device
   * @param tap observer of every transfer, {@link UsbTap#NONE} for none
   * @param outbox where encoded packets go
   * @param peerName the guest's address, for log lines
   */
  public UsbRedirSession(UsbDevice device, UsbTap tap, Outbox outbox, String peerName) {
    this.device = device;
    this.tap = tap;
    this.outbox = outbox;
    this.peerName = peerName;
  }

  /** Starts the connection: takes the device's IN notifications and sends our hello. */
  public void start() {
    device.setInListener(this::onInReady);
    send(0, new Hello(VERSION, CAPS));
  }

  /**
   * The connection is gone: waiting transfers are dropped (the tap sees them cancelled), the device
   * stops notifying this session and is reset, as if unplugged.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.setInListener(null);
    for (ArrayDeque<BulkRequest> queue : bulkRequests.values()) {
      for (BulkRequest request : queue) {
        tapCancelled(request);
      }
    }
    bulkRequests.clear();
    interruptReceiving.clear();
    returnedData.clear();
    lastBulkAnswer.clear();
    device.reset();
    log.info("usbredir: guest {} disconnected; device reset", peerName);
  }

  /**
   * Handles one packet from the guest.
   *
   * @throws UsbRedirProtocolException if the guest broke the protocol and the connection must end
   */
  public void handle(UsbRedirFrame frame) {
    if (closed) {
      return;
    }
    UsbRedirPacket packet = frame.packet();
    if (!helloSeen && !(packet instanceof Hello)) {
      throw new UsbRedirProtocolException(
          "first packet must be hello, got " + UsbRedirProto.typeName(packet.type()));
    }

    if (!(packet instanceof CancelDataPacket)) {
      // A reused id means the guest is done with the earlier packet of that id: no cancel of it
      // can follow any more.
      lastBulkAnswer.values().removeIf(answer -> answer.id() == frame.id());
    }

    handling = true;
    try {
      dispatch(frame.id(), packet);
    } finally {
      handling = false;
    }

    // Data the device produced while handling the packet goes out after the packet's reply.
    while (!readyEndpoints.isEmpty()) {
      Iterator<Integer> first = readyEndpoints.iterator();
      int endpoint = first.next();
      first.remove();
      serveIn(endpoint);
    }
  }

  /** Whether the guest's hello has arrived. */
  boolean helloSeen() {
    return helloSeen;
  }

  /** The codec of the key thread's side, in its current negotiated state. */
  UsbRedirCodec codec() {
    return codec;
  }

  private void dispatch(long id, UsbRedirPacket packet) {
    if (packet instanceof Hello hello) {
      onHello(hello);
    } else if (packet instanceof ControlPacket control) {
      onControl(id, control);
    } else if (packet instanceof BulkPacket bulk) {
      onBulk(id, bulk);
    } else if (packet instanceof InterruptPacket interrupt) {
      onInterruptOut(id, interrupt);
    } else if (packet instanceof StartInterruptReceiving start) {
      onStartInterruptReceiving(id, start.endpoint());
    } else if (packet instanceof StopInterruptReceiving stop) {
      onStopInterruptReceiving(id, stop.endpoint());
    } else if (packet instanceof CancelDataPacket) {
      onCancel(id);
    } else if (packet instanceof SetConfiguration set) {
      onSetConfiguration(id, set.configuration());
    } else if (packet instanceof GetConfiguration) {
      onGetConfiguration(id);
    } else if (packet instanceof SetAltSetting set) {
      onSetAltSetting(id, set.interfaceNumber(), set.alt());
    } else if (packet instanceof GetAltSetting get) {
      onGetAltSetting(id, get.interfaceNumber());
    } else if (packet instanceof Reset) {
      log.info("usbredir: guest {} reset the device", peerName);
      device.reset();
      // The reset emptied the device's IN queues; data taken back from crossed answers goes too.
      returnedData.clear();
      lastBulkAnswer.clear();
    } else {
      onUnsupported(id, packet);
    }
  }

  private void onHello(Hello hello) {
    if (helloSeen) {
      log.warn("usbredir: guest {} sent a second hello; ignored", peerName);
      return;
    }
    helloSeen = true;
    codec = codec.withPeer(hello.caps());
    log.info(
        "usbredir: guest {} says '{}' ({}, {}-bit ids)",
        peerName,
        hello.version(),
        hello.caps(),
        codec.negotiated(CAP_64BITS_IDS) ? 64 : 32);

    // The usb-host must send ep_info, then interface_info, then device_connect
    // (usb-redirection-protocol.md, usb_redir_device_connect).
    sendEndpointAndInterfaceInfo();
    send(0, deviceConnect());
  }

  private DeviceConnect deviceConnect() {
    byte[] descriptor = device.descriptors().device();
    int speed =
        switch (device.speed()) {
          case LOW -> UsbRedirProto.SPEED_LOW;
          case FULL -> UsbRedirProto.SPEED_FULL;
          case HIGH -> UsbRedirProto.SPEED_HIGH;
          case SUPER -> UsbRedirProto.SPEED_SUPER;
        };
    // Device descriptor fields (USB 2.0, table 9-8): class at 4-6, idVendor 8, idProduct 10,
    // bcdDevice 12.
    return new DeviceConnect(
        speed,
        descriptor[4] & 0xFF,
        descriptor[5] & 0xFF,
        descriptor[6] & 0xFF,
        le16(descriptor, 8),
        le16(descriptor, 10),
        le16(descriptor, 12));
  }

  private void sendEndpointAndInterfaceInfo() {
    List<EpInfo.Endpoint> slots = new ArrayList<>();
    for (int i = 0; i < UsbRedirProto.MAX_ENDPOINTS; i++) {
      slots.add(EpInfo.Endpoint.INVALID);
    }
    int ep0MaxPacketSize = device.descriptors().device()[7] & 0xFF;
    EpInfo.Endpoint control =
        new EpInfo.Endpoint(UsbRedirProto.EP_TYPE_CONTROL, 0, 0, ep0MaxPacketSize, 0);
    slots.set(UsbRedirProto.endpointIndex(0x00), control);
    slots.set(UsbRedirProto.endpointIndex(0x80), control);
    for (Endpoint ep : device.endpoints()) {
      slots.set(
          UsbRedirProto.endpointIndex(ep.address()),
          new EpInfo.Endpoint(
              ep.type().value(), ep.interval(), ep.interfaceNumber(), ep.maxPacketSize(), 0));
    }
    send(0, new EpInfo(slots));

    List<InterfaceInfo.Interface> interfaces = new ArrayList<>();
    for (io.vcanokey.usb.InterfaceInfo info : device.interfaces()) {
      interfaces.add(
          new InterfaceInfo.Interface(
              info.number(), info.interfaceClass(), info.subclass(), info.protocol()));
    }
    send(0, new InterfaceInfo(interfaces));
  }

  private void onControl(long id, ControlPacket packet) {
    int endpoint = packet.endpoint();
    boolean in = packet.isIn();
    if ((endpoint & 0x7F) != 0 || in != ((packet.requestType() & SetupPacket.DIRECTION_IN) != 0)) {
      log.warn(
          "usbredir: control packet on endpoint 0x{} with bmRequestType 0x{}; answered inval",
          hex(endpoint),
          hex(packet.requestType()));
      send(id, controlReply(packet, STATUS_INVAL, NO_DATA, 0));
      return;
    }
    SetupPacket setup =
        new SetupPacket(
            packet.requestType(),
            packet.request(),
            packet.value(),
            packet.index(),
            packet.length());
    byte[] outData = in ? NO_DATA : packet.data();

    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.CONTROL, endpoint, setup, outData, setup.length());
    int configurationBefore = device.configuration();
    ControlResult result = device.control(setup, outData);
    if (device.configuration() != configurationBefore) {
      // A SET_CONFIGURATION sent as a plain control transfer: keep the guest's view current.
      sendEndpointAndInterfaceInfo();
    }

    int status = result.isStall() ? STATUS_STALL : STATUS_SUCCESS;
    byte[] inData = in ? result.data() : NO_DATA;
    int length = result.isStall() ? 0 : in ? inData.length : outData.length;
    send(id, controlReply(packet, status, inData, length));
    tap.complete(tapId, TransferType.CONTROL, endpoint, tapStatus(status), inData);
    log.debug("usbredir: control #{} {} -> {}", id, setup, result);
  }

  private static ControlPacket controlReply(
      ControlPacket request, int status, byte[] data, int length) {
    return new ControlPacket(
        request.endpoint(),
        request.request(),
        request.requestType(),
        status,
        request.value(),
        request.index(),
        length,
        data);
  }

  private void onSetConfiguration(long id, int value) {
    SetupPacket setup = new SetupPacket(0x00, REQ_SET_CONFIGURATION, value, 0, 0);
    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.CONTROL, 0x00, setup, NO_DATA, 0);

    ControlResult result = device.setConfiguration(value);
    if (!result.isStall()) {
      // ep_info and interface_info come before configuration_status (protocol document,
      // usb_redir_configuration_status).
      sendEndpointAndInterfaceInfo();
    }
    int status = result.isStall() ? STATUS_STALL : STATUS_SUCCESS;
    send(id, new ConfigurationStatus(status, device.configuration()));
    tap.complete(tapId, TransferType.CONTROL, 0x00, tapStatus(status), NO_DATA);
    log.debug("usbredir: set_configuration #{} {} -> {}", id, value, result);
  }

  private void onGetConfiguration(long id) {
    SetupPacket setup = new SetupPacket(0x80, REQ_GET_CONFIGURATION, 0, 0, 1);
    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.CONTROL, 0x80, setup, NO_DATA, 1);

    int configuration = device.configuration();
    send(id, new ConfigurationStatus(STATUS_SUCCESS, configuration));
    tap.complete(
        tapId, TransferType.CONTROL, 0x80, UsbTap.STATUS_OK, new byte[] {(byte) configuration});
    log.debug("usbredir: get_configuration #{} -> {}", id, configuration);
  }

  private void onSetAltSetting(long id, int interfaceNumber, int alt) {
    SetupPacket setup = new SetupPacket(0x01, REQ_SET_INTERFACE, alt, interfaceNumber, 0);
    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.CONTROL, 0x00, setup, NO_DATA, 0);

    ControlResult result = device.setInterface(interfaceNumber, alt);
    int status = result.isStall() ? STATUS_STALL : STATUS_SUCCESS;
    if (!result.isStall()) {
      sendEndpointAndInterfaceInfo();
    }
    int current = result.isStall() ? device.alternateSetting(interfaceNumber) : alt;
    send(id, new AltSettingStatus(status, interfaceNumber, current < 0 ? 0xFF : current));
    tap.complete(tapId, TransferType.CONTROL, 0x00, tapStatus(status), NO_DATA);
    log.debug(
        "usbredir: set_alt_setting #{} interface {} alt {} -> {}",
        id,
        interfaceNumber,
        alt,
        result);
  }

  private void onGetAltSetting(long id, int interfaceNumber) {
    SetupPacket setup = new SetupPacket(0x81, REQ_GET_INTERFACE, 0, interfaceNumber, 1);
    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.CONTROL, 0x80, setup, NO_DATA, 1);

    // A missing interface (or an unconfigured device) stalls, as the device itself would.
    int alt = device.alternateSetting(interfaceNumber);
    int status = alt < 0 ? STATUS_STALL : STATUS_SUCCESS;
    send(id, new AltSettingStatus(status, interfaceNumber, alt < 0 ? 0xFF : alt));
    tap.complete(
        tapId,
        TransferType.CONTROL,
        0x80,
        tapStatus(status),
        alt < 0 ? NO_DATA : new byte[] {(byte) alt});
    log.debug("usbredir: get_alt_setting #{} interface {} -> {}", id, interfaceNumber, alt);
  }

  private void onStartInterruptReceiving(long id, int endpoint) {
    Endpoint ep = findEndpoint(endpoint, TransferType.INTERRUPT);
    if (ep == null) {
      log.warn(
          "usbredir: start_interrupt_receiving on 0x{}, not an interrupt IN endpoint; inval",
          hex(endpoint));
      send(id, new InterruptReceivingStatus(STATUS_INVAL, endpoint));
      return;
    }
    // A repeated start keeps the stream running and is answered with success again.
    interruptReceiving.putIfAbsent(endpoint, 0L);
    send(id, new InterruptReceivingStatus(STATUS_SUCCESS, endpoint));
    log.debug("usbredir: interrupt receiving started on 0x{}", hex(endpoint));
    readyEndpoints.add(endpoint);
  }

  private void onStopInterruptReceiving(long id, int endpoint) {
    interruptReceiving.remove(endpoint);
    send(id, new InterruptReceivingStatus(STATUS_SUCCESS, endpoint));
    log.debug("usbredir: interrupt receiving stopped on 0x{}", hex(endpoint));
  }

  private void onInterruptOut(long id, InterruptPacket packet) {
    int endpoint = packet.endpoint();
    Endpoint ep = findEndpoint(endpoint, TransferType.INTERRUPT);
    byte[] data = packet.data();
    if (ep == null || data.length > ep.maxPacketSize()) {
      log.warn(
          "usbredir: interrupt packet of {} bytes on 0x{} does not fit an interrupt OUT endpoint;"
              + " inval",
          data.length,
          hex(endpoint));
      send(id, new InterruptPacket(endpoint, STATUS_INVAL, 0, NO_DATA));
      return;
    }

    long tapId = nextTapId++;
    tap.submit(tapId, TransferType.INTERRUPT, endpoint, null, data, data.length);
    boolean accepted = device.dataOut(endpoint, data);
    int status = accepted ? STATUS_SUCCESS : STATUS_STALL;
    send(id, new InterruptPacket(endpoint, status, accepted ? data.length : 0, NO_DATA));
    tap.complete(tapId, TransferType.INTERRUPT, endpoint, tapStatus(status), NO_DATA);
    log.debug(
        "usbredir: interrupt out #{} 0x{} {} bytes -> {}",
        id,
        hex(endpoint),
        data.length,
        accepted ? "ok" : "stall");
  }

  private void onBulk(long id, BulkPacket packet) {
    int endpoint = packet.endpoint();
    Endpoint ep = findEndpoint(endpoint, TransferType.BULK);
    if (ep == null || packet.streamId() != 0) {
      log.warn(
          "usbredir: bulk packet on 0x{} stream {}: no such bulk endpoint or stream; inval",
          hex(endpoint),
          Integer.toUnsignedString(packet.streamId()));
      send(id, new BulkPacket(endpoint, STATUS_INVAL, 0, packet.streamId(), NO_DATA));
      return;
    }

    if (packet.isIn()
        && bulkRequests.getOrDefault(endpoint, EMPTY_QUEUE).size() >= MAX_PENDING_BULK_IN) {
      // QEMU keeps a handful of bulk IN transfers outstanding; thousands mean a hostile peer.
      throw new UsbRedirProtocolException(
          "more than " + MAX_PENDING_BULK_IN + " bulk IN requests pending on 0x" + hex(endpoint));
    }
    long tapId = nextTapId++;
    if (packet.isIn()) {
      tap.submit(tapId, TransferType.BULK, endpoint, null, NO_DATA, packet.length());
      bulkRequests
          .computeIfAbsent(endpoint, e -> new ArrayDeque<>())
          .add(new BulkRequest(id, endpoint, packet.length(), packet.streamId(), tapId));
      log.debug("usbredir: bulk in #{} 0x{} up to {} bytes", id, hex(endpoint), packet.length());
      readyEndpoints.add(endpoint);
      return;
    }

    byte[] data = packet.data();
    tap.submit(tapId, TransferType.BULK, endpoint, null, data, data.length);
    boolean accepted = device.dataOut(endpoint, data);
    int status = accepted ? STATUS_SUCCESS : STATUS_STALL;
    send(id, new BulkPacket(endpoint, status, accepted ? data.length : 0, 0, NO_DATA));
    tap.complete(tapId, TransferType.BULK, endpoint, tapStatus(status), NO_DATA);
    log.debug(
        "usbredir: bulk out #{} 0x{} {} bytes -> {}",
        id,
        hex(endpoint),
        data.length,
        accepted ? "ok" : "stall");
  }

  /** Tells the tap that a parked bulk IN request ended without data. */
  private void tapCancelled(BulkRequest request) {
    tap.complete(
        request.tapId(), TransferType.BULK, request.endpoint(), UsbTap.STATUS_CANCELLED, NO_DATA);
  }

  private void onCancel(long id) {
    for (ArrayDeque<BulkRequest> queue : bulkRequests.values()) {
      for (Iterator<BulkRequest> it = queue.iterator(); it.hasNext(); ) {
        BulkRequest request = it.next();
        if (request.id() == id) {
          it.remove();
          send(
              id,
              new BulkPacket(request.endpoint(), STATUS_CANCELLED, 0, request.streamId(), NO_DATA));
          tapCancelled(request);
          log.debug("usbredir: bulk in #{} cancelled", id);
          return;
        }
      }
    }
    for (Map.Entry<Integer, BulkAnswer> entry : lastBulkAnswer.entrySet()) {
      BulkAnswer answer = entry.getValue();
      if (answer.id() == id && answer.data().length > 0) {
        int endpoint = entry.getKey();
        lastBulkAnswer.remove(endpoint);
        returnedData.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addFirst(answer.data());
        readyEndpoints.add(endpoint);
        log.info(
            "usbredir: cancel #{} crossed its answer on 0x{}; its {} bytes go to the next request",
            id,
            hex(endpoint),
            answer.data().length);
        return;
      }
    }
    // Control, interrupt and bulk OUT packets complete at once, so the packet has been answered.
    log.debug("usbredir: cancel #{}: no such waiting packet (already answered)", id);
  }

  private void onUnsupported(long id, UsbRedirPacket packet) {
    if (packet instanceof StartIsoStream start) {
      send(id, new IsoStreamStatus(STATUS_INVAL, start.endpoint()));
    } else if (packet instanceof StopIsoStream stop) {
      send(id, new IsoStreamStatus(STATUS_SUCCESS, stop.endpoint()));
    } else if (packet instanceof IsoPacket iso) {
      send(id, new IsoStreamStatus(STATUS_INVAL, iso.endpoint()));
    } else if (packet instanceof AllocBulkStreams alloc) {
      send(id, new BulkStreamsStatus(alloc.endpoints(), alloc.noStreams(), STATUS_INVAL));
    } else if (packet instanceof FreeBulkStreams free) {
      send(id, new BulkStreamsStatus(free.endpoints(), 0, STATUS_INVAL));
    } else if (packet instanceof StartBulkReceiving start) {
      send(id, new BulkReceivingStatus(start.streamId(), start.endpoint(), STATUS_INVAL));
    } else if (packet instanceof StopBulkReceiving stop) {
      send(id, new BulkReceivingStatus(stop.streamId(), stop.endpoint(), STATUS_SUCCESS));
    } else if (packet instanceof FilterFilter filter) {
      log.warn(
          "usbredir: guest {} sent filter '{}' though we announced no filter cap; ignored",
          peerName,
          filter.rules());
      return;
    } else if (packet instanceof FilterReject) {
      log.warn("usbredir: guest {} rejected the device (filter_reject)", peerName);
      return;
    } else if (packet instanceof DeviceDisconnectAck) {
      log.warn("usbredir: guest {} acknowledged a disconnect we never sent; ignored", peerName);
      return;
    } else {
      // Every type the codec lets a guest send is handled above or in dispatch.
      throw new IllegalStateException("no handler for " + packet.getClass().getSimpleName());
    }
    log.warn(
        "usbredir: guest {} sent unsupported {}; answered with an error status",
        peerName,
        UsbRedirProto.typeName(packet.type()));
  }

  /** The device queued IN data on {@code endpoint}. */
  private void onInReady(int endpoint) {
    if (closed) {
      return;
    }
    if (handling) {
      readyEndpoints.add(endpoint);
    } else {
      serveIn(endpoint);
    }
  }

  /** Sends what the device has for {@code endpoint} to whoever waits for it. */
  private void serveIn(int endpoint) {
    if (closed || !helloSeen) {
      return;
    }
    Long nextId = interruptReceiving.get(endpoint);
    if (nextId != null) {
      pushInterruptReports(endpoint, nextId);
    }
    ArrayDeque<BulkRequest> waiting = bulkRequests.get(endpoint);
    while (waiting != null && !waiting.isEmpty()) {
      BulkRequest request = waiting.peek();
      byte[] data = request.length() == 0 ? NO_DATA : takeBulkData(endpoint, request.length());
      if (data == null) {
        return;
      }
      waiting.poll();
      lastBulkAnswer.put(endpoint, new BulkAnswer(request.id(), data));
      send(
          request.id(),
          new BulkPacket(endpoint, STATUS_SUCCESS, data.length, request.streamId(), data));
      tap.complete(request.tapId(), TransferType.BULK, endpoint, UsbTap.STATUS_OK, data);
      log.debug("usbredir: bulk in #{} 0x{} -> {} bytes", request.id(), hex(endpoint), data.length);
    }
  }

  /** Up to {@code maxLength} bytes for bulk IN {@code endpoint}: returned data first. */
  private byte[] takeBulkData(int endpoint, int maxLength) {
    ArrayDeque<byte[]> returned = returnedData.get(endpoint);
    if (returned == null || returned.isEmpty()) {
      return device.pollIn(endpoint, maxLength);
    }
    byte[] head = returned.poll();
    if (head.length <= maxLength) {
      return head;
    }
    returned.addFirst(Arrays.copyOfRange(head, maxLength, head.length));
    return Arrays.copyOf(head, maxLength);
  }

  private void pushInterruptReports(int endpoint, long firstId) {
    Endpoint ep = findEndpoint(endpoint, TransferType.INTERRUPT);
    long id = firstId;
    byte[] report;
    while ((report = device.pollIn(endpoint, ep.maxPacketSize())) != null) {
      long tapId = nextTapId++;
      tap.submit(tapId, TransferType.INTERRUPT, endpoint, null, NO_DATA, ep.maxPacketSize());
      tap.complete(tapId, TransferType.INTERRUPT, endpoint, UsbTap.STATUS_OK, report);
      send(id, new InterruptPacket(endpoint, STATUS_SUCCESS, report.length, report));
      log.debug("usbredir: interrupt in #{} 0x{} {} bytes", id, hex(endpoint), report.length);
      // Ids count from 0 per stream; with 32-bit ids they wrap at 2^32.
      id = codec.negotiated(CAP_64BITS_IDS) ? id + 1 : (id + 1) & 0xFFFFFFFFL;
    }
    interruptReceiving.put(endpoint, id);
  }

  /** The device's endpoint at {@code address} if it has transfer type {@code type}, else null. */
  private Endpoint findEndpoint(int address, TransferType type) {
    for (Endpoint ep : device.endpoints()) {
      if (ep.address() == address && ep.type() == type) {
        return ep;
      }
    }
    return null;
  }

  private void send(long id, UsbRedirPacket packet) {
    outbox.send(codec.encode(id, packet));
  }

  private static int tapStatus(int status) {
    return switch (status) {
      case STATUS_SUCCESS -> UsbTap.STATUS_OK;
      case STATUS_STALL -> UsbTap.STATUS_STALL;
      case STATUS_CANCELLED -> UsbTap.STATUS_CANCELLED;
      default -> UsbTap.STATUS_ERROR;
    };
  }

  private static int le16(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
  }

  private static String hex(int value) {
    return String.format("%02X", value);
  }

  /** Number of bulk IN requests waiting on {@code endpoint}, for tests. */
  int waitingBulkRequests(int endpoint) {
    ArrayDeque<BulkRequest> queue = bulkRequests.get(endpoint);
    return queue == null ? 0 : queue.size();
  }
}
