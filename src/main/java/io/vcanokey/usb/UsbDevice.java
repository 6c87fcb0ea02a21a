package io.vcanokey.usb;

import io.vcanokey.core.trace.Tracer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The USB device model of one key: it answers the standard requests of USB 2.0 chapter 9 from
 * {@link CanoKeyDescriptors}, routes class requests and endpoint data to its {@link UsbFunction}s
 * (CTAPHID on interface 0, CCID on interface 2), and holds the data each function queues for its IN
 * endpoints until a transport collects it.
 *
 * <p>Speed: the device announces high speed with 64-byte interrupt endpoints. QEMU's usb-redir
 * marks a device incompatible with full-speed ports only when an interrupt or isochronous endpoint
 * exceeds 64 bytes, and with high-speed ports only above 1024 bytes; so one device attaches to UHCI
 * (where the guest sees it at 12 Mbit/s), to a lone EHCI and to xHCI alike. The 64-byte bulk
 * endpoints are what the original announces; Linux only notes that high-speed bulk endpoints
 * normally use 512.
 *
 * <p>Threading: all methods run on the key thread.
 */
public final class UsbDevice {

  private static final Logger log = LoggerFactory.getLogger(UsbDevice.class);

  // Standard request codes (USB 2.0, table 9-4).
  static final int REQ_GET_STATUS = 0x00;
  static final int REQ_CLEAR_FEATURE = 0x01;
  static final int REQ_SET_FEATURE = 0x03;
  static final int REQ_SET_ADDRESS = 0x05;
  static final int REQ_GET_DESCRIPTOR = 0x06;
  static final int REQ_SET_DESCRIPTOR = 0x07;
  static final int REQ_GET_CONFIGURATION = 0x08;
  static final int REQ_SET_CONFIGURATION = 0x09;
  static final int REQ_GET_INTERFACE = 0x0A;
  static final int REQ_SET_INTERFACE = 0x0B;
  static final int FEATURE_ENDPOINT_HALT = 0x00;

  private final CanoKeyDescriptors descriptors;
  private final Tracer tracer;
  private final Map<Integer, UsbFunction> functions = new HashMap<>();
  private final Map<Integer, ArrayDeque<byte[]>> inQueues = new HashMap<>();
  private final Map<Integer, Boolean> halted = new HashMap<>();
  private IntConsumer inListener = ep -> {};
  private int configuration;
  private int address;

  public UsbDevice(CanoKeyDescriptors descriptors, Tracer tracer) {
    this.descriptors = descriptors;
    this.tracer = tracer;
    for (Endpoint ep : descriptors.endpoints()) {
      halted.put(ep.address(), false);
      if (ep.isIn()) {
        inQueues.put(ep.address(), new ArrayDeque<>());
      }
    }
  }

  public CanoKeyDescriptors descriptors() {
    return descriptors;
  }

  /** Binds the function serving interface {@code interfaceNumber}. */
  public void bind(int interfaceNumber, UsbFunction function) {
    functions.put(interfaceNumber, function);
  }

  /** The pipe through which a function queues data for IN endpoint {@code address}. */
  public InPipe inPipe(int address) {
    ArrayDeque<byte[]> queue = inQueues.get(address);
    if (queue == null) {
      throw new IllegalArgumentException("no IN endpoint " + Integer.toHexString(address));
    }
    return data -> {
      queue.add(data.clone());
      inListener.accept(address);
    };
  }

  /** Tells {@code listener} the address of an IN endpoint each time data is queued on it. */
  public void setInListener(IntConsumer listener) {
    this.inListener = listener == null ? ep -> {} : listener;
  }

  public UsbSpeed speed() {
    return descriptors.speed();
  }

  public List<Endpoint> endpoints() {
    return descriptors.endpoints();
  }

  public List<InterfaceInfo> interfaces() {
    return descriptors.interfaces();
  }

  /** The active configuration value, 0 when unconfigured. */
  public int configuration() {
    return configuration;
  }

