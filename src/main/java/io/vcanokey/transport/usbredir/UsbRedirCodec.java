package io.vcanokey.transport.usbredir;

import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_32BITS_BULK_LENGTH;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_64BITS_IDS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_BULK_STREAMS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_CONNECT_DEVICE_VERSION;
import static io.vcanokey.transport.usbredir.UsbRedirProto.CAP_EP_INFO_MAX_PACKET_SIZE;
import static io.vcanokey.transport.usbredir.UsbRedirProto.MAX_ENDPOINTS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.MAX_INTERFACES;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_ALLOC_BULK_STREAMS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_ALT_SETTING_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_BUFFERED_BULK_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_BULK_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_BULK_RECEIVING_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_BULK_STREAMS_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_CANCEL_DATA_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_CONFIGURATION_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_CONTROL_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_DEVICE_CONNECT;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_DEVICE_DISCONNECT;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_DEVICE_DISCONNECT_ACK;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_EP_INFO;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_FILTER_FILTER;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_FILTER_REJECT;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_FREE_BULK_STREAMS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_GET_ALT_SETTING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_GET_CONFIGURATION;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_HELLO;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_INTERFACE_INFO;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_INTERRUPT_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_INTERRUPT_RECEIVING_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_ISO_PACKET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_ISO_STREAM_STATUS;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_RESET;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_SET_ALT_SETTING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_SET_CONFIGURATION;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_START_BULK_RECEIVING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_START_INTERRUPT_RECEIVING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_START_ISO_STREAM;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_STOP_BULK_RECEIVING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_STOP_INTERRUPT_RECEIVING;
import static io.vcanokey.transport.usbredir.UsbRedirProto.TYPE_STOP_ISO_STREAM;
import static io.vcanokey.transport.usbredir.UsbRedirProto.VERSION_LENGTH;
import static io.vcanokey.transport.usbredir.UsbRedirProto.typeName;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

/**
 * Frames and unframes usbredir 0.7 packets for one side of one connection
 * (usb-redirection-protocol.md, "Basic packet structure / communication"; struct sizes from {@code
 * usbredirparser/usbredirproto.h}).
 *
 * <p>A packet is a {@code usb_redir_header} (type u32, length u32, id u32, or u64 once both hellos
 * announced cap 64bits_ids) followed by {@code length} bytes: the type-specific header, then the
 * additional data of the types that carry any. Before the peer's hello arrives the codec uses
 * 32-bit ids and every optional field is absent; {@link #withPeer} gives the codec for the rest of
 * the connection.
 *
 * <p>Reading checks what spice-usbredir's parser checks, and treats every failure as fatal to the
 * connection ({@link UsbRedirProtocolException}): the first packet must be a hello; the type must
 * be one the sending side may send; the length must cover the type-specific header, may exceed it
 * only for types with data, and may not exceed that header plus {@link #MAX_DATA_LENGTH}; a data
 * packet carries data exactly in its transfer direction and exactly as many bytes as its length
 * field says; interrupt-receiving and bulk-receiving packets name IN endpoints; interface_count is
 * at most 32; a bulk length is at most {@link #MAX_BULK_LENGTH}.
 *
 * <p>Instances are immutable; one connection uses one codec per direction of reasoning (the reader
 * thread's and the key thread's), each moved to its negotiated state by {@link #withPeer}.
 */
public final class UsbRedirCodec {

  /** The side a codec speaks for: it encodes what that side sends and decodes the other side. */
  public enum Role {
    /** The usb-host: the side owning the device (this program). */
    HOST,
    /** The usb-guest: the side using the device (QEMU's usb-redir). */
    GUEST;

    Role peer() {
      return this == HOST ? GUEST : HOST;
    }
  }

  /**
   * Most data bytes one incoming packet may carry. Our endpoints move at most a CCID message (1352
   * bytes) or a descriptor per packet; 64 KiB leaves room for any well-behaved guest.
   */
  public static final int MAX_DATA_LENGTH = 64 * 1024;

  /**
   * Largest bulk length field accepted: spice-usbredir's MAX_BULK_TRANSFER_SIZE (128 MiB). A bulk
   * IN request only names a length and carries no data, so a large one costs nothing; QEMU combines
   * pipelined IN packets into requests of up to about 1 MiB.
   */
  public static final int MAX_BULK_LENGTH = 128 * 1024 * 1024;

  /** Size of {@code usb_redir_header} with 32-bit and with 64-bit ids. */
  public static final int HEADER_LENGTH_32 = 12;

