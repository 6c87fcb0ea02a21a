package io.vcanokey.key;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.admin.AdminApplet;
import io.vcanokey.applet.admin.DeviceConfig;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.ndef.NdefApplet;
import io.vcanokey.applet.oath.OathApplet;
import io.vcanokey.applet.openpgp.OpenPgpApplet;
import io.vcanokey.applet.piv.PivApplet;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.ccid.CcidFunction;
import io.vcanokey.usb.ctaphid.CtapHidFunction;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import io.vcanokey.usb.ctaphid.FidoHidAdapter;
import java.security.SecureRandom;
import java.util.List;

/** Builds the key's USB functions and applets and binds them to its device. */
final class KeyFunctions {

  private KeyFunctions() {}

  /**
   * Binds the functions to {@code device}.
   *
   * @return the CTAPHID handler of the key's FIDO applet, for other CTAPHID transports
   */
  static CtapHidHandler bind(UsbDevice device, Scheduler scheduler, AppletContext applets) {
    FidoHidAdapter fido = new FidoHidAdapter(new FidoHandler(applets, scheduler::execute));
    device.bind(
        CanoKeyDescriptors.INTERFACE_CTAPHID,
        new CtapHidFunction(
            device.inPipe(CanoKeyDescriptors.EP_CTAPHID_IN), scheduler, new SecureRandom(), fido));

    CardOs card = newCard(applets);
    device.bind(
        CanoKeyDescriptors.INTERFACE_CCID,
        new CcidFunction(device.inPipe(CanoKeyDescriptors.EP_CCID_IN), card, scheduler));
    return fido;
  }

  /**
   * One card session: fresh applet objects (session state) over the key's shared persistent state.
   * The smart-card applets register here.
   */
  static CardOs newCard(AppletContext context) {
    return new CardOs(
        List.of(
            new OathApplet(context),
            new OpenPgpApplet(context),
            new PivApplet(context),
            new AdminApplet(context),
            new NdefApplet(context, () -> DeviceConfig.read(context.state()).ndefEnabled())));
  }
}
