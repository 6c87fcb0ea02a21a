package io.vcanokey.key;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.trace.Tracer;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.platform.Scheduler;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual CanoKey: its state file, its USB device with the CTAPHID and CCID functions, and the
 * single thread that runs all of them. Transports attach to {@link #device()} and hand work to
 * {@link #scheduler()}. Two keys in one JVM share nothing but code.
 */
public final class VirtualKey implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VirtualKey.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final StateFile state;
  private final ScheduledExecutorService executor;
  private final Scheduler scheduler;
  private final UsbDevice device;
  private final String serialNumber;
  private final AppletContext applets;

  /** The key's one FIDO handler, shared by CTAPHID and every card session's FIDO applet. */
  private final FidoHandler fido;

  private final CtapHidHandler ctapHid;

  private VirtualKey(StateFile state, Tracer tracer, UserPresence presence) {
    this.state = state;
    this.serialNumber = Provisioning.serialString(state);
    ScheduledThreadPoolExecutor keyThread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "key-" + serialNumber + "-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Timeouts still pending when the key closes (CTAPHID assembly, keepalives) must not hold up
    // the shutdown.
    keyThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    keyThread.setRemoveOnCancelPolicy(true);
    this.executor = keyThread;
    this.scheduler = new ExecutorScheduler(executor);
    this.device = new UsbDevice(new CanoKeyDescriptors(serialNumber), tracer);
    this.applets = new AppletContext(state, presence, new SecureRandom());
    this.fido = new FidoHandler(applets, scheduler::execute);
    this.ctapHid = KeyFunctions.bind(device, scheduler, applets, fido);
  }

  /**
   * Opens (creating and provisioning on first use) the state file and builds the key on it.
   *
   * @throws io.vcanokey.storage.StateFileLockedException if another key uses the file
   */
  public static VirtualKey open(Path stateFile, Tracer tracer) throws IOException {
    return open(stateFile, tracer, UserPresence.always());
  }

  /**
   * Opens (creating and provisioning on first use) the state file and builds the key on it, asking
   * {@code presence} whenever an applet needs a touch.
   *
   * @throws io.vcanokey.storage.StateFileLockedException if another key uses the file
   */
  public static VirtualKey open(Path stateFile, Tracer tracer, UserPresence presence)
      throws IOException {
    StateFile state = StateFile.open(stateFile);
    try {
      // A file with no records at all is new, or was killed between its creation and its
      // provisioning; a file with some records but no serial is damaged and must not be
      // re-provisioned over its keys.
      if (state.names().isEmpty()) {
        Provisioning.provision(state, new SecureRandom());
        log.info("key: provisioned new key {} in {}", Provisioning.serialString(state), stateFile);
      }
      Provisioning.check(state);
      return new VirtualKey(state, tracer, presence);
    } catch (IOException | RuntimeException e) {
      state.close();
      throw e;
    }
  }

  /** The serial number as USB reports it: eight upper-case hex digits. */
  public String serialNumber() {
    return serialNumber;
  }

  /** The FIDO applet as a CTAPHID handler, for CTAPHID transports other than USB; key thread. */
  public CtapHidHandler ctapHidHandler() {
    return ctapHid;
  }

  public UsbDevice device() {
    return device;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * A new card session on this key, for a reader other than the USB CCID interface (vpcd, the
   * in-process API): its own applet objects, so its selected applet and verified PINs are its own,
   * over the same persistent state. Call it and use the card on the key thread only.
   */
  public CardOs newCard() {
    return KeyFunctions.newCard(applets, fido);
  }

  public Path stateFile() {
    return state.path();
  }

  /** Runs {@code task} on the key thread and waits for its result. */
  public <T> T call(Callable<T> task) throws InterruptedException, ExecutionException {
    return executor.submit(task).get();
  }

  /** Stops the key thread and releases the state file. */
  @Override
  public void close() throws IOException {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    state.close();
  }
}
