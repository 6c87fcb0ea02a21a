package io.vcanokey.usb;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.usb.ccid.CcidClassDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The descriptors of a CanoKey as canokey-qemu presents it: device, configuration (CTAPHID, WebUSB
 * and CCID interfaces), strings, BOS with the WebUSB and Microsoft OS 2.0 platform capabilities,
 * the WebUSB landing-page URL and the MS OS 2.0 descriptor set.
 *
 * <p>Every value comes from the canokey-core inventory (sections 1.1 to 1.6), which records the
 * original firmware byte for byte; layouts follow USB 2.0 chapter 9, HID 1.11 section 6.2, CCID 1.1
 * section 5.1, WebUSB section 4 and the Microsoft OS 2.0 Descriptors specification. The original's
 * quirk of reporting a configuration length that still counts its disabled keyboard interface is
 * not reproduced.
 */
public final class CanoKeyDescriptors {

  public static final int VENDOR_ID = 0x20A0;
  public static final int PRODUCT_ID = 0x42D4;
  public static final int BCD_DEVICE = 0x0100;
  public static final int BCD_USB = 0x0210;
  public static final int EP0_MAX_PACKET_SIZE = 16;

  public static final int INTERFACE_CTAPHID = 0;
  public static final int INTERFACE_WEBUSB = 1;
  public static final int INTERFACE_CCID = 2;

  public static final int EP_CTAPHID_IN = 0x81;
  public static final int EP_CTAPHID_OUT = 0x01;
  public static final int EP_CCID_IN = 0x82;
  public static final int EP_CCID_OUT = 0x02;

  public static final int DESCRIPTOR_DEVICE = 0x01;
  public static final int DESCRIPTOR_CONFIGURATION = 0x02;
  public static final int DESCRIPTOR_STRING = 0x03;
  public static final int DESCRIPTOR_INTERFACE = 0x04;
  public static final int DESCRIPTOR_ENDPOINT = 0x05;
  public static final int DESCRIPTOR_DEVICE_QUALIFIER = 0x06;
  public static final int DESCRIPTOR_OTHER_SPEED_CONFIGURATION = 0x07;
  public static final int DESCRIPTOR_BOS = 0x0F;
  public static final int DESCRIPTOR_DEVICE_CAPABILITY = 0x10;
  public static final int DESCRIPTOR_HID = 0x21;
  public static final int DESCRIPTOR_HID_REPORT = 0x22;
  public static final int DESCRIPTOR_WEBUSB_URL = 0x03;

  /** Vendor request codes announced in the BOS platform capabilities. */
  public static final int WEBUSB_VENDOR_CODE = 0x01;

  public static final int MS_OS_20_VENDOR_CODE = 0x02;
  public static final int WEBUSB_REQUEST_GET_URL = 0x02;
  public static final int MS_OS_20_DESCRIPTOR_INDEX = 0x07;
  public static final int WEBUSB_LANDING_PAGE_INDEX = 1;

  /** String descriptor indices (inventory 1.2). */
  public static final int STRING_MANUFACTURER = 1;

  public static final int STRING_PRODUCT = 2;
  public static final int STRING_SERIAL = 3;
  public static final int STRING_CTAPHID = 0x10;
  public static final int STRING_CCID = 0x11;
  public static final int STRING_WEBUSB = 0x12;

  public static final String MANUFACTURER = "canokeys.org";
  public static final String PRODUCT = "CanoKey QEMU";
  public static final String LANDING_PAGE = "console.canokeys.org";

  /** FIDO CTAPHID report descriptor, 34 bytes (inventory 1.4; CTAP 2.1 section 11.2.8.1). */
  private static final byte[] CTAPHID_REPORT_DESCRIPTOR =
      Hex.decode(
          "06 D0 F1" // Usage Page (FIDO Alliance, 0xF1D0)
              + "09 01" // Usage (CTAPHID)
              + "A1 01" // Collection (Application)
              + "09 20" //   Usage (Input Report Data)
              + "15 00" //   Logical Minimum (0)
              + "26 FF 00" //   Logical Maximum (255)
              + "75 08" //   Report Size (8)
              + "95 40" //   Report Count (64)
              + "81 02" //   Input (Data, Variable, Absolute)
              + "09 21" //   Usage (Output Report Data)
              + "15 00" //   Logical Minimum (0)
              + "26 FF 00" //   Logical Maximum (255)
              + "75 08" //   Report Size (8)
              + "95 40" //   Report Count (64)
              + "91 02" //   Output (Data, Variable, Absolute)
              + "C0"); // End Collection

