package io.vcanokey.transport.usbredir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.transport.usbredir.UsbRedirPacket.AllocBulkStreams;
import io.vcanokey.transport.usbredir.UsbRedirPacket.AltSettingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkReceivingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.BulkStreamsStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.CancelDataPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ConfigurationStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ControlPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.DeviceConnect;
import io.vcanokey.transport.usbredir.UsbRedirPacket.EpInfo;
import io.vcanokey.transport.usbredir.UsbRedirPacket.FilterFilter;
import io.vcanokey.transport.usbredir.UsbRedirPacket.GetAltSetting;
import io.vcanokey.transport.usbredir.UsbRedirPacket.GetConfiguration;
import io.vcanokey.transport.usbredir.UsbRedirPacket.Hello;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterfaceInfo;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptReceivingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.IsoStreamStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.Reset;
import io.vcanokey.transport.usbredir.UsbRedirPacket.SetAltSetting;
import io.vcanokey.transport.usbredir.UsbRedirPacket.SetConfiguration;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartBulkReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartInterruptReceiving;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartIsoStream;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StopInterruptReceiving;
import io.vcanokey.usb.UsbTap;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The usb-host session against a real {@link io.vcanokey.usb.UsbDevice}, driven through encoded
 * packets as QEMU's usb-redir sends them. Expected values come from the usbredir protocol document
 * (packet order and replies), QEMU 7.2's hw/usb/redirect.c (what it sends and expects) and the
 * canokey-core inventory (descriptor values).
 */
class UsbRedirSessionTest {

  private static final int STATUS_SUCCESS = 0;
  private static final int STATUS_CANCELLED = 1;
  private static final int STATUS_INVAL = 2;
  private static final int STATUS_STALL = 4;

  private static byte[] report(int seed) {
    byte[] report = new byte[64];
    Arrays.fill(report, (byte) seed);
    return report;
  }

  @Test
  @DisplayName("hello: both sides send hello first; ours has a 32-bit id header and caps 0x7A")
  void start_sendsHelloFirst() {
    GuestHarness guest = new GuestHarness();
    guest.session.start();

    List<byte[]> sent = guest.receivedBytes();
    assertThat(sent).hasSize(1);
    // type 0, length 68, id 0 (32-bit), "vcanokey 0.1" NUL-padded to 64, caps word 0x7A.
    assertThat(Hex.encode(sent.get(0)))
        .isEqualToIgnoringCase(
            "00000000"
                + "44000000"
                + "00000000"
                + Hex.encode("vcanokey 0.1".getBytes())
                + "00".repeat(52)
                + "7A000000");
  }

  @Test
  @DisplayName("after the guest's hello: ep_info, interface_info, device_connect, in that order")
  void guestHello_sendsEpInfoInterfaceInfoDeviceConnect() {
    GuestHarness guest = new GuestHarness();
    List<UsbRedirFrame> frames = guest.connect();

    assertThat(frames)
        .extracting(f -> f.packet().getClass().getSimpleName())
        .containsExactly("Hello", "EpInfo", "InterfaceInfo", "DeviceConnect");

    // Endpoints of canokey-qemu (inventory 1.3): EP0 16 bytes; 0x81/0x01 interrupt, 64 bytes,
    // intervals 2 and 5, interface 0; 0x82/0x02 bulk, 64 bytes, interface 2.
    List<EpInfo.Endpoint> eps = ((EpInfo) frames.get(1).packet()).endpoints();
    assertThat(eps.get(0)).isEqualTo(new EpInfo.Endpoint(0, 0, 0, 16, 0));
    assertThat(eps.get(16)).isEqualTo(new EpInfo.Endpoint(0, 0, 0, 16, 0));
    assertThat(eps.get(0x11)).isEqualTo(new EpInfo.Endpoint(3, 2, 0, 64, 0));
    assertThat(eps.get(0x01)).isEqualTo(new EpInfo.Endpoint(3, 5, 0, 64, 0));
    assertThat(eps.get(0x12)).isEqualTo(new EpInfo.Endpoint(2, 0, 2, 64, 0));
    assertThat(eps.get(0x02)).isEqualTo(new EpInfo.Endpoint(2, 0, 2, 64, 0));
    for (int i : new int[] {3, 4, 15, 0x13, 0x1F}) {
      assertThat(eps.get(i).type()).isEqualTo(0xFF);
    }

    // Interfaces (inventory 1.3): CTAPHID 03/00/00, WebUSB FF/FF/FF, CCID 0B/00/00.
    assertThat(((InterfaceInfo) frames.get(2).packet()).interfaces())
        .containsExactly(
            new InterfaceInfo.Interface(0, 0x03, 0, 0),
            new InterfaceInfo.Interface(1, 0xFF, 0xFF, 0xFF),
            new InterfaceInfo.Interface(2, 0x0B, 0, 0));

    // High speed (2), class per interface, 20A0:42D4, bcdDevice 0x0100 (inventory 1.1).
    assertThat(frames.get(3).packet())
        .isEqualTo(new DeviceConnect(2, 0, 0, 0, 0x20A0, 0x42D4, 0x0100));
  }