  public static final int HEADER_LENGTH_64 = 16;

  private final Role role;
  private final UsbRedirCaps ours;
  private final UsbRedirCaps peer;

  /** A codec for {@code role} announcing {@code ours}, before the peer's hello. */
  public UsbRedirCodec(Role role, UsbRedirCaps ours) {
    this(role, ours, null);
  }

  private UsbRedirCodec(Role role, UsbRedirCaps ours, UsbRedirCaps peer) {
    this.role = role;
    this.ours = ours;
    this.peer = peer;
  }

  /** The codec for the rest of the connection once the peer's hello announced {@code caps}. */
  public UsbRedirCodec withPeer(UsbRedirCaps caps) {
    return new UsbRedirCodec(role, ours, caps);
  }

  public Role role() {
    return role;
  }

  public UsbRedirCaps ours() {
    return ours;
  }

  /** Whether the peer's hello has been seen. */
  public boolean peerKnown() {
    return peer != null;
  }

  /** Whether both sides announced capability {@code cap}. */
  public boolean negotiated(int cap) {
    return peer != null && ours.has(cap) && peer.has(cap);
  }

  /** Size of the {@code usb_redir_header} in the current state. */
  public int headerLength() {
    return negotiated(CAP_64BITS_IDS) ? HEADER_LENGTH_64 : HEADER_LENGTH_32;
  }

  /**
   * Encodes one packet this codec's role sends.
   *
   * @throws IllegalArgumentException if this role may not send that type, or the id does not fit
   *     the header's id field
   */
  public byte[] encode(long id, UsbRedirPacket packet) {
    if (typeHeaderLength(packet.type(), role) < 0) {
      throw new IllegalArgumentException(
          "a usb-" + role.name().toLowerCase() + " does not send " + typeName(packet.type()));
    }
    WireWriter writer = new WireWriter(this);
    packet.encode(writer);
    byte[] body = writer.toByteArray();

    // The hello always has a 32-bit id: it is queued before the peer's caps are known
    // (usb-redirection-protocol.md, usb_redir_hello).
    int headerLength = packet instanceof UsbRedirPacket.Hello ? HEADER_LENGTH_32 : headerLength();
    if (headerLength == HEADER_LENGTH_32 && (id >>> 32) != 0) {
      throw new IllegalArgumentException(
          "id " + Long.toUnsignedString(id) + " does not fit a 32-bit id header");
    }
    ByteBuffer frame = ByteBuffer.allocate(headerLength + body.length);
    frame.order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(packet.type()).putInt(body.length);
    if (headerLength == HEADER_LENGTH_32) {
      frame.putInt((int) id);
    } else {
      frame.putLong(id);
    }
    frame.put(body);
    return frame.array();
  }

  /**
   * Reads one packet the other side sent.
   *
   * @return the packet, or null if the stream ended cleanly before a new header
   * @throws EOFException if the stream ended inside a packet
   * @throws UsbRedirProtocolException if the packet is malformed
   * @throws IOException if reading fails
   */
  public UsbRedirFrame read(ReadableByteChannel in) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(headerLength()).order(ByteOrder.LITTLE_ENDIAN);
    if (!readFully(in, header, true)) {
      return null;
    }
    int type = header.getInt(0);
    long length = Integer.toUnsignedLong(header.getInt(4));
    long id =
        header.capacity() == HEADER_LENGTH_32
            ? Integer.toUnsignedLong(header.getInt(8))
            : header.getLong(8);

