package io.vcanokey.usb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.trace.Tracer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UsbDeviceTest {

  private UsbDevice device;
  private final List<String> functionCalls = new ArrayList<>();

  /** Records what the device hands to a function. */
  private final class RecordingFunction implements UsbFunction {
    final String name;

    RecordingFunction(String name) {
      this.name = name;
    }

    @Override
    public ControlResult classRequest(SetupPacket setup, byte[] data) {
      functionCalls.add(name + " class " + Integer.toHexString(setup.request()));
      return setup.request() == 0x0A ? ControlResult.ok() : ControlResult.stall();
    }

    @Override
    public void dataOut(int endpointAddress, byte[] data) {
      functionCalls.add(name + " out " + Integer.toHexString(endpointAddress) + " " + data.length);
    }

    @Override
    public void reset() {
      functionCalls.add(name + " reset");
    }
  }

  @BeforeEach
  void setUp() {
    device = new UsbDevice(new CanoKeyDescriptors("0000BEEF"), Tracer.OFF);
    device.bind(0, new RecordingFunction("hid"));
    device.bind(2, new RecordingFunction("ccid"));
  }

  @Test
  @DisplayName("GET_DESCRIPTOR(device) with wLength 8 returns the first 8 bytes (USB 2.0 9.3.5)")
  void getDescriptor_shortLength_truncates() {
    ControlResult result = device.control(new SetupPacket(0x80, 0x06, 0x0100, 0, 8), new byte[0]);

    assertThat(Hex.encode(result.data())).isEqualTo("1201100200000010");
  }

  @Test
  void getDescriptor_configurationFull_returns127Bytes() {
    ControlResult result =
        device.control(new SetupPacket(0x80, 0x06, 0x0200, 0, 0xFFFF), new byte[0]);

    assertThat(result.data()).hasSize(127);
  }

  @Test
  void getDescriptor_serialString_isStateSerial() {
    ControlResult result =
        device.control(new SetupPacket(0x80, 0x06, 0x0303, 0x0409, 255), new byte[0]);

    assertThat(new String(result.data(), 2, 16, StandardCharsets.UTF_16LE)).isEqualTo("0000BEEF");
  }

  @Test
  @DisplayName("unknown descriptor types and string indices stall (USB 2.0 9.4.3)")
  void getDescriptor_unknown_stalls() {
    assertThat(device.control(new SetupPacket(0x80, 0x06, 0x0900, 0, 64), new byte[0]).isStall())
        .isTrue();
    assertThat(device.control(new SetupPacket(0x80, 0x06, 0x0309, 0, 64), new byte[0]).isStall())
        .isTrue();
    assertThat(device.control(new SetupPacket(0x80, 0x06, 0x0201, 0, 64), new byte[0]).isStall())
        .isTrue();
  }

  @Test
  void getDescriptor_hidReportOnInterface0_returns34Bytes() {
    ControlResult result = device.control(new SetupPacket(0x81, 0x06, 0x2200, 0, 255), new byte[0]);

    assertThat(result.data()).hasSize(34);
  }

  @Test
  void getDescriptor_hidReportOnCcidInterface_stalls() {
    assertThat(device.control(new SetupPacket(0x81, 0x06, 0x2200, 2, 255), new byte[0]).isStall())
        .isTrue();
  }

  @Test
  @DisplayName("class requests reach the function owning wIndex's interface")
  void classRequest_routedByInterface() {
    ControlResult setIdle = device.control(new SetupPacket(0x21, 0x0A, 0, 0, 0), new byte[0]);
    ControlResult ccid = device.control(new SetupPacket(0xA1, 0x02, 0, 2, 4), new byte[0]);

    assertThat(setIdle.isStall()).isFalse();
    assertThat(ccid.isStall()).isTrue();
    assertThat(functionCalls).containsExactly("hid class a", "ccid class 2");
  }

  @Test
  void classRequest_toWebUsbInterfaceOrDevice_stalls() {
    assertThat(device.control(new SetupPacket(0x21, 0x0A, 0, 1, 0), new byte[0]).isStall())
        .isTrue();
    assertThat(device.control(new SetupPacket(0x20, 0x0A, 0, 0, 0), new byte[0]).isStall())
        .isTrue();
  }

  @Test
  @DisplayName("vendor requests: WebUSB GET_URL and MS OS 2.0 answer, the rest stall")
  void vendorRequests() {
    assertThat(device.control(new SetupPacket(0xC0, 0x01, 1, 2, 255), new byte[0]).data())
        .hasSize(23);
    assertThat(device.control(new SetupPacket(0xC0, 0x02, 0, 7, 255), new byte[0]).data())
        .hasSize(178);
    assertThat(device.control(new SetupPacket(0xC0, 0x01, 2, 2, 255), new byte[0]).isStall())
        .isTrue();
    // The original's WebUSB APDU tunnel (interface-level vendor request 2, STAT) is not provided.
    assertThat(device.control(new SetupPacket(0xC1, 0x02, 0, 1, 1), new byte[0]).isStall())
        .isTrue();
  }

  @Test
  @DisplayName("data endpoints refuse transfers until the device is configured (USB 2.0 9.1.1.5)")
  void dataOut_unconfigured_refused() {
    assertThat(device.dataOut(0x01, new byte[64])).isFalse();

    device.setConfiguration(1);

    assertThat(device.dataOut(0x01, new byte[64])).isTrue();
    assertThat(device.dataOut(0x02, new byte[10])).isTrue();
    assertThat(device.dataOut(0x03, new byte[10])).isFalse();
    assertThat(device.dataOut(0x81, new byte[10])).isFalse();
    assertThat(functionCalls).contains("hid out 1 64", "ccid out 2 10");
  }

  @Test
  void setConfiguration_invalidValue_stalls() {
    assertThat(device.setConfiguration(2).isStall()).isTrue();
    assertThat(device.configuration()).isZero();
  }

  @Test
  void pollIn_longBulkTransfer_handedOutInPieces() {
    device.setConfiguration(1);
    byte[] message = new byte[100];
    message[99] = 7;
    List<Integer> ready = new ArrayList<>();
    device.setInListener(ready::add);

    device.inPipe(0x82).send(message);

    assertThat(ready).containsExactly(0x82);
    assertThat(device.pollIn(0x82, 64)).hasSize(64);
    byte[] rest = device.pollIn(0x82, 64);
    assertThat(rest).hasSize(36);
    assertThat(rest[35]).isEqualTo((byte) 7);
    assertThat(device.pollIn(0x82, 64)).isNull();
  }

  @Test
  void endpointHalt_setAndClear() {
    device.setConfiguration(1);
    device.control(new SetupPacket(0x02, 0x03, 0, 0x02, 0), new byte[0]);

    assertThat(device.control(new SetupPacket(0x82, 0x00, 0, 0x02, 2), new byte[0]).data())
        .containsExactly(1, 0);
    assertThat(device.dataOut(0x02, new byte[1])).isFalse();

    device.control(new SetupPacket(0x02, 0x01, 0, 0x02, 0), new byte[0]);

    assertThat(device.dataOut(0x02, new byte[1])).isTrue();
  }

  @Test
  void reset_unconfiguresAndResetsFunctions() {
    device.setConfiguration(1);
    device.inPipe(0x81).send(new byte[64]);

    device.reset();

    assertThat(device.configuration()).isZero();
    assertThat(device.hasIn(0x81)).isFalse();
    assertThat(functionCalls).contains("hid reset", "ccid reset");
  }

  @Test
  @DisplayName("--trace canokey_* prints reset, control setup and stall events")
  void trace_printsNamedEvents() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    UsbDevice traced =
        new UsbDevice(
            new CanoKeyDescriptors("0000BEEF"),
            Tracer.forGlobs("canokey_*", new PrintStream(buffer, true, StandardCharsets.UTF_8)));

    traced.reset();
    traced.control(new SetupPacket(0x80, 0x06, 0x0100, 0, 18), new byte[0]);
    traced.control(new SetupPacket(0x80, 0x06, 0x0900, 0, 18), new byte[0]);
    traced.setConfiguration(1);

    String out = buffer.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains(":canokey_handle_reset")
        .contains(
            ":canokey_handle_control_setup request 0x8006 value 0x0100 index 0x0000 length"
                + " 0x0012")
        .contains(":canokey_handle_control_in len 18")
        .contains(":canokey_emu_stall_ep ep 0")
        .contains(":canokey_set_configuration config 1");
  }
}
