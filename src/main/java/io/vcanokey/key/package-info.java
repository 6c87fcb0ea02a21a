/**
 * A whole key as a Java object: state file, provisioning, USB device, functions and applets, and
 * the key thread. This is the in-process API; the command line and the tests build keys here and
 * attach transports to them.
 *
 * <p>Depends on usb, applet, storage, core and platform; nothing below depends on it.
 */
package io.vcanokey.key;