    int typeHeaderLength = checkHeader(type, length);
    ByteBuffer body = ByteBuffer.allocate((int) length);
    if (!readFully(in, body, false)) {
      throw new EOFException("stream ended inside a " + typeName(type) + " packet");
    }
    UsbRedirPacket packet = decodeBody(type, body.array());
    verify(packet, body.array().length - typeHeaderLength);
    return new UsbRedirFrame(id, packet);
  }

  /**
   * Decodes exactly one complete packet the other side sent.
   *
   * @throws UsbRedirProtocolException if the bytes are not exactly one well-formed packet
   */
  public UsbRedirFrame decode(byte[] bytes) {
    ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(bytes));
    UsbRedirFrame frame;
    int trailing;
    try {
      frame = read(in);
      trailing = in.read(ByteBuffer.allocate(bytes.length));
    } catch (EOFException e) {
      throw new UsbRedirProtocolException("truncated packet: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
    if (frame == null) {
      throw new UsbRedirProtocolException(
          "truncated packet: header needs " + headerLength() + " bytes, got " + bytes.length);
    }
    if (trailing > 0) {
      throw new UsbRedirProtocolException(trailing + " trailing bytes after one " + frame);
    }
    return frame;
  }

  /** Checks a header against the type table; returns the type-specific header length. */
  private int checkHeader(int type, long length) {
    Role sender = role.peer();
    int typeHeaderLength = typeHeaderLength(type, sender);
    if (typeHeaderLength < 0) {
      throw new UsbRedirProtocolException(
          "unexpected packet " + typeName(type) + " from the usb-" + sender.name().toLowerCase());
    }
    if (peer == null && type != TYPE_HELLO) {
      throw new UsbRedirProtocolException(
          "first packet must be hello, got " + typeName(type) + " (protocol: hello comes first)");
    }
    if (length < typeHeaderLength) {
      throw new UsbRedirProtocolException(
          typeName(type)
              + ": length "
              + length
              + " is shorter than its "
              + typeHeaderLength
              + "-byte header");
    }
    if (length > typeHeaderLength && !carriesData(type)) {
      throw new UsbRedirProtocolException(
          typeName(type)
              + ": length "
              + length
              + " but this type carries nothing beyond its "
              + typeHeaderLength
              + "-byte header");
    }
    if (length - typeHeaderLength > MAX_DATA_LENGTH) {
      throw new UsbRedirProtocolException(
          typeName(type)
              + ": length "
              + length
              + " exceeds the limit of "
              + (typeHeaderLength + MAX_DATA_LENGTH));
    }
    if (type == TYPE_HELLO && (length - typeHeaderLength) % 4 != 0) {
      throw new UsbRedirProtocolException(
          "hello: capability array of "
              + (length - typeHeaderLength)
              + " bytes is not a whole number of 32-bit words");
    }
    return typeHeaderLength;
  }

  /**
   * Size of the type-specific header of {@code type} when {@code sender} sends it, or -1 if that
   * side never sends that type (usbredirproto.h structs; direction rules of the protocol document).
   */
  int typeHeaderLength(int type, Role sender) {
    boolean fromHost = sender == Role.HOST;
    return switch (type) {
      case TYPE_HELLO -> VERSION_LENGTH;
      case TYPE_DEVICE_CONNECT -> fromHost ? (negotiated(CAP_CONNECT_DEVICE_VERSION) ? 10 : 8) : -1;
      case TYPE_DEVICE_DISCONNECT -> fromHost ? 0 : -1;
      case TYPE_RESET -> fromHost ? -1 : 0;
      case TYPE_INTERFACE_INFO -> fromHost ? 4 + 4 * MAX_INTERFACES : -1;
      case TYPE_EP_INFO -> fromHost ? epInfoLength() : -1;
      case TYPE_SET_CONFIGURATION -> fromHost ? -1 : 1;
      case TYPE_GET_CONFIGURATION -> fromHost ? -1 : 0;
      case TYPE_CONFIGURATION_STATUS -> fromHost ? 2 : -1;
      case TYPE_SET_ALT_SETTING -> fromHost ? -1 : 2;
      case TYPE_GET_ALT_SETTING -> fromHost ? -1 : 1;
      case TYPE_ALT_SETTING_STATUS -> fromHost ? 3 : -1;
      case TYPE_START_ISO_STREAM -> fromHost ? -1 : 3;
      case TYPE_STOP_ISO_STREAM -> fromHost ? -1 : 1;
      case TYPE_ISO_STREAM_STATUS -> fromHost ? 2 : -1;
      case TYPE_START_INTERRUPT_RECEIVING -> fromHost ? -1 : 1;
      case TYPE_STOP_INTERRUPT_RECEIVING -> fromHost ? -1 : 1;
      case TYPE_INTERRUPT_RECEIVING_STATUS -> fromHost ? 2 : -1;
      case TYPE_ALLOC_BULK_STREAMS -> fromHost ? -1 : 8;
      case TYPE_FREE_BULK_STREAMS -> fromHost ? -1 : 4;
      case TYPE_BULK_STREAMS_STATUS -> fromHost ? 9 : -1;
      case TYPE_CANCEL_DATA_PACKET -> fromHost ? -1 : 0;
      case TYPE_FILTER_REJECT -> fromHost ? -1 : 0;
      case TYPE_FILTER_FILTER -> 0;
      case TYPE_DEVICE_DISCONNECT_ACK -> fromHost ? -1 : 0;
      case TYPE_START_BULK_RECEIVING -> fromHost ? -1 : 10;
      case TYPE_STOP_BULK_RECEIVING -> fromHost ? -1 : 5;
      case TYPE_BULK_RECEIVING_STATUS -> fromHost ? 6 : -1;
      case TYPE_CONTROL_PACKET -> 10;
      case TYPE_BULK_PACKET -> negotiated(CAP_32BITS_BULK_LENGTH) ? 10 : 8;
      case TYPE_ISO_PACKET -> 4;
      case TYPE_INTERRUPT_PACKET -> 4;
      case TYPE_BUFFERED_BULK_PACKET -> fromHost ? 10 : -1;
      default -> -1;
    };
  }

  private int epInfoLength() {
    int length = 3 * MAX_ENDPOINTS;
    if (negotiated(CAP_EP_INFO_MAX_PACKET_SIZE) || negotiated(CAP_BULK_STREAMS)) {
      length += 2 * MAX_ENDPOINTS;
    }
    if (negotiated(CAP_BULK_STREAMS)) {
      length += 4 * MAX_ENDPOINTS;
    }
    return length;
  }

  private static boolean carriesData(int type) {
    return switch (type) {
      case TYPE_HELLO,
          TYPE_FILTER_FILTER,
          TYPE_CONTROL_PACKET,
          TYPE_BULK_PACKET,
          TYPE_ISO_PACKET,
          TYPE_INTERRUPT_PACKET,
          TYPE_BUFFERED_BULK_PACKET ->
          true;
      default -> false;
    };
  }

  private UsbRedirPacket decodeBody(int type, byte[] body) {
    WireReader in = new WireReader(body, this);
    return switch (type) {
      case TYPE_HELLO -> UsbRedirPacket.Hello.decode(in);
      case TYPE_DEVICE_CONNECT -> UsbRedirPacket.DeviceConnect.decode(in);
      case TYPE_DEVICE_DISCONNECT -> new UsbRedirPacket.DeviceDisconnect();
      case TYPE_RESET -> new UsbRedirPacket.Reset();
      case TYPE_INTERFACE_INFO -> UsbRedirPacket.InterfaceInfo.decode(in);
      case TYPE_EP_INFO -> UsbRedirPacket.EpInfo.decode(in);
      case TYPE_SET_CONFIGURATION -> UsbRedirPacket.SetConfiguration.decode(in);
      case TYPE_GET_CONFIGURATION -> new UsbRedirPacket.GetConfiguration();
      case TYPE_CONFIGURATION_STATUS -> UsbRedirPacket.ConfigurationStatus.decode(in);
      case TYPE_SET_ALT_SETTING -> UsbRedirPacket.SetAltSetting.decode(in);
      case TYPE_GET_ALT_SETTING -> UsbRedirPacket.GetAltSetting.decode(in);
      case TYPE_ALT_SETTING_STATUS -> UsbRedirPacket.AltSettingStatus.decode(in);
      case TYPE_START_ISO_STREAM -> UsbRedirPacket.StartIsoStream.decode(in);
      case TYPE_STOP_ISO_STREAM -> UsbRedirPacket.StopIsoStream.decode(in);
      case TYPE_ISO_STREAM_STATUS -> UsbRedirPacket.IsoStreamStatus.decode(in);
      case TYPE_START_INTERRUPT_RECEIVING -> UsbRedirPacket.StartInterruptReceiving.decode(in);
      case TYPE_STOP_INTERRUPT_RECEIVING -> UsbRedirPacket.StopInterruptReceiving.decode(in);
      case TYPE_INTERRUPT_RECEIVING_STATUS -> UsbRedirPacket.InterruptReceivingStatus.decode(in);
      case TYPE_ALLOC_BULK_STREAMS -> UsbRedirPacket.AllocBulkStreams.decode(in);
      case TYPE_FREE_BULK_STREAMS -> UsbRedirPacket.FreeBulkStreams.decode(in);
      case TYPE_BULK_STREAMS_STATUS -> UsbRedirPacket.BulkStreamsStatus.decode(in);
      case TYPE_CANCEL_DATA_PACKET -> new UsbRedirPacket.CancelDataPacket();
      case TYPE_FILTER_REJECT -> new UsbRedirPacket.FilterReject();
      case TYPE_FILTER_FILTER -> UsbRedirPacket.FilterFilter.decode(in);
      case TYPE_DEVICE_DISCONNECT_ACK -> new UsbRedirPacket.DeviceDisconnectAck();
      case TYPE_START_BULK_RECEIVING -> UsbRedirPacket.StartBulkReceiving.decode(in);
      case TYPE_STOP_BULK_RECEIVING -> UsbRedirPacket.StopBulkReceiving.decode(in);
      case TYPE_BULK_RECEIVING_STATUS -> UsbRedirPacket.BulkReceivingStatus.decode(in);
      case TYPE_CONTROL_PACKET -> UsbRedirPacket.ControlPacket.decode(in);
      case TYPE_BULK_PACKET -> UsbRedirPacket.BulkPacket.decode(in);
      case TYPE_ISO_PACKET -> UsbRedirPacket.IsoPacket.decode(in);
      case TYPE_INTERRUPT_PACKET -> UsbRedirPacket.InterruptPacket.decode(in);
      case TYPE_BUFFERED_BULK_PACKET -> UsbRedirPacket.BufferedBulkPacket.decode(in);
      default -> throw new IllegalStateException("type checked before decoding: " + type);
    };
  }

  /**
   * The checks of a decoded packet that need its fields: endpoint directions and data lengths (what
   * spice-usbredir's usbredirparser_verify_type_header rejects).
   */
  private void verify(UsbRedirPacket packet, int dataLength) {
    String name = typeName(packet.type());
    int inEndpoint =
        switch (packet.type()) {
          case TYPE_START_INTERRUPT_RECEIVING ->
              ((UsbRedirPacket.StartInterruptReceiving) packet).endpoint();
          case TYPE_STOP_INTERRUPT_RECEIVING ->
              ((UsbRedirPacket.StopInterruptReceiving) packet).endpoint();
          case TYPE_INTERRUPT_RECEIVING_STATUS ->
              ((UsbRedirPacket.InterruptReceivingStatus) packet).endpoint();
          case TYPE_START_BULK_RECEIVING -> ((UsbRedirPacket.StartBulkReceiving) packet).endpoint();
          case TYPE_STOP_BULK_RECEIVING -> ((UsbRedirPacket.StopBulkReceiving) packet).endpoint();
          case TYPE_BULK_RECEIVING_STATUS ->
              ((UsbRedirPacket.BulkReceivingStatus) packet).endpoint();
          default -> 0x80;
        };
    if ((inEndpoint & 0x80) == 0) {
      throw new UsbRedirProtocolException(
          String.format("%s: endpoint must be an IN endpoint, got 0x%02X", name, inEndpoint));
    }
    if (!(packet instanceof UsbRedirPacket.DataPacket data)) {
      return;
    }

    // Data travels one way only: OUT data from the guest, IN data from the host.
    boolean fromHost = role.peer() == Role.HOST;
    boolean carriesData = data.isIn() == fromHost;
    if (carriesData) {
      if (dataLength != data.length()) {
        throw new UsbRedirProtocolException(
            String.format(
                "%s: endpoint 0x%02X has %d data bytes but its length field says %d",
                name, data.endpoint(), dataLength, data.length()));
      }
      return;
    }
    if (dataLength != 0) {
      throw new UsbRedirProtocolException(
          String.format(
              "%s: %d data bytes on endpoint 0x%02X, which carries none in this direction",
              name, dataLength, data.endpoint()));
    }
    boolean wrongDirection =
        packet instanceof UsbRedirPacket.IsoPacket
            || packet instanceof UsbRedirPacket.BufferedBulkPacket
            || (packet instanceof UsbRedirPacket.InterruptPacket && !fromHost);
    if (wrongDirection) {
      throw new UsbRedirProtocolException(
          String.format(
              "%s on endpoint 0x%02X sent in the wrong direction by the usb-%s",
              name, data.endpoint(), role.peer().name().toLowerCase()));
    }
  }

  /**
   * Fills {@code buffer} from {@code in}.
   *
   * @return false if the stream ended before the first byte and {@code eofAllowed}
   * @throws EOFException if the stream ended part way
   */
  private static boolean readFully(ReadableByteChannel in, ByteBuffer buffer, boolean eofAllowed)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = in.read(buffer);
      if (n < 0) {
        if (eofAllowed && buffer.position() == 0) {
          return false;
        }
        if (eofAllowed) {
          throw new EOFException(
              "stream ended inside a packet header ("
                  + buffer.position()
                  + " of "
                  + buffer.capacity()
                  + " bytes)");
        }
        return false;
      }
    }
    return true;
  }
}
