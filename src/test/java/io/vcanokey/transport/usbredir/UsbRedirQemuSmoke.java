package io.vcanokey.transport.usbredir;

import io.vcanokey.core.trace.Tracer;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.InPipe;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbFunction;
import io.vcanokey.usb.UsbTap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A manual tool, not a test: serves a {@link UsbDevice} on a usbredir address until killed, for
 * booting a QEMU guest against it and reading the guest kernel's enumeration lines. With no
 * function bound the device only enumerates; with {@code --echo} interfaces 0 and 2 echo every OUT
 * transfer back on their IN endpoint, so a guest program can check interrupt and bulk traffic end
 * to end. src/test/manual/usbredir/README.md has the guest side and the QEMU command lines.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.vcanokey.transport.usbredir.UsbRedirQemuSmoke unix:/tmp/ur-test.sock [--echo]
 * qemu-system-x86_64 ... -device qemu-xhci,id=xhci \
 *     -chardev socket,id=ck,path=/tmp/ur-test.sock -device usb-redir,chardev=ck,bus=xhci.0
 * </pre>
 */
public final class UsbRedirQemuSmoke {

  private UsbRedirQemuSmoke() {}

  public static void main(String[] args) throws Exception {
    UsbRedirAddress address =
        UsbRedirAddress.parse(args.length > 0 ? args[0] : "unix:/tmp/ur-test.sock");
    ScheduledExecutorService keyThread =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "key"));
    UsbDevice device = new UsbDevice(new CanoKeyDescriptors("0123ABCD"), Tracer.OFF);
    if (args.length > 1 && args[1].equals("--echo")) {
      device.bind(
          CanoKeyDescriptors.INTERFACE_CTAPHID, new Echo(device, CanoKeyDescriptors.EP_CTAPHID_IN));
      device.bind(
          CanoKeyDescriptors.INTERFACE_CCID, new Echo(device, CanoKeyDescriptors.EP_CCID_IN));
    }
    UsbRedirServer server =
        new UsbRedirServer(address, device, new ExecutorScheduler(keyThread), UsbTap.NONE);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println(
        "serving on "
            + server.boundAddress()
            + "; QEMU: -chardev "
            + server.boundAddress().qemuChardev("ck")
            + " -device usb-redir,chardev=ck");
    Thread.currentThread().join();
  }

  /** Sends every OUT transfer back on one IN endpoint. */
  private static final class Echo implements UsbFunction {
    private final InPipe in;

    Echo(UsbDevice device, int inEndpoint) {
      this.in = device.inPipe(inEndpoint);
    }

    @Override
    public ControlResult classRequest(SetupPacket setup, byte[] data) {
      return ControlResult.stall();
    }

    @Override
    public void dataOut(int endpointAddress, byte[] data) {
      in.send(data);
    }

    @Override
    public void reset() {}
  }
}
