package io.vcanokey.usb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks the descriptors against the byte values the canokey-core inventory (sections 1.1 to 1.6)
 * records for the original key, and against the layouts of USB 2.0 chapter 9.
 */
class CanoKeyDescriptorsTest {

  private final CanoKeyDescriptors descriptors = new CanoKeyDescriptors("1A2B3C4D");

  @Test
  @DisplayName("device descriptor: USB 2.1, EP0 16, 20A0:42D4, bcdDevice 1.00, strings 1/2/3")
  void device_isInventoryBytes() {
    assertThat(Hex.encode(descriptors.device()))
        .isEqualTo("12011002000000" + "10" + "A020D442" + "0001" + "010203" + "01");
  }

  @Test
  @DisplayName("configuration: 127 bytes, three interfaces, bus powered, 100 mA (inventory 1.3)")
  void configuration_hasInventoryLayout() {
    byte[] config = descriptors.configuration();

    assertThat(config).hasSize(127);
    assertThat(Hex.encode(Arrays.copyOf(config, 9))).isEqualTo("09027F0003010080" + "32");
    // CTAPHID interface, HID descriptor (report descriptor of 34 bytes), interrupt endpoints.
    assertThat(Hex.encode(Arrays.copyOfRange(config, 9, 41)))
        .isEqualTo(
            "090400000203000010"
                + "092111010001222200"
                + "0705810340000"
                + "2"
                + "0705010340000"
                + "5");
    // WebUSB interface: vendor class, no endpoints.
    assertThat(Hex.encode(Arrays.copyOfRange(config, 41, 50))).isEqualTo("090401000" + "0FFFFFF12");
    // CCID interface with its class descriptor and bulk endpoints.
    assertThat(Hex.encode(Arrays.copyOfRange(config, 50, 59))).isEqualTo("090402000" + "20B000011");
    assertThat(Hex.encode(Arrays.copyOfRange(config, 113, 127)))
        .isEqualTo("07058202400000" + "07050202400000");
  }

  @Test
  @DisplayName("CCID class descriptor: the 54 bytes of inventory 1.6 (CCID 1.1 section 5.1)")
  void ccidClassDescriptor_isInventoryBytes() {
    byte[] ccid = Arrays.copyOfRange(descriptors.configuration(), 59, 113);

    assertThat(Hex.encode(ccid))
        .isEqualTo(
            "3621" // bLength 54, type 0x21
                + "1001" // bcdCCID 1.10
                + "00" // bMaxSlotIndex
                + "07" // bVoltageSupport
                + "02000000" // dwProtocols T=1
                + "A00F0000" // dwDefaultClock 4000
                + "A00F0000" // dwMaximumClock 4000
                + "00"
                + "00B00400" // dwDataRate 307200
                + "00B00400" // dwMaxDataRate 307200
                + "00"
                + "3E050000" // dwMaxIFSD 1342
                + "00000000"
                + "00000000"
                + "FE000400" // dwFeatures
                + "48050000" // dwMaxCCIDMessageLength 1352
                + "FF"
                + "FF"
                + "0000"
                + "00"
                + "01");
  }

  @Test
  @DisplayName("HID report descriptor: FIDO usage page F1D0, 64-byte input and output reports")
  void hidReportDescriptor_isCtapHidLayout() {
    assertThat(Hex.encode(descriptors.hidReportDescriptor()))
        .isEqualTo(
            "06D0F10901A101"
                + "09201500"
                + "26FF00"
                + "75089540"
                + "8102"
                + "09211500"
                + "26FF00"
                + "75089540"
                + "9102"
                + "C0");
  }

  @Test
  @DisplayName("BOS: 57 bytes, WebUSB capability (vendor code 1, landing page 1), MS OS 2.0")
  void bos_hasBothPlatformCapabilities() {
    byte[] bos = descriptors.bos();

    assertThat(bos).hasSize(57);
    assertThat(Hex.encode(Arrays.copyOf(bos, 5))).isEqualTo("050F390002");
    // WebUSB platform capability UUID {3408B638-09A9-47A0-8BFD-A0768815B665}.
    assertThat(Hex.encode(Arrays.copyOfRange(bos, 5, 29)))
        .isEqualTo("181005" + "00" + "38B60834A909A0478BFDA0768815B665" + "0001" + "01" + "01");
    // MS OS 2.0 capability UUID {D8DD60DF-4589-4CC7-9CD2-659D9E648A9F}, set length 0xB2.
    assertThat(Hex.encode(Arrays.copyOfRange(bos, 29, 57)))
        .isEqualTo(
            "1C1005"
                + "00"
                + "DF60DDD88945C74C9CD2659D9E648A9F"
                + "00000306"
                + "B200"
                + "02"
                + "00");
  }

  @Test
  @DisplayName("MS OS 2.0 set: 178 bytes, WINUSB on interface 1, DeviceInterfaceGUIDs")
  void msOs20Set_isWinUsbOnWebUsbInterface() {
    byte[] set = descriptors.msOs20DescriptorSet();

    assertThat(set).hasSize(0xB2);
    assertThat(Hex.encode(Arrays.copyOf(set, 26)))
        .isEqualTo(
            "0A00"
                + "0000"
                + "00000306"
                + "B200"
                + "0800010000"
                + "00A800"
                + "0800020001"
                + "00A000");
    assertThat(new String(set, 30, 6, StandardCharsets.US_ASCII)).isEqualTo("WINUSB");
    assertThat(new String(set, 0xB2 - 80, 76, StandardCharsets.UTF_16LE))
        .isEqualTo("{244EB29E-E090-4E49-81FE-1F20F8D3B8F4}");
  }

  @Test
  @DisplayName("strings: LANGID 0409, manufacturer, product CanoKey QEMU, serial (inventory 1.2)")
  void strings_areInventoryValues() {
    assertThat(Hex.encode(descriptors.string(0))).isEqualTo("04030904");
    assertThat(text(descriptors.string(1))).isEqualTo("canokeys.org");
    assertThat(text(descriptors.string(2))).isEqualTo("CanoKey QEMU");
    assertThat(text(descriptors.string(3))).isEqualTo("1A2B3C4D");
    assertThat(text(descriptors.string(0x10))).isEqualTo("FIDO2/U2F");
    assertThat(text(descriptors.string(0x11))).isEqualTo("OpenPGP PIV OATH");
    assertThat(text(descriptors.string(0x12))).isEqualTo("WebUSB");
    assertThat(descriptors.string(4)).isNull();
  }

  @Test
  @DisplayName("WebUSB URL descriptor: scheme 1 (https), console.canokeys.org")
  void landingPage_isHttpsConsole() {
    byte[] url = descriptors.landingPageUrl();

    assertThat(url[0]).isEqualTo((byte) url.length);
    assertThat(url[1]).isEqualTo((byte) 0x03);
    assertThat(url[2]).isEqualTo((byte) 0x01);
    assertThat(new String(url, 3, url.length - 3, StandardCharsets.UTF_8))
        .isEqualTo("console.canokeys.org");
  }

  private static String text(byte[] descriptor) {
    assertThat(descriptor[0]).isEqualTo((byte) descriptor.length);
    assertThat(descriptor[1]).isEqualTo((byte) 0x03);
    return new String(descriptor, 2, descriptor.length - 2, StandardCharsets.UTF_16LE);
  }
}
