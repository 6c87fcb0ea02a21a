package io.vcanokey.usb.capture;

import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.TransferType;
import io.vcanokey.usb.UsbTap;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every USB transfer as a Linux usbmon record in a classic pcap file, link type 220
 * (LINKTYPE_USB_LINUX_MMAPPED), the format QEMU's {@code -device ...,pcap=FILE} option writes and
 * Wireshark and tshark open natively.
 *
 * <p>Layout per record (Linux {@code Documentation/usb/usbmon.rst}, "binary interface", struct
 * usbmon_packet, 64 bytes, in the file's byte order, here little-endian): id u64, type u8 ('S'
 * submit, 'C' complete), transfer type u8 (0 iso, 1 interrupt, 2 control, 3 bulk), endpoint u8
 * (0x80 for IN), device number u8, bus number u16, setup flag s8 (0 when a SETUP packet is present,
 * '-' otherwise), data flag s8 (0 when data follows, else '<' or '>'), seconds s64, microseconds
 * s32, status s32, URB length u32, captured length u32, setup bytes [8], interval s32, start frame
 * s32, transfer flags u32, ISO descriptor count u32; then the captured data.
 *
 * <p>Wireshark learns which endpoint belongs to which interface class from the configuration
 * descriptor in the same capture, and then dissects interrupt data as USB HID and bulk data as USB
 * CCID. So the capture records the device's whole life from its first descriptor request, with one
 * fixed bus and device number (QEMU assigns the real address itself and never tells the usbredir
 * host).
 */
public final class PcapWriter implements UsbTap, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PcapWriter.class);

  static final int LINKTYPE_USB_LINUX_MMAPPED = 220;
  static final int USBMON_HEADER_LENGTH = 64;
  static final int SNAPLEN = 65536 + USBMON_HEADER_LENGTH;
  private static final int MAX_CAPTURED = 65536;
  private static final int BUS_NUMBER = 1;
  private static final int STATUS_IN_PROGRESS = -115; // -EINPROGRESS, as usbmon marks submissions

  private final OutputStream out;
  private final int deviceNumber;
  private boolean failed;

  private PcapWriter(OutputStream out, int deviceNumber) throws IOException {
    this.out = out;
    this.deviceNumber = deviceNumber;
    writeGlobalHeader();
  }

  /**
   * Creates (or truncates) {@code file}, readable by its owner only since it records every APDU,
   * and writes the pcap global header.
   */
  public static PcapWriter create(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), 1);
  }

  /** A writer on any stream, for tests. */
  static PcapWriter forStream(OutputStream out) throws IOException {
    return new PcapWriter(out, 1);
  }

  @Override
  public synchronized void submit(
      long id, TransferType type, int endpoint, SetupPacket setup, byte[] data, int length) {
    boolean in = (endpoint & 0x80) != 0;
    byte dataFlag = in ? (byte) '<' : data.length > 0 ? 0 : (byte) '>';
    record(
        id,
        'S',
        type,
        endpoint,
        setup,
        STATUS_IN_PROGRESS,
        length,
        in ? new byte[0] : data,
        dataFlag);
  }

  @Override
  public synchronized void complete(
      long id, TransferType type, int endpoint, int status, byte[] data) {
    boolean in = (endpoint & 0x80) != 0;
    byte dataFlag = in && data.length > 0 ? 0 : (byte) '>';
    record(id, 'C', type, endpoint, null, status, data.length, in ? data : new byte[0], dataFlag);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private void record(
      long id,
      char event,
      TransferType type,
      int endpoint,
      SetupPacket setup,
      int status,
      int length,
      byte[] data,
      byte dataFlag) {
    if (failed) {
      return;
    }
    byte[] captured = data.length > MAX_CAPTURED ? Arrays.copyOf(data, MAX_CAPTURED) : data;
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;

    ByteBuffer header = ByteBuffer.allocate(16 + USBMON_HEADER_LENGTH);
    header.order(ByteOrder.LITTLE_ENDIAN);
    header.putInt((int) (micros / 1_000_000)); // ts_sec
    header.putInt((int) (micros % 1_000_000)); // ts_usec
    header.putInt(USBMON_HEADER_LENGTH + captured.length); // incl_len
    header.putInt(USBMON_HEADER_LENGTH + captured.length); // orig_len

    header.putLong(id);
    header.put((byte) event);
    header.put((byte) usbmonTransferType(type));
    header.put((byte) endpoint);
    header.put((byte) deviceNumber);
    header.putShort((short) BUS_NUMBER);
    header.put(setup != null ? 0 : (byte) '-');
    header.put(captured.length > 0 ? 0 : dataFlag);
    header.putLong(micros / 1_000_000);
    header.putInt((int) (micros % 1_000_000));
    header.putInt(status);
    header.putInt(length);
    header.putInt(captured.length);
    header.put(setup != null ? setup.encode() : new byte[8]);
    header.putInt(type == TransferType.INTERRUPT ? 1 : 0); // interval
    header.putInt(0); // start_frame
    header.putInt(0); // xfer_flags
    header.putInt(0); // ndesc
    try {
      out.write(header.array());
      out.write(captured);
      out.flush();
    } catch (IOException e) {
      failed = true;
      log.error("pcap: writing failed, capture stopped: {}", e.getMessage());
    }
  }

  /** usbmon numbers transfer types differently from USB descriptors. */
  private static int usbmonTransferType(TransferType type) {
    switch (type) {
      case ISOCHRONOUS:
        return 0;
      case INTERRUPT:
        return 1;
      case CONTROL:
        return 2;
      case BULK:
        return 3;
      default:
        throw new IllegalArgumentException("unknown transfer type " + type);
    }
  }

  private void writeGlobalHeader() throws IOException {
    ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0xA1B2C3D4); // magic, microsecond timestamps
    header.putShort((short) 2); // version 2.4
    header.putShort((short) 4);
    header.putInt(0); // thiszone
    header.putInt(0); // sigfigs
    header.putInt(SNAPLEN);
    header.putInt(LINKTYPE_USB_LINUX_MMAPPED);
    out.write(header.array());
    out.flush();
  }
}