  private final String serialNumber;
  private final byte[] device;
  private final byte[] configuration;
  private final byte[] bos;
  private final byte[] msOs20DescriptorSet;
  private final byte[] landingPageUrl;
  private final Map<Integer, String> strings;

  /**
   * Descriptors for a key whose iSerialNumber string is {@code serialNumber}.
   *
   * @param serialNumber eight upper-case hex digits of the key's serial number
   */
  public CanoKeyDescriptors(String serialNumber) {
    this.serialNumber = serialNumber;
    this.device = buildDevice();
    this.configuration = buildConfiguration(DESCRIPTOR_CONFIGURATION);
    this.msOs20DescriptorSet = buildMsOs20DescriptorSet();
    this.bos = buildBos();
    this.landingPageUrl = buildUrl();
    this.strings =
        Map.of(
            STRING_MANUFACTURER,
            MANUFACTURER,
            STRING_PRODUCT,
            PRODUCT,
            STRING_SERIAL,
            serialNumber,
            STRING_CTAPHID,
            "FIDO2/U2F",
            STRING_CCID,
            "OpenPGP PIV OATH",
            STRING_WEBUSB,
            "WebUSB");
  }

  public String serialNumber() {
    return serialNumber;
  }

  /** The speed announced to the host; see {@link UsbDevice} for why it is high speed. */
  public UsbSpeed speed() {
    return UsbSpeed.HIGH;
  }