  /** Bus reset: back to the default state, functions forget partial work, IN queues empty. */
  public void reset() {
    tracer.event("canokey_handle_reset", "");
    log.debug("usb: bus reset");
    configuration = 0;
    address = 0;
    inQueues.values().forEach(ArrayDeque::clear);
    halted.replaceAll((ep, h) -> false);
    functions.values().forEach(UsbFunction::reset);
  }

  /**
   * Runs one control transfer on endpoint 0.
   *
   * @param setup the SETUP packet
   * @param outData the OUT data stage (ignored for IN requests)
   * @return the data for the host (at most wLength bytes) or a stall
   */
  public ControlResult control(SetupPacket setup, byte[] outData) {
    tracer.event(
        "canokey_handle_control_setup",
        "request 0x%04X value 0x%04X index 0x%04X length 0x%04X",
        setup.requestType() << 8 | setup.request(),
        setup.value(),
        setup.index(),
        setup.length());
    if (!setup.isDeviceToHost() && outData.length > 0) {
      tracer.event("canokey_handle_control_out", "len %d", outData.length);
    }

    ControlResult result = dispatch(setup, outData).truncate(setup.length());

    if (result.isStall()) {
      tracer.event("canokey_emu_stall_ep", "ep %d", 0);
      log.debug("usb: {} -> stall", setup);
    } else if (setup.isDeviceToHost()) {
      tracer.event("canokey_handle_control_in", "len %d", result.data().length);
    }
    return result;
  }

  /** SET_CONFIGURATION, which usbredir carries as its own packet rather than a control one. */
  public ControlResult setConfiguration(int value) {
    tracer.event("canokey_set_configuration", "config %d", value);
    if (value != 0 && value != 1) {
      tracer.event("canokey_emu_stall_ep", "ep %d", 0);
      return ControlResult.stall();
    }
    if (value != configuration) {
      // Entering or leaving a configuration resets endpoint state (USB 2.0, 9.1.1.5).
      inQueues.values().forEach(ArrayDeque::clear);
      halted.replaceAll((ep, h) -> false);
      functions.values().forEach(UsbFunction::reset);
    }
    configuration = value;
    log.info("usb: configuration {}", value);
    return ControlResult.ok();
  }

  /** SET_INTERFACE: every interface has only alternate setting 0. */
  public ControlResult setInterface(int interfaceNumber, int alternate) {
    if (configuration == 0 || !hasInterface(interfaceNumber) || alternate != 0) {
      tracer.event("canokey_emu_stall_ep", "ep %d", 0);
      return ControlResult.stall();
    }
    return ControlResult.ok();
  }

  /** The alternate setting of an interface, or -1 if there is no such interface. */
  public int alternateSetting(int interfaceNumber) {
    return configuration != 0 && hasInterface(interfaceNumber) ? 0 : -1;
  }

  /**
   * Delivers one OUT transfer on a data endpoint.
   *
   * @return false when the transfer cannot be accepted (unknown or halted endpoint, or the device
   *     is unconfigured): the transport reports a stall
   */
  public boolean dataOut(int address, byte[] data) {
    Endpoint endpoint = findEndpoint(address);
    if (endpoint == null || endpoint.isIn() || configuration == 0 || halted.get(address)) {
      tracer.event("canokey_emu_stall_ep", "ep %d", address & 0x0F);
      return false;
    }
    tracer.event("canokey_handle_data_out", "ep %d len %d", address & 0x0F, data.length);
    UsbFunction function = functions.get(endpoint.interfaceNumber());
    if (function != null) {
      function.dataOut(address, data);
    }
    return true;
  }

  /**
   * Takes up to {@code maxLength} bytes queued on IN endpoint {@code address}. For an interrupt
   * endpoint that is one report; for a bulk endpoint a long transfer is handed out in pieces.
   *
   * @return the data, or null when nothing is queued (or the endpoint is halted)
   */
  public byte[] pollIn(int address, int maxLength) {
    ArrayDeque<byte[]> queue = inQueues.get(address);
    if (queue == null || queue.isEmpty() || halted.getOrDefault(address, false)) {
      return null;
    }
    byte[] head = queue.poll();
    byte[] out = head;
    if (head.length > maxLength) {
      out = Arrays.copyOf(head, maxLength);
      queue.addFirst(Arrays.copyOfRange(head, maxLength, head.length));
    }
    tracer.event("canokey_handle_data_in", "ep %d len %d", address & 0x0F, out.length);
    return out;
  }

