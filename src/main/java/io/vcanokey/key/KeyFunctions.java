package io.vcanokey.key;

import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.platform.Scheduler;
import io.vcanokey.storage.StateFile;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.ctaphid.CtapHidFunction;
import io.vcanokey.usb.ctaphid.FidoHidAdapter;
import java.security.SecureRandom;

/** Builds the key's USB functions and applets and binds them to its device. */
final class KeyFunctions {

  private KeyFunctions() {}

  static void bind(UsbDevice device, Scheduler scheduler, StateFile state) {
    FidoHandler fido = new FidoHandler();
    device.bind(
        CanoKeyDescriptors.INTERFACE_CTAPHID,
        new CtapHidFunction(
            device.inPipe(CanoKeyDescriptors.EP_CTAPHID_IN),
            scheduler,
            new SecureRandom(),
            new FidoHidAdapter(fido)));
  }
}
