package io.vcanokey.transport.usbredir;

/**
 * The numbers of the usbredir protocol 0.7: packet types, status codes, capability bits, endpoint
 * types and speeds, named and valued as the enums of spice-usbredir's {@code
 * usbredirparser/usbredirproto.h} (USBREDIR_VERSION 0x000701) and the protocol document {@code
 * docs/usb-redirection-protocol.md}.
 */
public final class UsbRedirProto {

  private UsbRedirProto() {}

  // Control packet types (usbredirproto.h, first anonymous packet type enum).
  public static final int TYPE_HELLO = 0;
  public static final int TYPE_DEVICE_CONNECT = 1;
  public static final int TYPE_DEVICE_DISCONNECT = 2;
  public static final int TYPE_RESET = 3;
  public static final int TYPE_INTERFACE_INFO = 4;
  public static final int TYPE_EP_INFO = 5;
  public static final int TYPE_SET_CONFIGURATION = 6;
  public static final int TYPE_GET_CONFIGURATION = 7;
  public static final int TYPE_CONFIGURATION_STATUS = 8;
  public static final int TYPE_SET_ALT_SETTING = 9;
  public static final int TYPE_GET_ALT_SETTING = 10;
  public static final int TYPE_ALT_SETTING_STATUS = 11;
  public static final int TYPE_START_ISO_STREAM = 12;
  public static final int TYPE_STOP_ISO_STREAM = 13;
  public static final int TYPE_ISO_STREAM_STATUS = 14;
  public static final int TYPE_START_INTERRUPT_RECEIVING = 15;
  public static final int TYPE_STOP_INTERRUPT_RECEIVING = 16;
  public static final int TYPE_INTERRUPT_RECEIVING_STATUS = 17;
  public static final int TYPE_ALLOC_BULK_STREAMS = 18;
  public static final int TYPE_FREE_BULK_STREAMS = 19;
  public static final int TYPE_BULK_STREAMS_STATUS = 20;
  public static final int TYPE_CANCEL_DATA_PACKET = 21;
  public static final int TYPE_FILTER_REJECT = 22;
  public static final int TYPE_FILTER_FILTER = 23;
  public static final int TYPE_DEVICE_DISCONNECT_ACK = 24;
  public static final int TYPE_START_BULK_RECEIVING = 25;
  public static final int TYPE_STOP_BULK_RECEIVING = 26;
  public static final int TYPE_BULK_RECEIVING_STATUS = 27;

  // Data packet types.
  public static final int TYPE_CONTROL_PACKET = 100;
  public static final int TYPE_BULK_PACKET = 101;
  public static final int TYPE_ISO_PACKET = 102;
  public static final int TYPE_INTERRUPT_PACKET = 103;
  public static final int TYPE_BUFFERED_BULK_PACKET = 104;

  // Status codes ("Status code list"); any other value is an error.
  public static final int STATUS_SUCCESS = 0;
  public static final int STATUS_CANCELLED = 1;
  public static final int STATUS_INVAL = 2;
  public static final int STATUS_IOERROR = 3;
  public static final int STATUS_STALL = 4;
  public static final int STATUS_TIMEOUT = 5;
  public static final int STATUS_BABBLE = 6;

  // Capability bit numbers in the hello packet's capability words.
  public static final int CAP_BULK_STREAMS = 0;
  public static final int CAP_CONNECT_DEVICE_VERSION = 1;
  public static final int CAP_FILTER = 2;
  public static final int CAP_DEVICE_DISCONNECT_ACK = 3;
  public static final int CAP_EP_INFO_MAX_PACKET_SIZE = 4;
  public static final int CAP_64BITS_IDS = 5;
  public static final int CAP_32BITS_BULK_LENGTH = 6;
  public static final int CAP_BULK_RECEIVING = 7;

  // Endpoint types in ep_info; the first four match bmAttributes of USB 2.0, 9.6.6.
  public static final int EP_TYPE_CONTROL = 0;
  public static final int EP_TYPE_ISO = 1;
  public static final int EP_TYPE_BULK = 2;
  public static final int EP_TYPE_INTERRUPT = 3;
  public static final int EP_TYPE_INVALID = 0xFF;