  /** Whether IN endpoint {@code address} has data waiting. */
  public boolean hasIn(int address) {
    ArrayDeque<byte[]> queue = inQueues.get(address);
    return queue != null && !queue.isEmpty();
  }

  private ControlResult dispatch(SetupPacket setup, byte[] outData) {
    switch (setup.type()) {
      case SetupPacket.TYPE_STANDARD:
        return standardRequest(setup);
      case SetupPacket.TYPE_CLASS:
        return classRequest(setup, outData);
      case SetupPacket.TYPE_VENDOR:
        return vendorRequest(setup);
      default:
        return ControlResult.stall();
    }
  }

  private ControlResult standardRequest(SetupPacket setup) {
    switch (setup.recipient()) {
      case SetupPacket.RECIPIENT_DEVICE:
        return deviceRequest(setup);
      case SetupPacket.RECIPIENT_INTERFACE:
        return interfaceRequest(setup);
      case SetupPacket.RECIPIENT_ENDPOINT:
        return endpointRequest(setup);
      default:
        return ControlResult.stall();
    }
  }

  private ControlResult deviceRequest(SetupPacket setup) {
    switch (setup.request()) {
      case REQ_GET_DESCRIPTOR:
        if (!setup.isDeviceToHost()) {
          return ControlResult.stall();
        }
        byte[] descriptor = deviceDescriptor(setup.value() >> 8, setup.value() & 0xFF);
        return descriptor == null ? ControlResult.stall() : ControlResult.data(descriptor);
      case REQ_GET_STATUS:
        // Bus powered, remote wakeup disabled (USB 2.0, 9.4.5).
        return ControlResult.data(new byte[] {0x00, 0x00});
      case REQ_GET_CONFIGURATION:
        return ControlResult.data(new byte[] {(byte) configuration});
      case REQ_SET_CONFIGURATION:
        return setConfiguration(setup.value() & 0xFF);
      case REQ_SET_ADDRESS:
        // QEMU answers SET_ADDRESS itself; other transports (USB/IP's vhci too) rarely send it.
        address = setup.value() & 0x7F;
        tracer.event("canokey_emu_set_address", "addr %d", address);
        return ControlResult.ok();
      default:
        // SET_DESCRIPTOR, device features (remote wakeup, test mode) are not supported.
        return ControlResult.stall();
    }
  }

  private byte[] deviceDescriptor(int type, int index) {
    switch (type) {
      case CanoKeyDescriptors.DESCRIPTOR_DEVICE:
        return descriptors.device();
      case CanoKeyDescriptors.DESCRIPTOR_CONFIGURATION:
        return index == 0 ? descriptors.configuration() : null;
      case CanoKeyDescriptors.DESCRIPTOR_STRING:
        return descriptors.string(index);
      case CanoKeyDescriptors.DESCRIPTOR_DEVICE_QUALIFIER:
        return descriptors.deviceQualifier();
      case CanoKeyDescriptors.DESCRIPTOR_OTHER_SPEED_CONFIGURATION:
        return index == 0 ? descriptors.otherSpeedConfiguration() : null;
      case CanoKeyDescriptors.DESCRIPTOR_BOS:
        return descriptors.bos();
      default:
        return null;
    }
  }

