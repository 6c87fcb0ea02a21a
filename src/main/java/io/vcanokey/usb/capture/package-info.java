/**
 * USB packet capture for {@code --pcap FILE}: every transfer between host and key as usbmon records
 * in a pcap file (link type 220) that Wireshark and tshark dissect as USB HID and USB CCID.
 *
 * <p>Depends on the usb package's {@link io.vcanokey.usb.UsbTap} only; transports feed it.
 */
package io.vcanokey.usb.capture;
