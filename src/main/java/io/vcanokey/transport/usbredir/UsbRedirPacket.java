package io.vcanokey.transport.usbredir;

import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_32BITS_BULK_LENGTH;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_BULK_STREAMS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_CONNECT_DEVICE_VERSION;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_EP_INFO_MAX_PACKET_SIZE;
import static io.vcanokey.transport.usbredir.UsbRedirProto.MAX_ENDPOINTS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.MAX_INTERFACES;
import static io.vcanokey.transport.usbredir.UsbRedirProto.VERSION_LENGTH;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One usbredir packet without its {@code usb_redir_header}: the type-specific header and, for the
 * packets that have it, the additional data. One record per packet type of protocol 0.7; field
 * names, order and widths follow the structs of spice-usbredir's {@code
 * usbredirparser/usbredirproto.h}, and each record's {@code decode} and {@code encode} read and
 * write exactly that packed little-endian layout. Optional fields (device_version_bcd,
 * max_packet_size, max_streams, length_high) are on the wire only when both peers announced the
 * matching capability; the {@link WireReader} and {@link WireWriter} say whether they did.
 *
 * <p>The data packets' {@code toString} gives the data's length, never its bytes: CCID and CTAPHID
 * payloads may hold PINs.
 *
 * <p>Records check that each field fits its wire width; a value that does not is a caller bug
 * ({@link IllegalArgumentException}). Malformed input is rejected by {@link UsbRedirCodec} before
 * any record is built.
 */
public sealed interface UsbRedirPacket {

  /** The packet type, one of the {@code TYPE_} constants of {@link UsbRedirProto}. */
  int type();

  /** Writes the type-specific header and the additional data. */
  void encode(WireWriter out);

  /** {@code usb_redir_hello_header}: version string and capability words (always 32-bit ids). */
  record Hello(String version, UsbRedirCaps caps) implements UsbRedirPacket {
    public Hello {
      if (version.getBytes(StandardCharsets.ISO_8859_1).length >= VERSION_LENGTH) {
        throw new IllegalArgumentException("hello version must be shorter than 64 bytes");
      }
    }

    static Hello decode(WireReader in) {
      String version = in.text(VERSION_LENGTH);
      // spice-usbredir's own parser accepts a version that fills all 64 bytes with no NUL and cuts
      // it to 63 characters; so do we.
      if (version.length() >= VERSION_LENGTH) {
        version = version.substring(0, VERSION_LENGTH - 1);
      }
      // The capability array may have any number of words; protocol 0.7 uses only the first.
      int bits = in.remaining() >= 4 ? in.u32() : 0;
      in.rest();
      return new Hello(version, new UsbRedirCaps(bits));
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_HELLO;
    }

    @Override
    public void encode(WireWriter out) {
      out.text(version, VERSION_LENGTH).u32(caps.bits());
    }
  }

  /**
   * {@code usb_redir_device_connect_header}; device_version_bcd only with cap
   * connect_device_version on both sides.
   */
  record DeviceConnect(
      int speed,
      int deviceClass,
      int deviceSubclass,
      int deviceProtocol,
      int vendorId,
      int productId,
      int deviceVersionBcd)
      implements UsbRedirPacket {
    public DeviceConnect {
      u8("speed", speed);
      u8("device_class", deviceClass);
      u8("device_subclass", deviceSubclass);
      u8("device_protocol", deviceProtocol);
      u16("vendor_id", vendorId);
      u16("product_id", productId);
      u16("device_version_bcd", deviceVersionBcd);
    }

    static DeviceConnect decode(WireReader in) {
      return new DeviceConnect(
          in.u8(),
          in.u8(),
          in.u8(),
          in.u8(),
          in.u16(),
          in.u16(),
          in.negotiated(CAP_CONNECT_DEVICE_VERSION) ? in.u16() : 0);
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_DEVICE_CONNECT;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(speed).u8(deviceClass).u8(deviceSubclass).u8(deviceProtocol);
      out.u16(vendorId).u16(productId);
      if (out.negotiated(CAP_CONNECT_DEVICE_VERSION)) {
        out.u16(deviceVersionBcd);
      }
    }
  }