  private ControlResult interfaceRequest(SetupPacket setup) {
    int interfaceNumber = setup.index() & 0xFF;
    if (!hasInterface(interfaceNumber)) {
      return ControlResult.stall();
    }
    switch (setup.request()) {
      case REQ_GET_STATUS:
        return ControlResult.data(new byte[] {0x00, 0x00});
      case REQ_GET_INTERFACE:
        return configuration == 0 ? ControlResult.stall() : ControlResult.data(new byte[] {0});
      case REQ_SET_INTERFACE:
        return setInterface(interfaceNumber, setup.value());
      case REQ_GET_DESCRIPTOR:
        // HID class descriptors are fetched with a standard request to the interface (HID 1.11,
        // section 7.1.1).
        if (interfaceNumber == CanoKeyDescriptors.INTERFACE_CTAPHID && setup.isDeviceToHost()) {
          int type = setup.value() >> 8;
          if (type == CanoKeyDescriptors.DESCRIPTOR_HID) {
            return ControlResult.data(descriptors.hidDescriptor());
          }
          if (type == CanoKeyDescriptors.DESCRIPTOR_HID_REPORT) {
            return ControlResult.data(descriptors.hidReportDescriptor());
          }
        }
        return ControlResult.stall();
      default:
        return ControlResult.stall();
    }
  }

  private ControlResult endpointRequest(SetupPacket setup) {
    int address = setup.index() & 0xFF;
    if ((address & 0x7F) == 0) {
      return setup.request() == REQ_GET_STATUS
          ? ControlResult.data(new byte[] {0x00, 0x00})
          : ControlResult.stall();
    }
    if (findEndpoint(address) == null || configuration == 0) {
      return ControlResult.stall();
    }
    switch (setup.request()) {
      case REQ_GET_STATUS:
        return ControlResult.data(new byte[] {(byte) (halted.get(address) ? 1 : 0), 0x00});
      case REQ_CLEAR_FEATURE:
        if (setup.value() != FEATURE_ENDPOINT_HALT) {
          return ControlResult.stall();
        }
        halted.put(address, false);
        return ControlResult.ok();
      case REQ_SET_FEATURE:
        if (setup.value() != FEATURE_ENDPOINT_HALT) {
          return ControlResult.stall();
        }
        halted.put(address, true);
        return ControlResult.ok();
      default:
        return ControlResult.stall();
    }
  }

  private ControlResult classRequest(SetupPacket setup, byte[] outData) {
    if (setup.recipient() != SetupPacket.RECIPIENT_INTERFACE) {
      return ControlResult.stall();
    }
    UsbFunction function = functions.get(setup.index() & 0xFF);
    if (function == null) {
      return ControlResult.stall();
    }
    return function.classRequest(setup, outData);
  }

  /**
   * Vendor requests announced by the BOS platform capabilities: the WebUSB landing-page URL (WebUSB
   * section 4.3.1.2) and the MS OS 2.0 descriptor set. The original's WebUSB APDU tunnel
   * (interface-level vendor requests 0, 1, 2 on interface 1) is not provided: those requests stall,
   * as every other vendor request does.
   */
  private ControlResult vendorRequest(SetupPacket setup) {
    if (setup.recipient() != SetupPacket.RECIPIENT_DEVICE || !setup.isDeviceToHost()) {
      return ControlResult.stall();
    }
    if (setup.request() == CanoKeyDescriptors.WEBUSB_VENDOR_CODE
        && setup.index() == CanoKeyDescriptors.WEBUSB_REQUEST_GET_URL
        && setup.value() == CanoKeyDescriptors.WEBUSB_LANDING_PAGE_INDEX) {
      return ControlResult.data(descriptors.landingPageUrl());
    }
    if (setup.request() == CanoKeyDescriptors.MS_OS_20_VENDOR_CODE
        && setup.index() == CanoKeyDescriptors.MS_OS_20_DESCRIPTOR_INDEX) {
      return ControlResult.data(descriptors.msOs20DescriptorSet());
    }
    return ControlResult.stall();
  }

  private boolean hasInterface(int number) {
    return descriptors.interfaces().stream().anyMatch(i -> i.number() == number);
  }

  private Endpoint findEndpoint(int address) {
    for (Endpoint ep : descriptors.endpoints()) {
      if (ep.address() == address) {
        return ep;
      }
    }
    return null;
  }
}
