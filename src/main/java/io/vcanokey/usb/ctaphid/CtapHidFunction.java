package io.vcanokey.usb.ctaphid;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.InPipe;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.UsbFunction;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FIDO HID interface of the key: CTAPHID framing, channels and arbitration (CTAP 2.1, section
 * 11.2, "USB Human Interface Device (USB HID)"), plus the HID class requests of that interface (HID
 * 1.11, section 7.2).
 *
 * <p>Host reports arrive on the interrupt OUT endpoint 0x01 through {@link #dataOut}; every reply
 * report leaves through the {@link InPipe} of the interrupt IN endpoint 0x81. INIT, PING, WINK,
 * CANCEL and all errors are handled here; MSG and CBOR requests go to a {@link CtapHidHandler}.
 *
 * <p>Behaviour, with the spec rule each point follows:
 *
 * <ul>
 *   <li>One transaction at a time (11.2.5, "Arbitration"): while a request is being assembled or
 *       processed, an initialization frame from any other channel gets ERR_CHANNEL_BUSY on that
 *       channel. Continuation frames not belonging to the message being assembled are ignored: they
 *       can only be the rest of a request that was already refused.
 *   <li>CTAPHID_INIT (11.2.9.1.3) is served even while busy, because it never disturbs another
 *       channel's transaction: on the broadcast CID it allocates a new random channel; on an
 *       allocated CID it aborts that channel's own transaction (resynchronisation) and echoes the
 *       CID. Its payload must be the 8-byte nonce, else ERR_INVALID_LEN.
 *   <li>Channels (11.2.3): CID 0 is reserved and the broadcast CID carries only INIT, so any other
 *       command there gets ERR_INVALID_CHANNEL. A request on a CID that no INIT allocated also gets
 *       ERR_INVALID_CHANNEL ("command not allowed on this cid", 11.2.9.1.6); the reference key
 *       accepts any CID, the spec lets a device refuse channels it never handed out, and every
 *       client we know (libfido2, python-fido2, browsers) initialises first.
 *   <li>Sequencing (11.2.5.4): continuation frames must count 0, 1, 2...; anything else, or a new
 *       initialization frame on the channel whose message is incomplete, gets ERR_INVALID_SEQ and
 *       abandons the message. A continuation frame with no message in progress is ignored.
 *   <li>Timeout (11.2.5.2): a message whose next frame does not arrive within {@link
 *       #MESSAGE_TIMEOUT} (800 ms, as the reference key) is abandoned with ERR_MSG_TIMEOUT.
 *   <li>Size: BCNT above {@link #MAX_MESSAGE_SIZE} (1300 bytes, getInfo maxMsgSize) gets
 *       ERR_INVALID_LEN, as does an empty CBOR request (it lacks the CTAP2 command byte).
 *   <li>Commands: LOCK (11.2.9.2.2, optional) is not implemented and gets ERR_INVALID_CMD, as do
 *       vendor commands 0x40-0x7F (11.2.9.3), unknown codes, and KEEPALIVE or ERROR sent by the
 *       host. WINK (11.2.9.2.1) is implemented and advertised; it has no LED to blink, so it is
 *       logged and answered with an empty WINK response.
 *   <li>CANCEL (11.2.9.1.5) is never answered. On the channel whose request is running it reaches
 *       {@link CtapHidHandler#cancel()}, which completes the request (CTAP2_ERR_KEEPALIVE_CANCEL
 *       for CBOR); elsewhere it is ignored.
 *   <li>KEEPALIVE (11.2.9.1.7): while a handler request is outstanding, a keepalive with the
 *       current status is sent every {@link #KEEPALIVE_INTERVAL}, and at once when the status
 *       changes.
 * </ul>
 *
 * <p>Threading: all methods run on the key thread (see {@link UsbFunction}); timers come from the
 * {@link Scheduler} and run there too.
 */
public final class CtapHidFunction implements UsbFunction {

  private static final Logger log = LoggerFactory.getLogger(CtapHidFunction.class);

  /** Interrupt OUT endpoint the host writes reports to (inventory 1.3, canokey-qemu). */
  public static final int ENDPOINT_OUT = 0x01;

  /** Interrupt IN endpoint replies leave on (inventory 1.3, canokey-qemu). */
  public static final int ENDPOINT_IN = 0x81;

  /** Longest request accepted: the reference key's buffer, advertised as getInfo maxMsgSize. */
  public static final int MAX_MESSAGE_SIZE = 1300;

  /** How long the next frame of a message may take (inventory 2, as the reference key). */
  public static final Duration MESSAGE_TIMEOUT = Duration.ofMillis(800);

  /** Keepalive cadence while a request is processed (11.2.9.1.7). */
  public static final Duration KEEPALIVE_INTERVAL = Duration.ofMillis(100);

  /** Length of the CTAPHID_INIT nonce (11.2.9.1.3). */
  public static final int INIT_NONCE_SIZE = 8;

  /** CTAPHID protocol version identifier in the INIT response (11.2.9.1.3). */
  public static final int CTAPHID_PROTOCOL_VERSION = 2;

  /** Device version in the INIT response: 1.0.0, as the reference key (inventory 2). */
  public static final int DEVICE_VERSION_MAJOR = 1;

  public static final int DEVICE_VERSION_MINOR = 0;
  public static final int DEVICE_VERSION_BUILD = 0;

  /** Capability flag: implements CTAPHID_WINK (11.2.9.1.3). */
  public static final int CAPABILITY_WINK = 0x01;

  /** Capability flag: implements CTAPHID_CBOR (11.2.9.1.3). */
  public static final int CAPABILITY_CBOR = 0x04;

  /** Capability flag: does NOT implement CTAPHID_MSG (11.2.9.1.3); clear on this device. */
  public static final int CAPABILITY_NMSG = 0x08;

  /**
   * Capabilities advertised: CBOR and WINK. The reference key advertises CBOR only although it
   * handles WINK; we say what we do. NMSG stays clear: MSG is handled (by the FIDO handler).
   */
  public static final int CAPABILITIES = CAPABILITY_CBOR | CAPABILITY_WINK;

  /** HID class request GET_REPORT (HID 1.11, 7.2.1). */
  public static final int HID_GET_REPORT = 0x01;

  /** HID class request GET_IDLE (HID 1.11, 7.2.3). */
  public static final int HID_GET_IDLE = 0x02;

  /** HID class request GET_PROTOCOL (HID 1.11, 7.2.5). */
  public static final int HID_GET_PROTOCOL = 0x03;

  /** HID class request SET_REPORT (HID 1.11, 7.2.2). */
  public static final int HID_SET_REPORT = 0x09;

  /** HID class request SET_IDLE (HID 1.11, 7.2.4). */
  public static final int HID_SET_IDLE = 0x0A;

  /** HID class request SET_PROTOCOL (HID 1.11, 7.2.6). */
  public static final int HID_SET_PROTOCOL = 0x0B;

  /** Report type "Output" in the high byte of wValue of GET/SET_REPORT (HID 1.11, 7.2.1). */
  public static final int HID_REPORT_TYPE_OUTPUT = 0x02;

  /** CTAP2 command byte of authenticatorClientPIN (CTAP 2.1, 6.5): frames are not traced. */
  private static final int CTAP2_CLIENT_PIN = 0x06;

  private final InPipe in;
  private final Scheduler scheduler;
  private final CtapHidHandler handler;
  private final ChannelTable channels;

  /** The request being assembled, or null. */
  private MessageAssembler assembling;

  private Scheduler.Task messageTimeout;

  /** The request the handler is processing, or null. */
  private Transaction running;

  /** Idle duration set by SET_IDLE, in 4 ms units; stored for GET_IDLE only (see classRequest). */
  private int idleDuration;

  /**
   * Creates the function.
   *
   * @param in the interrupt IN endpoint 0x81; each call sends one 64-byte report
   * @param scheduler the key thread's scheduler, for the message timeout and keepalives
   * @param channelIds source of new channel identifiers; production passes a {@code SecureRandom},
   *     so CIDs cannot be guessed by another process on the host
   * @param handler receives MSG and CBOR requests
   */
  public CtapHidFunction(
      InPipe in, Scheduler scheduler, RandomGenerator channelIds, CtapHidHandler handler) {
    this.in = in;
    this.scheduler = scheduler;
    this.handler = handler;
    this.channels = new ChannelTable(channelIds);
  }

  /**
   * Handles the HID class requests of the CTAPHID interface (HID 1.11, section 7.2), for an
   * interrupt-only device with no report IDs and no boot protocol:
   *
   * <ul>
   *   <li>SET_IDLE: accepted for report ID 0 and stored. The device only ever sends reports in
   *       reply to the host, so there is nothing to repeat and the rate has no other effect.
   *   <li>GET_IDLE: returns the stored duration (one byte), for report ID 0.
   *   <li>SET_REPORT of an Output report (report ID 0): the data stage is handled exactly like a
   *       report on the interrupt OUT endpoint, for hosts that write reports on the control pipe.
   *   <li>GET_REPORT: stalls. CTAPHID input reports are replies to requests, not device state; a
   *       report fetched on the control pipe would be stale or invented, and would steal a reply
   *       from the interrupt pipe. The reference key stalls it too.
   *   <li>GET_PROTOCOL and SET_PROTOCOL: stall; they belong to boot-subclass devices only (HID
   *       1.11, 7.2.5 and 7.2.6) and the interface declares subclass 0.
   *   <li>Anything else, or a known request with the wrong direction or report ID: stall.
   * </ul>
   */
  @Override
  public ControlResult classRequest(SetupPacket setup, byte[] data) {
    int reportId = setup.value() & 0xFF;
    switch (setup.request()) {
      case HID_SET_IDLE -> {
        if (setup.isDeviceToHost() || reportId != 0) {
          return stall(setup);
        }
        idleDuration = setup.value() >>> 8;
        log.debug("HID SET_IDLE duration {}", idleDuration);
        return ControlResult.ok();
      }
      case HID_GET_IDLE -> {
        if (!setup.isDeviceToHost() || reportId != 0) {
          return stall(setup);
        }
        return ControlResult.data(new byte[] {(byte) idleDuration});
      }
      case HID_SET_REPORT -> {
        int reportType = setup.value() >>> 8;
        if (setup.isDeviceToHost() || reportType != HID_REPORT_TYPE_OUTPUT || reportId != 0) {
          return stall(setup);
        }
        if (data.length == 0 || data.length > CtapHidFrame.REPORT_SIZE) {
          return stall(setup);
        }
        receiveReport(data);
        return ControlResult.ok();
      }
      default -> {
        return stall(setup);
      }
    }
  }

  @Override
  public void dataOut(int endpointAddress, byte[] data) {
    if (endpointAddress != ENDPOINT_OUT) {
      log.warn("OUT data for endpoint {} ignored: CTAPHID uses 0x01", endpointAddress);
      return;
    }
    if (data.length == 0 || data.length > CtapHidFrame.REPORT_SIZE) {
      log.warn("report of {} bytes ignored: CTAPHID reports are 64 bytes", data.length);
      return;
    }
    receiveReport(data);
  }

  /** The channel whose request the handler is running, if any. */
  public OptionalInt runningChannel() {
    return running == null ? OptionalInt.empty() : OptionalInt.of(running.cid);
  }

  /**
   * Abandons the message being assembled and the running request, then tells the handler of the bus
   * reset; channels stay allocated.
   */
  @Override
  public void reset() {
    abortAssembly();
    if (running != null) {
      log.debug("reset abandons the running {} request", running.command);
      abandonRunning();
    }
    idleDuration = 0;
    handler.busReset();
  }

  // ---- frame reception ------------------------------------------------------------------------

  private void receiveReport(byte[] data) {
    // A host may end an interrupt transfer with a short packet: read the rest as zeros.
    byte[] report = new byte[CtapHidFrame.REPORT_SIZE];
    System.arraycopy(data, 0, report, 0, data.length);
    CtapHidFrame frame = CtapHidFrame.decode(report);
    traceIn(frame, report);

    try {
      if (frame instanceof InitFrame init) {
        onInitFrame(init);
      } else {
        onContinuationFrame((ContinuationFrame) frame);
      }
    } catch (CtapHidException e) {
      if (assembling != null && assembling.cid() == frame.cid()) {
        abortAssembly();
      }
      logRefusal(frame.cid(), e);
      sendError(frame.cid(), e.error());
    } catch (RuntimeException e) {
      log.error("bug while handling a CTAPHID frame on CID {}", cidText(frame.cid()), e);
      if (assembling != null && assembling.cid() == frame.cid()) {
        abortAssembly();
      }
      sendError(frame.cid(), CtapHidError.ERR_OTHER);
    }
  }

  private void onInitFrame(InitFrame init) {
    int cid = init.cid();
    Optional<CtapHidCommand> command = CtapHidCommand.fromValue(init.command());
    if (cid == CtapHidFrame.CID_RESERVED) {
      throw new CtapHidException(CtapHidError.ERR_INVALID_CHANNEL, "CID 0 is reserved");
    }
    if (command.isPresent() && command.get() == CtapHidCommand.INIT) {
      onInit(init);
      return;
    }
    if (cid == CtapHidFrame.CID_BROADCAST) {
      throw new CtapHidException(
          CtapHidError.ERR_INVALID_CHANNEL, "broadcast CID carries only INIT");
    }
    if (!channels.isAllocated(cid)) {
      throw new CtapHidException(CtapHidError.ERR_INVALID_CHANNEL, "channel not allocated");
    }
    if (command.isPresent() && command.get() == CtapHidCommand.CANCEL) {
      onCancel(cid);
      return;
    }

    if (assembling != null) {
      if (assembling.cid() == cid) {
        throw new CtapHidException(
            CtapHidError.ERR_INVALID_SEQ, "new request before the previous one was complete");
      }
      throw new CtapHidException(CtapHidError.ERR_CHANNEL_BUSY, "assembling another request");
    }
    if (running != null) {
      throw new CtapHidException(CtapHidError.ERR_CHANNEL_BUSY, "processing a request");
    }

    CtapHidCommand request =
        command
            .filter(CtapHidFunction::isHostRequest)
            .orElseThrow(() -> invalidCommand(init.command()));
    if (request == CtapHidCommand.CBOR && init.length() == 0) {
      throw new CtapHidException(
          CtapHidError.ERR_INVALID_LEN, "CBOR request without a command byte");
    }
    MessageAssembler assembler = MessageAssembler.start(init, request, MAX_MESSAGE_SIZE);
    if (assembler.isComplete()) {
      dispatch(assembler.message());
    } else {
      assembling = assembler;
      armMessageTimeout();
    }
  }

  private void onContinuationFrame(ContinuationFrame frame) {
    if (assembling == null || assembling.cid() != frame.cid()) {
      log.debug(
          "continuation frame on CID {} ignored: no message of that channel in progress",
          cidText(frame.cid()));
      return;
    }
    assembling.add(frame);
    if (assembling.isComplete()) {
      CtapHidMessage message = assembling.message();
      abortAssembly();
      dispatch(message);
    } else {
      armMessageTimeout();
    }
  }

  /** CTAPHID_INIT (11.2.9.1.3): allocation on the broadcast CID, resynchronisation elsewhere. */
  private void onInit(InitFrame init) {
    int cid = init.cid();
    boolean broadcast = cid == CtapHidFrame.CID_BROADCAST;
    if (!broadcast && !channels.isAllocated(cid)) {
      throw new CtapHidException(CtapHidError.ERR_INVALID_CHANNEL, "INIT on unallocated CID");
    }
    if (init.length() != INIT_NONCE_SIZE) {
      throw new CtapHidException(
          CtapHidError.ERR_INVALID_LEN, "INIT payload must be the 8-byte nonce");
    }

    int channel;
    if (broadcast) {
      channel = channels.allocate();
      log.debug("INIT allocates CID {}", cidText(channel));
    } else {
      channel = cid;
      resynchronise(cid);
      log.debug("INIT resynchronises CID {}", cidText(channel));
    }

    byte[] response = new byte[17];
    System.arraycopy(init.payloadPart(), 0, response, 0, INIT_NONCE_SIZE);
    response[8] = (byte) (channel >>> 24);
    response[9] = (byte) (channel >>> 16);
    response[10] = (byte) (channel >>> 8);
    response[11] = (byte) channel;
    response[12] = (byte) CTAPHID_PROTOCOL_VERSION;
    response[13] = (byte) DEVICE_VERSION_MAJOR;
    response[14] = (byte) DEVICE_VERSION_MINOR;
    response[15] = (byte) DEVICE_VERSION_BUILD;
    response[16] = (byte) CAPABILITIES;
    send(new CtapHidMessage(cid, CtapHidCommand.INIT, response), false);
  }

  /** Aborts whatever transaction {@code cid} has, as INIT on that channel demands. */
  private void resynchronise(int cid) {
    if (assembling != null && assembling.cid() == cid) {
      abortAssembly();
    }
    if (running != null && running.cid == cid) {
      abandonRunning();
    }
  }

  /** CTAPHID_CANCEL (11.2.9.1.5): never answered; only the running request's channel counts. */
  private void onCancel(int cid) {
    if (running != null && running.cid == cid) {
      log.debug(
          "CANCEL on CID {}: cancelling the running {} request", cidText(cid), running.command);
      handler.cancel();
    } else {
      log.debug("CANCEL on CID {} ignored: no request of that channel running", cidText(cid));
    }
  }

  private static boolean isHostRequest(CtapHidCommand command) {
    return switch (command) {
      case PING, MSG, WINK, CBOR -> true;
      // LOCK is optional and not implemented; KEEPALIVE and ERROR only go to the host.
      case LOCK, KEEPALIVE, ERROR, INIT, CANCEL -> false;
    };
  }

  private static CtapHidException invalidCommand(int code) {
    String kind = CtapHidCommand.isVendor(code) ? "vendor command" : "command";
    return new CtapHidException(
        CtapHidError.ERR_INVALID_CMD, String.format("%s 0x%02X not supported", kind, code));
  }

  // ---- processing -----------------------------------------------------------------------------

  private void dispatch(CtapHidMessage message) {
    log.debug(
        "CID {} {} request, {} bytes", cidText(message.cid()), message.command(), message.length());
    switch (message.command()) {
      case PING ->
          send(new CtapHidMessage(message.cid(), CtapHidCommand.PING, message.payload()), false);
      case WINK -> {
        log.info("WINK on CID {}: the key would blink now", cidText(message.cid()));
        send(new CtapHidMessage(message.cid(), CtapHidCommand.WINK, new byte[0]), false);
      }
      case MSG, CBOR -> start(message);
      default -> throw new IllegalStateException("not a request: " + message.command());
    }
  }

  private void start(CtapHidMessage message) {
    byte[] payload = message.payload();
    boolean sensitive = message.command() == CtapHidCommand.CBOR && isClientPin(payload[0]);
    Transaction transaction = new Transaction(message.cid(), message.command(), sensitive);
    running = transaction;
    try {
      handler.handle(message.command(), payload, transaction);
    } catch (RuntimeException e) {
      log.error("CTAPHID handler failed on a {} request", message.command(), e);
      transaction.error(CtapHidError.ERR_OTHER);
    }
    if (running == transaction && transaction.keepalive == null) {
      transaction.scheduleKeepalive();
    }
  }

  /** Drops the running request; its responder turns into a no-op, then the handler is told. */
  private void abandonRunning() {
    Transaction abandoned = running;
    abandoned.finish();
    handler.cancel();
  }

  /** One MSG or CBOR request in the handler's hands; the responder the handler completes. */
  private final class Transaction implements CtapHidHandler.Responder {
    final int cid;
    final CtapHidCommand command;
    final boolean sensitive;
    KeepaliveStatus status = KeepaliveStatus.PROCESSING;
    Scheduler.Task keepalive;

    Transaction(int cid, CtapHidCommand command, boolean sensitive) {
      this.cid = cid;
      this.command = command;
      this.sensitive = sensitive;
    }

    @Override
    public void respond(byte[] payload) {
      if (isStale("response")) {
        return;
      }
      finish();
      if (payload.length > CtapHidMessage.MAX_FRAMED_PAYLOAD) {
        log.error("{} response of {} bytes cannot be framed", command, payload.length);
        sendError(cid, CtapHidError.ERR_OTHER);
        return;
      }
      log.debug("CID {} {} response, {} bytes", cidText(cid), command, payload.length);
      send(new CtapHidMessage(cid, command, payload), sensitive);
    }

    @Override
    public void error(CtapHidError error) {
      if (isStale("error")) {
        return;
      }
      finish();
      log.debug("CID {} {} request ends with {}", cidText(cid), command, error);
      sendError(cid, error);
    }

    @Override
    public void status(KeepaliveStatus newStatus) {
      if (isStale("status") || newStatus == status) {
        return;
      }
      status = newStatus;
      sendKeepalive();
      scheduleKeepalive();
    }

    /** (Re)starts the keepalive cadence: the next one goes out an interval from now. */
    void scheduleKeepalive() {
      if (keepalive != null) {
        keepalive.cancel();
      }
      keepalive = scheduler.schedule(KEEPALIVE_INTERVAL, this::keepaliveDue);
    }

    private void keepaliveDue() {
      if (running != this) {
        return;
      }
      sendKeepalive();
      scheduleKeepalive();
    }

    private void sendKeepalive() {
      send(
          new CtapHidMessage(cid, CtapHidCommand.KEEPALIVE, new byte[] {(byte) status.code()}),
          false);
    }

    void finish() {
      running = null;
      if (keepalive != null) {
        keepalive.cancel();
        keepalive = null;
      }
    }

    private boolean isStale(String what) {
      if (running != this) {
        log.debug("{} for an abandoned {} request on CID {} dropped", what, command, cidText(cid));
        return true;
      }
      return false;
    }
  }

  // ---- assembly state and timers --------------------------------------------------------------

  private void armMessageTimeout() {
    if (messageTimeout != null) {
      messageTimeout.cancel();
    }
    MessageAssembler assembler = assembling;
    messageTimeout = scheduler.schedule(MESSAGE_TIMEOUT, () -> onMessageTimeout(assembler));
  }

  private void onMessageTimeout(MessageAssembler assembler) {
    if (assembling != assembler) {
      return;
    }
    abortAssembly();
    log.warn(
        "CID {}: {} message incomplete after {} ms, answering ERR_MSG_TIMEOUT",
        cidText(assembler.cid()),
        assembler.command(),
        MESSAGE_TIMEOUT.toMillis());
    sendError(assembler.cid(), CtapHidError.ERR_MSG_TIMEOUT);
  }

  private void abortAssembly() {
    assembling = null;
    if (messageTimeout != null) {
      messageTimeout.cancel();
      messageTimeout = null;
    }
  }

  // ---- output ---------------------------------------------------------------------------------

  private void sendError(int cid, CtapHidError error) {
    send(new CtapHidMessage(cid, CtapHidCommand.ERROR, new byte[] {(byte) error.code()}), false);
  }

  private void send(CtapHidMessage message, boolean redact) {
    for (byte[] report : message.toReports()) {
      if (log.isTraceEnabled()) {
        log.trace("IN  {}", redact ? redacted(report, 7) : Hex.encode(report));
      }
      in.send(report);
    }
  }

  private void traceIn(CtapHidFrame frame, byte[] report) {
    if (!log.isTraceEnabled()) {
      return;
    }
    boolean redact;
    int header;
    if (frame instanceof InitFrame init) {
      redact =
          init.command() == CtapHidCommand.CBOR.code()
              && init.length() > 0
              && isClientPin(init.data()[0]);
      header = 7;
    } else {
      redact =
          assembling != null
              && assembling.cid() == frame.cid()
              && assembling.command() == CtapHidCommand.CBOR
              && isClientPin((byte) assembling.firstPayloadByte());
      header = 5;
    }
    log.trace("OUT {}", redact ? redacted(report, header) : Hex.encode(report));
  }

  /** Header bytes in hex, the data area hidden: clientPIN frames carry PIN material. */
  private static String redacted(byte[] report, int header) {
    byte[] head = new byte[header];
    System.arraycopy(report, 0, head, 0, header);
    return Hex.encode(head) + " <clientPIN data redacted>";
  }

  private static boolean isClientPin(byte commandByte) {
    return (commandByte & 0xFF) == CTAP2_CLIENT_PIN;
  }

  private static ControlResult stall(SetupPacket setup) {
    log.debug("HID class request stalled: {}", setup);
    return ControlResult.stall();
  }

  private static void logRefusal(int cid, CtapHidException e) {
    CtapHidError error = e.error();
    if (error == CtapHidError.ERR_CHANNEL_BUSY || error == CtapHidError.ERR_INVALID_CMD) {
      // Normal with several clients, or with clients probing vendor commands.
      log.debug("CID {}: {}", cidText(cid), e.getMessage());
    } else {
      log.warn("CID {}: {}", cidText(cid), e.getMessage());
    }
  }

  private static String cidText(int cid) {
    return String.format("%08X", cid);
  }
}