  // Speeds in device_connect.
  public static final int SPEED_LOW = 0;
  public static final int SPEED_FULL = 1;
  public static final int SPEED_HIGH = 2;
  public static final int SPEED_SUPER = 3;
  public static final int SPEED_UNKNOWN = 0xFF;

  /** Number of endpoint slots in ep_info: 0-15 OUT, then 0-15 IN. */
  public static final int MAX_ENDPOINTS = 32;

  /** Number of interface slots in interface_info. */
  public static final int MAX_INTERFACES = 32;

  /** Size of the hello packet's NUL-terminated version field. */
  public static final int VERSION_LENGTH = 64;

  /**
   * The ep_info slot of an endpoint address: OUT endpoints 0-15 first, then IN endpoints 0-15
   * (usb-redirection-protocol.md, usb_redir_ep_info).
   */
  public static int endpointIndex(int address) {
    return ((address & 0x80) >> 3) | (address & 0x0F);
  }

  /** The endpoint address of ep_info slot {@code index}. */
  public static int endpointAddress(int index) {
    return ((index & 0x10) << 3) | (index & 0x0F);
  }

  /** A readable name for a packet type, for log lines. */
  public static String typeName(int type) {
    return switch (type) {
      case TYPE_HELLO -> "hello";
      case TYPE_DEVICE_CONNECT -> "device_connect";
      case TYPE_DEVICE_DISCONNECT -> "device_disconnect";
      case TYPE_RESET -> "reset";
      case TYPE_INTERFACE_INFO -> "interface_info";
      case TYPE_EP_INFO -> "ep_info";
      case TYPE_SET_CONFIGURATION -> "set_configuration";
      case TYPE_GET_CONFIGURATION -> "get_configuration";
      case TYPE_CONFIGURATION_STATUS -> "configuration_status";
      case TYPE_SET_ALT_SETTING -> "set_alt_setting";
      case TYPE_GET_ALT_SETTING -> "get_alt_setting";
      case TYPE_ALT_SETTING_STATUS -> "alt_setting_status";
      case TYPE_START_ISO_STREAM -> "start_iso_stream";
      case TYPE_STOP_ISO_STREAM -> "stop_iso_stream";
      case TYPE_ISO_STREAM_STATUS -> "iso_stream_status";
      case TYPE_START_INTERRUPT_RECEIVING -> "start_interrupt_receiving";
      case TYPE_STOP_INTERRUPT_RECEIVING -> "stop_interrupt_receiving";
      case TYPE_INTERRUPT_RECEIVING_STATUS -> "interrupt_receiving_status";
      case TYPE_ALLOC_BULK_STREAMS -> "alloc_bulk_streams";
      case TYPE_FREE_BULK_STREAMS -> "free_bulk_streams";
      case TYPE_BULK_STREAMS_STATUS -> "bulk_streams_status";
      case TYPE_CANCEL_DATA_PACKET -> "cancel_data_packet";
      case TYPE_FILTER_REJECT -> "filter_reject";
      case TYPE_FILTER_FILTER -> "filter_filter";
      case TYPE_DEVICE_DISCONNECT_ACK -> "device_disconnect_ack";
      case TYPE_START_BULK_RECEIVING -> "start_bulk_receiving";
      case TYPE_STOP_BULK_RECEIVING -> "stop_bulk_receiving";
      case TYPE_BULK_RECEIVING_STATUS -> "bulk_receiving_status";
      case TYPE_CONTROL_PACKET -> "control_packet";
      case TYPE_BULK_PACKET -> "bulk_packet";
      case TYPE_ISO_PACKET -> "iso_packet";
      case TYPE_INTERRUPT_PACKET -> "interrupt_packet";
      case TYPE_BUFFERED_BULK_PACKET -> "buffered_bulk_packet";
      default -> "type " + Integer.toUnsignedString(type);
    };
  }
}
