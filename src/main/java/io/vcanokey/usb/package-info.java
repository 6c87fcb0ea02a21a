/**
 * The key as a USB device: descriptors, standard requests (USB 2.0 chapter 9), and the routing of
 * class requests and endpoint data to its functions, CTAPHID ({@code ctaphid/}) on interface 0 and
 * CCID ({@code ccid/}) on interface 2. {@code capture/} records transfers as a pcap.
 *
 * <p>Transports see only {@link io.vcanokey.usb.UsbDevice}: control transfers in, OUT data in, IN
 * data collected from per-endpoint queues, and {@link io.vcanokey.usb.UsbTap} for capture. Every
 * call runs on the key thread.
 *
 * <p>Depends on applet (through the functions), core and platform; never on a transport.
 */
package io.vcanokey.usb;