  /** The non-control endpoints, in descriptor order. */
  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(EP_CTAPHID_IN, TransferType.INTERRUPT, 64, 2, INTERFACE_CTAPHID),
        new Endpoint(EP_CTAPHID_OUT, TransferType.INTERRUPT, 64, 5, INTERFACE_CTAPHID),
        new Endpoint(EP_CCID_IN, TransferType.BULK, 64, 0, INTERFACE_CCID),
        new Endpoint(EP_CCID_OUT, TransferType.BULK, 64, 0, INTERFACE_CCID));
  }

  /** The interfaces of configuration 1, in order. */
  public List<InterfaceInfo> interfaces() {
    return List.of(
        new InterfaceInfo(INTERFACE_CTAPHID, 0x03, 0x00, 0x00),
        new InterfaceInfo(INTERFACE_WEBUSB, 0xFF, 0xFF, 0xFF),
        new InterfaceInfo(INTERFACE_CCID, 0x0B, 0x00, 0x00));
  }

  public byte[] device() {
    return device.clone();
  }

  public byte[] configuration() {
    return configuration.clone();
  }

  /** The same configuration typed as "other speed" (USB 2.0, 9.6.4). */
  public byte[] otherSpeedConfiguration() {
    return buildConfiguration(DESCRIPTOR_OTHER_SPEED_CONFIGURATION);
  }

  /** Device qualifier (USB 2.0, 9.6.2): what the device would be at its other speed. */
  public byte[] deviceQualifier() {
    return new byte[] {
      0x0A,
      DESCRIPTOR_DEVICE_QUALIFIER,
      (byte) BCD_USB,
      (byte) (BCD_USB >> 8),
      0x00, // bDeviceClass: per interface
      0x00,
      0x00,
      EP0_MAX_PACKET_SIZE,
      0x01, // bNumConfigurations
      0x00 // bReserved
    };
  }

  public byte[] bos() {
    return bos.clone();
  }

  public byte[] msOs20DescriptorSet() {
    return msOs20DescriptorSet.clone();
  }

  public byte[] landingPageUrl() {
    return landingPageUrl.clone();
  }

  public byte[] hidDescriptor() {
    return new byte[] {
      0x09,
      DESCRIPTOR_HID,
      0x11,
      0x01, // bcdHID 1.11
      0x00, // bCountryCode
      0x01, // bNumDescriptors
      DESCRIPTOR_HID_REPORT,
      (byte) CTAPHID_REPORT_DESCRIPTOR.length,
      0x00
    };
  }

  public byte[] hidReportDescriptor() {
    return CTAPHID_REPORT_DESCRIPTOR.clone();
  }

  /**
   * String descriptor {@code index} (USB 2.0, 9.6.7); index 0 is the LANGID table (US English
   * only). Returns null for an index the device does not have.
   */
  public byte[] string(int index) {
    if (index == 0) {
      return new byte[] {0x04, DESCRIPTOR_STRING, 0x09, 0x04};
    }
    String text = strings.get(index);
    if (text == null) {
      return null;
    }
    byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
    byte[] descriptor = new byte[2 + utf16.length];
    descriptor[0] = (byte) descriptor.length;
    descriptor[1] = DESCRIPTOR_STRING;
    System.arraycopy(utf16, 0, descriptor, 2, utf16.length);
    return descriptor;
  }

  private static byte[] buildDevice() {
    return new byte[] {
      0x12,
      DESCRIPTOR_DEVICE,
      (byte) BCD_USB,
      (byte) (BCD_USB >> 8),
      0x00, // bDeviceClass: defined per interface
      0x00, // bDeviceSubClass
      0x00, // bDeviceProtocol
      EP0_MAX_PACKET_SIZE,
      (byte) VENDOR_ID,
      (byte) (VENDOR_ID >> 8),
      (byte) PRODUCT_ID,
      (byte) (PRODUCT_ID >> 8),
      (byte) BCD_DEVICE,
      (byte) (BCD_DEVICE >> 8),
      STRING_MANUFACTURER,
      STRING_PRODUCT,
      STRING_SERIAL,
      0x01 // bNumConfigurations
    };
  }

  private byte[] buildConfiguration(int descriptorType) {
    Bytes body = new Bytes();

    // Interface 0: CTAPHID (HID class, no subclass, no boot protocol).
    body.u8(9).u8(DESCRIPTOR_INTERFACE).u8(INTERFACE_CTAPHID).u8(0).u8(2);
    body.u8(0x03).u8(0x00).u8(0x00).u8(STRING_CTAPHID);
    body.raw(hidDescriptor());
    endpoint(body, endpoints().get(0));
    endpoint(body, endpoints().get(1));

    // Interface 1: WebUSB (vendor class, control transfers only).
    body.u8(9).u8(DESCRIPTOR_INTERFACE).u8(INTERFACE_WEBUSB).u8(0).u8(0);
    body.u8(0xFF).u8(0xFF).u8(0xFF).u8(STRING_WEBUSB);

    // Interface 2: CCID (smart-card class).
    body.u8(9).u8(DESCRIPTOR_INTERFACE).u8(INTERFACE_CCID).u8(0).u8(2);
    body.u8(0x0B).u8(0x00).u8(0x00).u8(STRING_CCID);
    body.raw(CcidClassDescriptor.encode());
    endpoint(body, endpoints().get(2));
    endpoint(body, endpoints().get(3));

    byte[] interfaces = body.toByteArray();
    Bytes config = new Bytes();
    config.u8(9).u8(descriptorType).u16(9 + interfaces.length);
    config.u8(interfaces().size()); // bNumInterfaces
    config.u8(1); // bConfigurationValue
    config.u8(0); // iConfiguration
    config.u8(0x80); // bmAttributes: bus powered, no remote wakeup
    config.u8(0x32); // bMaxPower: 100 mA
    config.raw(interfaces);
    return config.toByteArray();
  }

  private static void endpoint(Bytes b, Endpoint ep) {
    b.u8(7).u8(DESCRIPTOR_ENDPOINT).u8(ep.address()).u8(ep.type().value());
    b.u16(ep.maxPacketSize()).u8(ep.interval());
  }

  /** BOS, 57 bytes: WebUSB and Microsoft OS 2.0 platform capabilities (inventory 1.5). */
  private byte[] buildBos() {
    Bytes caps = new Bytes();

    // WebUSB Platform Capability (WebUSB section 4.3.1).
    caps.u8(24).u8(DESCRIPTOR_DEVICE_CAPABILITY).u8(0x05).u8(0x00);
    caps.raw(uuid("3408b638-09a9-47a0-8bfd-a0768815b665"));
    caps.u16(0x0100); // bcdVersion 1.0
    caps.u8(WEBUSB_VENDOR_CODE);
    caps.u8(WEBUSB_LANDING_PAGE_INDEX);

    // Microsoft OS 2.0 Platform Capability (MS OS 2.0 Descriptors, table 4).
    caps.u8(28).u8(DESCRIPTOR_DEVICE_CAPABILITY).u8(0x05).u8(0x00);
    caps.raw(uuid("d8dd60df-4589-4cc7-9cd2-659d9e648a9f"));
    caps.u32(0x06030000); // dwWindowsVersion: Windows 8.1
    caps.u16(msOs20DescriptorSet.length); // wMSOSDescriptorSetTotalLength
    caps.u8(MS_OS_20_VENDOR_CODE);
    caps.u8(0x00); // bAltEnumCode

    byte[] capabilities = caps.toByteArray();
    Bytes bosHeader = new Bytes();
    bosHeader.u8(5).u8(DESCRIPTOR_BOS).u16(5 + capabilities.length).u8(2);
    bosHeader.raw(capabilities);
    return bosHeader.toByteArray();
  }

  /**
   * MS OS 2.0 descriptor set, 178 bytes: WinUSB on the WebUSB interface with the device interface
   * GUID the original uses (inventory 1.5).
   */
  private static byte[] buildMsOs20DescriptorSet() {
    Bytes registry = new Bytes();
    byte[] name = "DeviceInterfaceGUIDs\0".getBytes(StandardCharsets.UTF_16LE);
    byte[] value = "{244EB29E-E090-4E49-81FE-1F20F8D3B8F4}\0\0".getBytes(StandardCharsets.UTF_16LE);
    registry.u16(10 + name.length + value.length).u16(0x0004); // MS_OS_20_FEATURE_REG_PROPERTY
    registry.u16(0x0007); // wPropertyDataType: REG_MULTI_SZ
    registry.u16(name.length).raw(name);
    registry.u16(value.length).raw(value);

    Bytes compatibleId = new Bytes();
    compatibleId.u16(20).u16(0x0003); // MS_OS_20_FEATURE_COMPATIBLE_ID
    compatibleId.raw("WINUSB\0\0".getBytes(StandardCharsets.US_ASCII));
    compatibleId.raw(new byte[8]); // SubCompatibleID

    int functionLength = 8 + 20 + registry.size();
    Bytes set = new Bytes();
    int total = 10 + 8 + functionLength;
    set.u16(10).u16(0x0000).u32(0x06030000).u16(total); // MS_OS_20_SET_HEADER_DESCRIPTOR
    set.u16(8).u16(0x0001).u8(0).u8(0).u16(8 + functionLength); // configuration subset
    set.u16(8).u16(0x0002).u8(INTERFACE_WEBUSB).u8(0).u16(functionLength); // function subset
    set.raw(compatibleId.toByteArray());
    set.raw(registry.toByteArray());
    return set.toByteArray();
  }

  /** WebUSB URL descriptor (WebUSB section 4.3.1.3): scheme 1 is "https://". */
  private static byte[] buildUrl() {
    byte[] url = LANDING_PAGE.getBytes(StandardCharsets.UTF_8);
    Bytes b = new Bytes();
    b.u8(3 + url.length).u8(DESCRIPTOR_WEBUSB_URL).u8(0x01).raw(url);
    return b.toByteArray();
  }

  /** A UUID in the mixed-endian byte order that USB platform capabilities use. */
  private static byte[] uuid(String text) {
    String hex = text.replace("-", "");
    byte[] be = new byte[16];
    for (int i = 0; i < 16; i++) {
      be[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return new byte[] {
      be[3], be[2], be[1], be[0], be[5], be[4], be[7], be[6], be[8], be[9], be[10], be[11], be[12],
      be[13], be[14], be[15]
    };
  }

  /** Little-endian descriptor builder. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u16(int v) {
      out.write(v);
      out.write(v >> 8);
      return this;
    }

    Bytes u32(int v) {
      return u16(v).u16(v >>> 16);
    }

    Bytes raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
