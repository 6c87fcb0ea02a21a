package io.vcanokey.usb.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.TransferType;
import io.vcanokey.usb.UsbTap;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks the pcap layout against the pcap file format (global header, record header) and Linux's
 * struct usbmon_packet (Documentation/usb/usbmon.rst). That tshark dissects a real capture is
 * checked by the guest integration test.
 */
class PcapWriterTest {

  @Test
  @DisplayName("global header: magic A1B2C3D4, version 2.4, link type 220")
  void create_writesGlobalHeader() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    PcapWriter.forStream(out);

    assertThat(Hex.encode(out.toByteArray()))
        .isEqualTo(
            "D4C3B2A1" + "0200" + "0400" + "00000000" + "00000000" + "40000100" + "DC000000");
  }

  @Test
  @DisplayName("control submit carries the SETUP bytes with flag_setup 0 (usbmon binary API)")
  void submit_control_recordsSetup() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PcapWriter pcap = PcapWriter.forStream(out);

    pcap.submit(
        7, TransferType.CONTROL, 0x80, new SetupPacket(0x80, 0x06, 0x0100, 0, 18), new byte[0], 18);

    ByteBuffer record = record(out, 0);
    assertThat(record.getInt(8)).isEqualTo(64); // incl_len: header only
    ByteBuffer usbmon = record.position(16).slice().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(usbmon.getLong(0)).isEqualTo(7);
    assertThat(usbmon.get(8)).isEqualTo((byte) 'S');
    assertThat(usbmon.get(9)).isEqualTo((byte) 2); // control
    assertThat(usbmon.get(10)).isEqualTo((byte) 0x80);
    assertThat(usbmon.get(14)).isEqualTo((byte) 0); // setup present
    assertThat(usbmon.get(15)).isEqualTo((byte) '<'); // IN submission: no data
    assertThat(usbmon.getInt(32)).isEqualTo(18);
    assertThat(usbmon.getInt(36)).isZero();
    byte[] setup = new byte[8];
    usbmon.get(40, setup);
    assertThat(Hex.encode(setup)).isEqualTo("8006000100001200");
  }

  @Test
  void complete_bulkIn_recordsData() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PcapWriter pcap = PcapWriter.forStream(out);

    pcap.complete(9, TransferType.BULK, 0x82, UsbTap.STATUS_OK, new byte[] {(byte) 0x80, 1, 2});

    ByteBuffer record = record(out, 0);
    assertThat(record.getInt(8)).isEqualTo(67);
    ByteBuffer usbmon = record.position(16).slice().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(usbmon.get(8)).isEqualTo((byte) 'C');
    assertThat(usbmon.get(9)).isEqualTo((byte) 3); // bulk
    assertThat(usbmon.get(14)).isEqualTo((byte) '-');
    assertThat(usbmon.get(15)).isEqualTo((byte) 0); // data present
    assertThat(usbmon.getInt(28)).isZero();
    assertThat(usbmon.getInt(32)).isEqualTo(3);
    assertThat(usbmon.getInt(36)).isEqualTo(3);
    byte[] data = new byte[3];
    usbmon.get(64, data);
    assertThat(data).containsExactly(0x80, 1, 2);
  }

  private static ByteBuffer record(ByteArrayOutputStream out, int index) {
    byte[] all = out.toByteArray();
    assertThat(index).isZero();
    return ByteBuffer.wrap(Arrays.copyOfRange(all, 24, all.length)).order(ByteOrder.LITTLE_ENDIAN);
  }
}