  @Test
  @DisplayName(
      "the hello's caps allow QEMU's xHCI attach: ep_info_max_packet_size, 64-bit ids, "
          + "32-bit bulk length (redirect.c usbredir_do_attach)")
  void caps_includeWhatXhciNeeds() {
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_EP_INFO_MAX_PACKET_SIZE)).isTrue();
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_64BITS_IDS)).isTrue();
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_32BITS_BULK_LENGTH)).isTrue();
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_BULK_RECEIVING)).isFalse();
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_FILTER)).isFalse();
    assertThat(UsbRedirSession.CAPS.has(UsbRedirProto.CAP_BULK_STREAMS)).isFalse();
  }

  @Test
  @DisplayName("a guest without caps gets 32-bit ids and no optional fields")
  void bareGuest_gets32BitIdsAndShortPackets() {
    GuestHarness guest = new GuestHarness(UsbRedirCaps.NONE);
    guest.session.start();
    guest.receivedBytes();
    guest.send(0, new Hello("old guest", UsbRedirCaps.NONE));

    List<byte[]> sent = guest.receivedBytes();
    assertThat(sent)
        .extracting(b -> b.length)
        .containsExactly(12 + 96, 12 + 132, 12 + 8); // ep_info, interface_info, device_connect
  }

  @Test
  @DisplayName(
      "GET_DESCRIPTOR(device) travels as control_packet; the reply echoes the header "
          + "with status and actual length, and carries the 18-byte descriptor")
  void getDeviceDescriptor_returnsDescriptor() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(42, new ControlPacket(0x80, 0x06, 0x80, 0, 0x0100, 0, 64, new byte[0]));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).id()).isEqualTo(42);
    ControlPacket reply = (ControlPacket) frames.get(0).packet();
    assertThat(reply.status()).isEqualTo(STATUS_SUCCESS);
    assertThat(reply.length()).isEqualTo(18);
    // Inventory 1.1: bcdUSB 0x0210, class 0, EP0 16, 20A0:42D4, bcdDevice 0x0100, strings 1/2/3.
    assertThat(Hex.encode(reply.data()))
        .isEqualToIgnoringCase("12011002000000" + "10" + "A020D442" + "0001" + "01020301");
    assertThat(guest.tap.events)
        .containsExactly(
            "S t0 CONTROL 80 SETUP[bmRequestType=80 bRequest=06 wValue=0100 wIndex=0000 wLength=64]"
                + " len=64 out=0",
            "C t0 CONTROL 80 status=0 in=18");
  }

  @Test
  @DisplayName("an unsupported control request is answered with status stall and no data")
  void unsupportedControl_stalls() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(5, new ControlPacket(0x80, 0x06, 0x80, 0, 0x0900, 0, 64, new byte[0]));

    ControlPacket reply = (ControlPacket) guest.received().get(0).packet();
    assertThat(reply.status()).isEqualTo(STATUS_STALL);
    assertThat(reply.length()).isZero();
    assertThat(reply.data()).isEmpty();
  }

  @Test
  @DisplayName("a control packet for an endpoint other than 0 is answered inval")
  void controlOnNonZeroEndpoint_inval() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(5, new ControlPacket(0x81, 0x06, 0x80, 0, 0x0100, 0, 18, new byte[0]));

    assertThat(((ControlPacket) guest.received().get(0).packet()).status()).isEqualTo(STATUS_INVAL);
  }

  @Test
  @DisplayName("set_configuration: ep_info and interface_info come before configuration_status")
  void setConfiguration_sendsInfoThenStatus() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(77, new SetConfiguration(1));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames)
        .extracting(f -> f.packet().getClass().getSimpleName())
        .containsExactly("EpInfo", "InterfaceInfo", "ConfigurationStatus");
    assertThat(frames.get(2).id()).isEqualTo(77);
    assertThat(frames.get(2).packet()).isEqualTo(new ConfigurationStatus(STATUS_SUCCESS, 1));
    assertThat(guest.device.configuration()).isEqualTo(1);

    guest.send(78, new GetConfiguration());
    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(78, new ConfigurationStatus(STATUS_SUCCESS, 1)));
  }

  @Test
  void setConfiguration_unknownValue_stallsWithoutInfo() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(3, new SetConfiguration(5));

    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(3, new ConfigurationStatus(STATUS_STALL, 0)));
  }

  @Test
  @DisplayName(
      "set_alt_setting: ep_info and interface_info before alt_setting_status; "
          + "a missing alternate or interface stalls")
  void altSettings() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(10, new SetAltSetting(2, 0));
    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames)
        .extracting(f -> f.packet().getClass().getSimpleName())
        .containsExactly("EpInfo", "InterfaceInfo", "AltSettingStatus");
    assertThat(frames.get(2)).isEqualTo(new UsbRedirFrame(10, new AltSettingStatus(0, 2, 0)));

    guest.send(11, new SetAltSetting(2, 1));
    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(11, new AltSettingStatus(STATUS_STALL, 2, 0)));

    guest.send(12, new GetAltSetting(0));
    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(12, new AltSettingStatus(STATUS_SUCCESS, 0, 0)));

    guest.send(13, new GetAltSetting(7));
    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(13, new AltSettingStatus(STATUS_STALL, 7, 0xFF)));
  }

  @Test
  @DisplayName(
      "interrupt IN: after start_interrupt_receiving, reports are pushed unsolicited "
          + "with ids counting from 0, after the reply to the OUT packet that produced them")
  void interruptReceiving_pushesReports() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(0, new StartInterruptReceiving(0x81));
    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(0, new InterruptReceivingStatus(STATUS_SUCCESS, 0x81)));

    guest.send(9, new InterruptPacket(0x01, 0, 64, report(0xA1)));
    guest.send(10, new InterruptPacket(0x01, 0, 64, report(0xA2)));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).hasSize(4);
    assertThat(frames.get(0).id()).isEqualTo(9);
    assertThat(frames.get(0).packet())
        .usingRecursiveComparison()
        .isEqualTo(new InterruptPacket(0x01, STATUS_SUCCESS, 64, new byte[0]));
    assertThat(frames.get(1).id()).isZero();
    assertThat(frames.get(1).packet())
        .usingRecursiveComparison()
        .isEqualTo(new InterruptPacket(0x81, STATUS_SUCCESS, 64, report(0xA1)));
    assertThat(frames.get(2).id()).isEqualTo(10);
    assertThat(frames.get(3).id()).isEqualTo(1);
    assertThat(frames.get(3).packet())
        .usingRecursiveComparison()
        .isEqualTo(new InterruptPacket(0x81, STATUS_SUCCESS, 64, report(0xA2)));

    // The pushed report shows in the tap as a submit and a complete together.
    assertThat(guest.tap.events)
        .contains("S t1 INTERRUPT 81 - len=64 out=0", "C t1 INTERRUPT 81 status=0 in=64");
  }

  @Test
  void interruptReceiving_reportsQueuedBeforeStartArePushedOnStart() {
    GuestHarness guest = new GuestHarness().configured();
    guest.send(9, new InterruptPacket(0x01, 0, 64, report(1)));
    guest.received();

    guest.send(0, new StartInterruptReceiving(0x81));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames)
        .extracting(f -> f.packet().getClass().getSimpleName())
        .containsExactly("InterruptReceivingStatus", "InterruptPacket");
  }

  @Test
  void interruptReceiving_stopped_reportsWaitForNextStart() {
    GuestHarness guest = new GuestHarness().configured();
    guest.send(0, new StartInterruptReceiving(0x81));
    guest.send(0, new StopInterruptReceiving(0x81));
    guest.received();

    guest.send(9, new InterruptPacket(0x01, 0, 64, report(1)));
    assertThat(guest.received()).hasSize(1); // only the OUT reply

    guest.send(0, new StartInterruptReceiving(0x81));
    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(1).id()).isZero();
  }

  @Test
  @DisplayName("start_interrupt_receiving on an endpoint that is not interrupt IN: inval status")
  void interruptReceiving_wrongEndpoint_inval() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(0, new StartInterruptReceiving(0x82));

    assertThat(guest.received())
        .containsExactly(new UsbRedirFrame(0, new InterruptReceivingStatus(STATUS_INVAL, 0x82)));
  }

  @Test
  @DisplayName("interrupt OUT to an unconfigured device stalls; to a missing endpoint: inval")
  void interruptOut_errors() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.send(4, new InterruptPacket(0x01, 0, 64, report(1)));
    guest.send(5, new InterruptPacket(0x03, 0, 1, new byte[] {1}));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(((InterruptPacket) frames.get(0).packet()).status()).isEqualTo(STATUS_STALL);
    assertThat(((InterruptPacket) frames.get(0).packet()).length()).isZero();
    assertThat(((InterruptPacket) frames.get(1).packet()).status()).isEqualTo(STATUS_INVAL);
  }

  @Test
  @DisplayName("bulk IN: a request waits until the device has data, then carries it in the reply")
  void bulkIn_waitsForData() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(100, new BulkPacket(0x82, 0, 512, 0, new byte[0]));
    assertThat(guest.received()).isEmpty();
    assertThat(guest.session.waitingBulkRequests(0x82)).isEqualTo(1);

    byte[] message = Hex.decode("800000000000010000000102030405");
    guest.send(101, new BulkPacket(0x02, 0, message.length, 0, message));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).id()).isEqualTo(101);
    assertThat(frames.get(0).packet())
        .usingRecursiveComparison()
        .isEqualTo(new BulkPacket(0x02, STATUS_SUCCESS, message.length, 0, new byte[0]));
    assertThat(frames.get(1).id()).isEqualTo(100);
    assertThat(frames.get(1).packet())
        .usingRecursiveComparison()
        .isEqualTo(new BulkPacket(0x82, STATUS_SUCCESS, message.length, 0, message));
    assertThat(guest.session.waitingBulkRequests(0x82)).isZero();
    assertThat(guest.tap.events)
        .containsExactly(
            "S t0 BULK 82 - len=512 out=0",
            "S t1 BULK 02 - len=15 out=15",
            "C t1 BULK 02 status=0 in=0",
            "C t0 BULK 82 status=0 in=15");
  }

  @Test
  @DisplayName("bulk IN: a reply never exceeds the requested length; the rest waits")
  void bulkIn_longDataIsSplitByRequestLength() {
    GuestHarness guest = new GuestHarness().configured();
    byte[] message = new byte[100];
    Arrays.fill(message, (byte) 7);
    guest.send(1, new BulkPacket(0x02, 0, 100, 0, message));
    guest.received();

    guest.send(2, new BulkPacket(0x82, 0, 64, 0, new byte[0]));
    guest.send(3, new BulkPacket(0x82, 0, 64, 0, new byte[0]));

    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).extracting(f -> ((BulkPacket) f.packet()).length()).containsExactly(64, 36);
  }

  @Test
  @DisplayName("cancel_data_packet answers a waiting bulk IN request with status cancelled")
  void bulkIn_cancelled() {
    GuestHarness guest = new GuestHarness().configured();
    guest.send(200, new BulkPacket(0x82, 0, 512, 0, new byte[0]));

    guest.send(200, new CancelDataPacket());

    assertThat(guest.received())
        .hasSize(1)
        .first()
        .satisfies(
            frame -> {
              assertThat(frame.id()).isEqualTo(200);
              assertThat(frame.packet())
                  .usingRecursiveComparison()
                  .isEqualTo(new BulkPacket(0x82, STATUS_CANCELLED, 0, 0, new byte[0]));
            });
    assertThat(guest.tap.events)
        .containsExactly("S t0 BULK 82 - len=512 out=0", "C t0 BULK 82 status=-104 in=0");

    // The next request gets the next data.
    guest.send(201, new BulkPacket(0x82, 0, 512, 0, new byte[0]));
    guest.send(202, new BulkPacket(0x02, 0, 2, 0, new byte[] {5, 6}));
    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames.get(1).id()).isEqualTo(201);
    assertThat(((BulkPacket) frames.get(1).packet()).data()).containsExactly(5, 6);
  }

  @Test
  @DisplayName(
      "a cancel that crossed its answer gives the answer's data to the next request "
          + "(QEMU drops replies to packets it cancelled: redirect.c usbredir_is_cancelled)")
  void bulkIn_cancelCrossingAnswer_dataGoesToNextRequest() {
    GuestHarness guest = new GuestHarness().configured();
    guest.send(300, new BulkPacket(0x82, 0, 512, 0, new byte[0]));
    guest.send(301, new BulkPacket(0x02, 0, 3, 0, new byte[] {1, 2, 3}));
    assertThat(guest.received()).hasSize(2); // OUT reply, then the IN answer for 300

    guest.send(300, new CancelDataPacket());
    assertThat(guest.received()).isEmpty();

    guest.send(302, new BulkPacket(0x82, 0, 512, 0, new byte[0]));
    List<UsbRedirFrame> frames = guest.received();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).id()).isEqualTo(302);
    assertThat(((BulkPacket) frames.get(0).packet()).data()).containsExactly(1, 2, 3);
  }

  @Test
  void cancel_unknownId_sendsNothing() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(999, new CancelDataPacket());

    assertThat(guest.received()).isEmpty();
  }

  @Test
  @DisplayName("bulk packets for a missing endpoint or a stream id are answered inval")
  void bulk_invalidTargets_inval() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(1, new BulkPacket(0x05, 0, 1, 0, new byte[] {1}));
    guest.send(2, new BulkPacket(0x82, 0, 64, 3, new byte[0]));
    guest.send(3, new BulkPacket(0x81, 0, 64, 0, new byte[0]));

    assertThat(guest.received())
        .extracting(f -> ((BulkPacket) f.packet()).status())
        .containsExactly(STATUS_INVAL, STATUS_INVAL, STATUS_INVAL);
  }

  @Test
  @DisplayName("unsupported but well-formed requests get their status packet with an error")
  void unsupportedRequests_getErrorStatus() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(1, new StartIsoStream(0x83, 8, 4));
    guest.send(2, new AllocBulkStreams(0x00040004, 16));
    guest.send(3, new StartBulkReceiving(0, 512, 0x82, 5));
    guest.send(4, new FilterFilter("-1,-1,-1,-1,1"));

    assertThat(guest.received())
        .containsExactly(
            new UsbRedirFrame(1, new IsoStreamStatus(STATUS_INVAL, 0x83)),
            new UsbRedirFrame(2, new BulkStreamsStatus(0x00040004, 16, STATUS_INVAL)),
            new UsbRedirFrame(3, new BulkReceivingStatus(0, 0x82, STATUS_INVAL)));
  }

  @Test
  @DisplayName("reset resets the device and has no reply packet")
  void reset_resetsDevice() {
    GuestHarness guest = new GuestHarness().configured();

    guest.send(0, new Reset());

    assertThat(guest.received()).isEmpty();
    assertThat(guest.device.configuration()).isZero();
    assertThat(guest.ccid.resets).isPositive();
  }

  @Test
  @DisplayName("close: the device is reset and stops talking to the session")
  void close_resetsDeviceAndCancelsWaitingTransfers() {
    GuestHarness guest = new GuestHarness().configured();
    guest.send(0, new StartInterruptReceiving(0x81));
    guest.send(50, new BulkPacket(0x82, 0, 512, 0, new byte[0]));
    guest.received();
    guest.tap.clear();

    guest.session.close();
    guest.device.inPipe(0x81).send(report(1));

    assertThat(guest.received()).isEmpty();
    assertThat(guest.device.configuration()).isZero();
    assertThat(guest.tap.events)
        .containsExactly("C t0 BULK 82 status=" + UsbTap.STATUS_CANCELLED + " in=0");
  }

  @Test
  @DisplayName("a packet before the guest's hello is a protocol error")
  void packetBeforeHello_isProtocolError() {
    GuestHarness guest = new GuestHarness();
    guest.session.start();

    assertThatThrownBy(() -> guest.session.handle(new UsbRedirFrame(1, new GetConfiguration())))
        .isInstanceOf(UsbRedirProtocolException.class)
        .hasMessageContaining("first packet must be hello");
  }

  @Test
  void secondHello_isIgnored() {
    GuestHarness guest = new GuestHarness();
    guest.connect();

    guest.session.handle(new UsbRedirFrame(0, new Hello("again", UsbRedirCaps.NONE)));

    assertThat(guest.received()).isEmpty();
    assertThat(guest.session.codec().headerLength()).isEqualTo(16);
  }
}
