package io.vcanokey.key;

import io.vcanokey.platform.Scheduler;
import io.vcanokey.storage.StateFile;
import io.vcanokey.usb.UsbDevice;

/** Builds the key's USB functions and applets and binds them to its device. */
final class KeyFunctions {

  private KeyFunctions() {}

  static void bind(UsbDevice device, Scheduler scheduler, StateFile state) {
    // Functions are bound here once the CTAPHID and CCID layers exist.
  }
}