  /** {@code usb_redir_device_disconnect}: no type-specific header. */
  record DeviceDisconnect() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_DEVICE_DISCONNECT;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /** {@code usb_redir_reset}: no type-specific header. */
  record Reset() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_RESET;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /**
   * {@code usb_redir_interface_info_header}: interface_count, then four 32-byte arrays (number,
   * class, subclass, protocol), unused slots zero.
   */
  record InterfaceInfo(List<Interface> interfaces) implements UsbRedirPacket {

    /** One interface slot. */
    public record Interface(int number, int interfaceClass, int subclass, int protocol) {
      public Interface {
        u8("interface", number);
        u8("interface_class", interfaceClass);
        u8("interface_subclass", subclass);
        u8("interface_protocol", protocol);
      }
    }

    public InterfaceInfo {
      if (interfaces.size() > MAX_INTERFACES) {
        throw new IllegalArgumentException("interface_count above 32: " + interfaces.size());
      }
      interfaces = List.copyOf(interfaces);
    }

    static InterfaceInfo decode(WireReader in) {
      int count = in.u32();
      byte[] number = in.bytes(MAX_INTERFACES);
      byte[] interfaceClass = in.bytes(MAX_INTERFACES);
      byte[] subclass = in.bytes(MAX_INTERFACES);
      byte[] protocol = in.bytes(MAX_INTERFACES);
      if (count < 0 || count > MAX_INTERFACES) {
        throw new UsbRedirProtocolException(
            "interface_info: interface_count must be 0..32, got "
                + Integer.toUnsignedString(count));
      }
      List<Interface> list = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        list.add(
            new Interface(
                number[i] & 0xFF,
                interfaceClass[i] & 0xFF,
                subclass[i] & 0xFF,
                protocol[i] & 0xFF));
      }
      return new InterfaceInfo(list);
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_INTERFACE_INFO;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(interfaces.size());
      byte[][] columns = new byte[4][MAX_INTERFACES];
      for (int i = 0; i < interfaces.size(); i++) {
        Interface entry = interfaces.get(i);
        columns[0][i] = (byte) entry.number();
        columns[1][i] = (byte) entry.interfaceClass();
        columns[2][i] = (byte) entry.subclass();
        columns[3][i] = (byte) entry.protocol();
      }
      for (byte[] column : columns) {
        out.bytes(column);
      }
    }
  }

  /**
   * {@code usb_redir_ep_info_header}: for each of the 32 endpoint slots (OUT 0-15, then IN 0-15) a
   * type, interval and interface array, then max_packet_size (cap ep_info_max_packet_size) and
   * max_streams (cap bulk_streams).
   */
  record EpInfo(List<Endpoint> endpoints) implements UsbRedirPacket {

    /** One endpoint slot; see {@link UsbRedirProto#endpointIndex(int)} for the slot order. */
    public record Endpoint(
        int type, int interval, int interfaceNumber, int maxPacketSize, int maxStreams) {
      public Endpoint {
        u8("type", type);
        u8("interval", interval);
        u8("interface", interfaceNumber);
        u16("max_packet_size", maxPacketSize);
      }

      /** An unused slot. */
      public static final Endpoint INVALID =
          new Endpoint(UsbRedirProto.EP_TYPE_INVALID, 0, 0, 0, 0);
    }

    public EpInfo {
      if (endpoints.size() != MAX_ENDPOINTS) {
        throw new IllegalArgumentException("ep_info needs 32 slots, got " + endpoints.size());
      }
      endpoints = List.copyOf(endpoints);
    }

    static EpInfo decode(WireReader in) {
      byte[] type = in.bytes(MAX_ENDPOINTS);
      byte[] interval = in.bytes(MAX_ENDPOINTS);
      byte[] interfaceNumber = in.bytes(MAX_ENDPOINTS);
      int[] maxPacketSize = new int[MAX_ENDPOINTS];
      int[] maxStreams = new int[MAX_ENDPOINTS];
      if (in.negotiated(CAP_EP_INFO_MAX_PACKET_SIZE) || in.negotiated(CAP_BULK_STREAMS)) {
        for (int i = 0; i < MAX_ENDPOINTS; i++) {
          maxPacketSize[i] = in.u16();
        }
      }
      if (in.negotiated(CAP_BULK_STREAMS)) {
        for (int i = 0; i < MAX_ENDPOINTS; i++) {
          maxStreams[i] = in.u32();
        }
      }
      List<Endpoint> list = new ArrayList<>();
      for (int i = 0; i < MAX_ENDPOINTS; i++) {
        list.add(
            new Endpoint(
                type[i] & 0xFF,
                interval[i] & 0xFF,
                interfaceNumber[i] & 0xFF,
                maxPacketSize[i],
                maxStreams[i]));
      }
      return new EpInfo(list);
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_EP_INFO;
    }

    @Override
    public void encode(WireWriter out) {
      endpoints.forEach(e -> out.u8(e.type()));
      endpoints.forEach(e -> out.u8(e.interval()));
      endpoints.forEach(e -> out.u8(e.interfaceNumber()));
      // bulk_streams implies ep_info_max_packet_size (usb-redirection-protocol.md, ep_info).
      if (out.negotiated(CAP_EP_INFO_MAX_PACKET_SIZE) || out.negotiated(CAP_BULK_STREAMS)) {
        endpoints.forEach(e -> out.u16(e.maxPacketSize()));
      }
      if (out.negotiated(CAP_BULK_STREAMS)) {
        endpoints.forEach(e -> out.u32(e.maxStreams()));
      }
    }
  }

  /** {@code usb_redir_set_configuration_header}. */
  record SetConfiguration(int configuration) implements UsbRedirPacket {
    public SetConfiguration {
      u8("configuration", configuration);
    }

    static SetConfiguration decode(WireReader in) {
      return new SetConfiguration(in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_SET_CONFIGURATION;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(configuration);
    }
  }

  /** {@code usb_redir_get_configuration}: no type-specific header. */
  record GetConfiguration() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_GET_CONFIGURATION;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /** {@code usb_redir_configuration_status_header}. */
  record ConfigurationStatus(int status, int configuration) implements UsbRedirPacket {
    public ConfigurationStatus {
      u8("status", status);
      u8("configuration", configuration);
    }

    static ConfigurationStatus decode(WireReader in) {
      return new ConfigurationStatus(in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_CONFIGURATION_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(status).u8(configuration);
    }
  }

  /** {@code usb_redir_set_alt_setting_header}. */
  record SetAltSetting(int interfaceNumber, int alt) implements UsbRedirPacket {
    public SetAltSetting {
      u8("interface", interfaceNumber);
      u8("alt", alt);
    }

    static SetAltSetting decode(WireReader in) {
      return new SetAltSetting(in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_SET_ALT_SETTING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(interfaceNumber).u8(alt);
    }
  }

  /** {@code usb_redir_get_alt_setting_header}. */
  record GetAltSetting(int interfaceNumber) implements UsbRedirPacket {
    public GetAltSetting {
      u8("interface", interfaceNumber);
    }

    static GetAltSetting decode(WireReader in) {
      return new GetAltSetting(in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_GET_ALT_SETTING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(interfaceNumber);
    }
  }

  /** {@code usb_redir_alt_setting_status_header}. */
  record AltSettingStatus(int status, int interfaceNumber, int alt) implements UsbRedirPacket {
    public AltSettingStatus {
      u8("status", status);
      u8("interface", interfaceNumber);
      u8("alt", alt);
    }

    static AltSettingStatus decode(WireReader in) {
      return new AltSettingStatus(in.u8(), in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_ALT_SETTING_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(status).u8(interfaceNumber).u8(alt);
    }
  }

  /** {@code usb_redir_start_iso_stream_header}. */
  record StartIsoStream(int endpoint, int pktsPerUrb, int noUrbs) implements UsbRedirPacket {
    public StartIsoStream {
      u8("endpoint", endpoint);
      u8("pkts_per_urb", pktsPerUrb);
      u8("no_urbs", noUrbs);
    }

    static StartIsoStream decode(WireReader in) {
      return new StartIsoStream(in.u8(), in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_START_ISO_STREAM;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint).u8(pktsPerUrb).u8(noUrbs);
    }
  }

  /** {@code usb_redir_stop_iso_stream_header}. */
  record StopIsoStream(int endpoint) implements UsbRedirPacket {
    public StopIsoStream {
      u8("endpoint", endpoint);
    }

    static StopIsoStream decode(WireReader in) {
      return new StopIsoStream(in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_STOP_ISO_STREAM;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint);
    }
  }

  /** {@code usb_redir_iso_stream_status_header}. */
  record IsoStreamStatus(int status, int endpoint) implements UsbRedirPacket {
    public IsoStreamStatus {
      u8("status", status);
      u8("endpoint", endpoint);
    }

    static IsoStreamStatus decode(WireReader in) {
      return new IsoStreamStatus(in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_ISO_STREAM_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(status).u8(endpoint);
    }
  }

  /** {@code usb_redir_start_interrupt_receiving_header}. */
  record StartInterruptReceiving(int endpoint) implements UsbRedirPacket {
    public StartInterruptReceiving {
      u8("endpoint", endpoint);
    }

    static StartInterruptReceiving decode(WireReader in) {
      return new StartInterruptReceiving(in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_START_INTERRUPT_RECEIVING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint);
    }
  }

  /** {@code usb_redir_stop_interrupt_receiving_header}. */
  record StopInterruptReceiving(int endpoint) implements UsbRedirPacket {
    public StopInterruptReceiving {
      u8("endpoint", endpoint);
    }

    static StopInterruptReceiving decode(WireReader in) {
      return new StopInterruptReceiving(in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_STOP_INTERRUPT_RECEIVING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint);
    }
  }

  /** {@code usb_redir_interrupt_receiving_status_header}. */
  record InterruptReceivingStatus(int status, int endpoint) implements UsbRedirPacket {
    public InterruptReceivingStatus {
      u8("status", status);
      u8("endpoint", endpoint);
    }

    static InterruptReceivingStatus decode(WireReader in) {
      return new InterruptReceivingStatus(in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_INTERRUPT_RECEIVING_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(status).u8(endpoint);
    }
  }

  /** {@code usb_redir_alloc_bulk_streams_header}: endpoint bitmask in ep_info slot order. */
  record AllocBulkStreams(int endpoints, int noStreams) implements UsbRedirPacket {
    static AllocBulkStreams decode(WireReader in) {
      return new AllocBulkStreams(in.u32(), in.u32());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_ALLOC_BULK_STREAMS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(endpoints).u32(noStreams);
    }
  }

  /** {@code usb_redir_free_bulk_streams_header}. */
  record FreeBulkStreams(int endpoints) implements UsbRedirPacket {
    static FreeBulkStreams decode(WireReader in) {
      return new FreeBulkStreams(in.u32());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_FREE_BULK_STREAMS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(endpoints);
    }
  }

  /** {@code usb_redir_bulk_streams_status_header}. */
  record BulkStreamsStatus(int endpoints, int noStreams, int status) implements UsbRedirPacket {
    public BulkStreamsStatus {
      u8("status", status);
    }

    static BulkStreamsStatus decode(WireReader in) {
      return new BulkStreamsStatus(in.u32(), in.u32(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_BULK_STREAMS_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(endpoints).u32(noStreams).u8(status);
    }
  }

  /** {@code usb_redir_cancel_data_packet}: the header id names the packet to cancel. */
  record CancelDataPacket() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_CANCEL_DATA_PACKET;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /** {@code usb_redir_filter_reject}: no type-specific header. */
  record FilterReject() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_FILTER_REJECT;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /** {@code usb_redir_filter_filter}: a NUL-terminated usbredirfilter rule string as data. */
  record FilterFilter(String rules) implements UsbRedirPacket {
    static FilterFilter decode(WireReader in) {
      byte[] raw = in.rest();
      if (raw.length == 0 || raw[raw.length - 1] != 0) {
        throw new UsbRedirProtocolException("filter_filter: data must be a NUL-terminated string");
      }
      return new FilterFilter(new String(raw, 0, raw.length - 1, StandardCharsets.ISO_8859_1));
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_FILTER_FILTER;
    }

    @Override
    public void encode(WireWriter out) {
      out.bytes(rules.getBytes(StandardCharsets.ISO_8859_1)).u8(0);
    }
  }

  /** {@code usb_redir_device_disconnect_ack}: no type-specific header. */
  record DeviceDisconnectAck() implements UsbRedirPacket {
    @Override
    public int type() {
      return UsbRedirProto.TYPE_DEVICE_DISCONNECT_ACK;
    }

    @Override
    public void encode(WireWriter out) {}
  }

  /** {@code usb_redir_start_bulk_receiving_header}. */
  record StartBulkReceiving(int streamId, int bytesPerTransfer, int endpoint, int noTransfers)
      implements UsbRedirPacket {
    public StartBulkReceiving {
      u8("endpoint", endpoint);
      u8("no_transfers", noTransfers);
    }

    static StartBulkReceiving decode(WireReader in) {
      return new StartBulkReceiving(in.u32(), in.u32(), in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_START_BULK_RECEIVING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(streamId).u32(bytesPerTransfer).u8(endpoint).u8(noTransfers);
    }
  }

  /** {@code usb_redir_stop_bulk_receiving_header}. */
  record StopBulkReceiving(int streamId, int endpoint) implements UsbRedirPacket {
    public StopBulkReceiving {
      u8("endpoint", endpoint);
    }

    static StopBulkReceiving decode(WireReader in) {
      return new StopBulkReceiving(in.u32(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_STOP_BULK_RECEIVING;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(streamId).u8(endpoint);
    }
  }

  /** {@code usb_redir_bulk_receiving_status_header}. */
  record BulkReceivingStatus(int streamId, int endpoint, int status) implements UsbRedirPacket {
    public BulkReceivingStatus {
      u8("endpoint", endpoint);
      u8("status", status);
    }

    static BulkReceivingStatus decode(WireReader in) {
      return new BulkReceivingStatus(in.u32(), in.u8(), in.u8());
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_BULK_RECEIVING_STATUS;
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(streamId).u8(endpoint).u8(status);
    }
  }

  /** A data packet: its endpoint, the length field of its header, and its additional data. */
  sealed interface DataPacket extends UsbRedirPacket {
    int endpoint();

    int status();

    /** The header's length field: bytes requested or transferred, not always data().length. */
    int length();

    byte[] data();

    /** Whether the endpoint field names an IN endpoint. */
    default boolean isIn() {
      return (endpoint() & 0x80) != 0;
    }
  }

  /**
   * {@code usb_redir_control_packet_header} plus the data stage in the transfer direction only: OUT
   * data from the guest, IN data in the host's reply.
   */
  record ControlPacket(
      int endpoint,
      int request,
      int requestType,
      int status,
      int value,
      int index,
      int length,
      byte[] data)
      implements DataPacket {
    public ControlPacket {
      u8("endpoint", endpoint);
      u8("request", request);
      u8("requesttype", requestType);
      u8("status", status);
      u16("value", value);
      u16("index", index);
      u16("length", length);
      data = data.clone();
    }

    static ControlPacket decode(WireReader in) {
      return new ControlPacket(
          in.u8(), in.u8(), in.u8(), in.u8(), in.u16(), in.u16(), in.u16(), in.rest());
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_CONTROL_PACKET;
    }

    @Override
    public String toString() {
      return String.format(
          "ControlPacket[endpoint=%02X request=%02X requesttype=%02X status=%d value=%04X"
              + " index=%04X length=%d data=%d bytes]",
          endpoint, request, requestType, status, value, index, length, data.length);
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint).u8(request).u8(requestType).u8(status);
      out.u16(value).u16(index).u16(length).bytes(data);
    }
  }

  /**
   * {@code usb_redir_bulk_packet_header} plus data; length_high carries bits 16-31 of the length
   * only with cap 32bits_bulk_length on both sides.
   */
  record BulkPacket(int endpoint, int status, int length, int streamId, byte[] data)
      implements DataPacket {
    public BulkPacket {
      u8("endpoint", endpoint);
      u8("status", status);
      if (length < 0) {
        throw new IllegalArgumentException("bulk length out of range: " + length);
      }
      data = data.clone();
    }

    static BulkPacket decode(WireReader in) {
      int endpoint = in.u8();
      int status = in.u8();
      int length = in.u16();
      int streamId = in.u32();
      if (in.negotiated(CAP_32BITS_BULK_LENGTH)) {
        length |= in.u16() << 16;
      }
      if (length < 0 || length > UsbRedirCodec.MAX_BULK_LENGTH) {
        throw new UsbRedirProtocolException(
            "bulk_packet: length "
                + Integer.toUnsignedString(length)
                + " exceeds "
                + UsbRedirCodec.MAX_BULK_LENGTH);
      }
      return new BulkPacket(endpoint, status, length, streamId, in.rest());
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_BULK_PACKET;
    }

    @Override
    public String toString() {
      return String.format(
          "BulkPacket[endpoint=%02X status=%d length=%d stream_id=%d data=%d bytes]",
          endpoint, status, length, streamId, data.length);
    }

    @Override
    public void encode(WireWriter out) {
      boolean wide = out.negotiated(CAP_32BITS_BULK_LENGTH);
      if (!wide && length > 0xFFFF) {
        throw new IllegalArgumentException("bulk length above 65535 needs cap 32bits_bulk_length");
      }
      out.u8(endpoint).u8(status).u16(length & 0xFFFF).u32(streamId);
      if (wide) {
        out.u16(length >>> 16);
      }
      out.bytes(data);
    }
  }

  /** {@code usb_redir_iso_packet_header} plus data. */
  record IsoPacket(int endpoint, int status, int length, byte[] data) implements DataPacket {
    public IsoPacket {
      u8("endpoint", endpoint);
      u8("status", status);
      u16("length", length);
      data = data.clone();
    }

    static IsoPacket decode(WireReader in) {
      return new IsoPacket(in.u8(), in.u8(), in.u16(), in.rest());
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_ISO_PACKET;
    }

    @Override
    public String toString() {
      return String.format(
          "IsoPacket[endpoint=%02X status=%d length=%d data=%d bytes]",
          endpoint, status, length, data.length);
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint).u8(status).u16(length).bytes(data);
    }
  }

  /** {@code usb_redir_interrupt_packet_header} plus data. */
  record InterruptPacket(int endpoint, int status, int length, byte[] data) implements DataPacket {
    public InterruptPacket {
      u8("endpoint", endpoint);
      u8("status", status);
      u16("length", length);
      data = data.clone();
    }

    static InterruptPacket decode(WireReader in) {
      return new InterruptPacket(in.u8(), in.u8(), in.u16(), in.rest());
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_INTERRUPT_PACKET;
    }

    @Override
    public String toString() {
      return String.format(
          "InterruptPacket[endpoint=%02X status=%d length=%d data=%d bytes]",
          endpoint, status, length, data.length);
    }

    @Override
    public void encode(WireWriter out) {
      out.u8(endpoint).u8(status).u16(length).bytes(data);
    }
  }

  /** {@code usb_redir_buffered_bulk_packet_header} plus data (host to guest only). */
  record BufferedBulkPacket(int streamId, int length, int endpoint, int status, byte[] data)
      implements DataPacket {
    public BufferedBulkPacket {
      u8("endpoint", endpoint);
      u8("status", status);
      data = data.clone();
    }

    static BufferedBulkPacket decode(WireReader in) {
      return new BufferedBulkPacket(in.u32(), in.u32(), in.u8(), in.u8(), in.rest());
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return UsbRedirProto.TYPE_BUFFERED_BULK_PACKET;
    }

    @Override
    public String toString() {
      return String.format(
          "BufferedBulkPacket[stream_id=%d length=%d endpoint=%02X status=%d data=%d bytes]",
          streamId, length, endpoint, status, data.length);
    }

    @Override
    public void encode(WireWriter out) {
      out.u32(streamId).u32(length).u8(endpoint).u8(status).bytes(data);
    }
  }

  private static void u8(String field, int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException(field + " must fit in 8 bits, got " + value);
    }
  }

  private static void u16(String field, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(field + " must fit in 16 bits, got " + value);
    }
  }
}
