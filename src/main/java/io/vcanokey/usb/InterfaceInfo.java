package io.vcanokey.usb;

/**
 * The class triple of one interface (USB 2.0, 9.6.5), as usbredir's interface_info reports it.
 *
 * @param number bInterfaceNumber
 * @param interfaceClass bInterfaceClass
 * @param subclass bInterfaceSubClass
 * @param protocol bInterfaceProtocol
 */
public record InterfaceInfo(int number, int interfaceClass, int subclass, int protocol) {}
