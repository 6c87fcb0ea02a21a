package io.vcanokey.usb.ccid;

import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.InPipe;
import io.vcanokey.usb.SetupPacket;
import io.vcanokey.usb.UsbFunction;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CCID interface of the key: a one-slot smart-card reader with the card always inserted (USB
 * Device Class: Smart Card CCID, rev 1.1, April 2005). It assembles bulk-OUT command messages
 * (section 6.1), answers each with one bulk-IN message (section 6.2), and serves the class requests
 * of section 5.3. APDUs go to the {@link CardOs} at the short and extended APDU level.
 *
 * <p>Supported: IccPowerOn (automatic voltage only), IccPowerOff, GetSlotStatus, XfrBlock,
 * GetParameters, Abort together with the ABORT class request. SetParameters, ResetParameters,
 * Escape, IccClock, T0APDU, Secure, Mechanical, SetDataRateAndClockFrequency and unknown message
 * types fail with CMD_NOT_SUPPORTED, as in the reference key. Time extension (bStatus 80h) is never
 * sent: the card OS answers before the next message is read.
 *
 * <p>Every method runs on the key thread.
 */
public final class CcidFunction implements UsbFunction {

  private static final Logger log = LoggerFactory.getLogger(CcidFunction.class);

  /** Bulk-OUT endpoint of the CCID interface (canokey-qemu allocation, inventory 1.3). */
  public static final int ENDPOINT_BULK_OUT = 0x02;

  /** Bulk-IN endpoint of the CCID interface. */
  public static final int ENDPOINT_BULK_IN = 0x82;

  /** wMaxPacketSize of both bulk endpoints (inventory 1.3). */
  public static final int MAX_PACKET_SIZE = 64;

  // Class-specific requests (5.3, table 5.3-1).
  static final int REQUEST_ABORT = 0x01;
  static final int REQUEST_GET_CLOCK_FREQUENCIES = 0x02;
  static final int REQUEST_GET_DATA_RATES = 0x03;

  /** bmCommandStatus "failed" in bits 7-6 of bStatus (6.2.6). */
  static final int COMMAND_STATUS_FAILED = 0x40;

  /** The only slot: bMaxSlotIndex is 0. */
  static final int SLOT = 0;

  /** bPowerSelect 00h: automatic voltage selection (6.1.1). */
  static final int POWER_SELECT_AUTOMATIC = 0x00;

  // wLevelParameter at the extended APDU level (6.1.4, table 6.1-4).
  /** 0000h: the command APDU begins and ends with this command. */
  static final int LEVEL_PARAMETER_WHOLE_APDU = 0x0000;

  /** 0001h: the command APDU begins with this command and continues in the next one. */
  static final int LEVEL_PARAMETER_BEGINS = 0x0001;

  /** 0002h: abData continues a command APDU and ends it. */
  static final int LEVEL_PARAMETER_ENDS = 0x0002;

  /** 0003h: abData continues a command APDU and another block follows. */
  static final int LEVEL_PARAMETER_CONTINUES = 0x0003;

  /** 0010h: empty abData; the host asks for the next part of the response APDU. */
  static final int LEVEL_PARAMETER_NEXT_RESPONSE = 0x0010;

  /** bClockStatus 00h: clock running (6.2.2). */
  static final int CLOCK_STATUS_RUNNING = 0x00;

  // bChainParameter of RDR_to_PC_DataBlock (6.2.1, table 6.2-2).
  /** 00h: the response APDU begins and ends in this DataBlock. */
  static final int CHAIN_PARAMETER_WHOLE_RESPONSE = 0x00;

  /** 01h: the response APDU begins in this DataBlock and continues. */
  static final int CHAIN_PARAMETER_BEGINS = 0x01;

  /** 02h: abData continues the response APDU and ends it. */
  static final int CHAIN_PARAMETER_ENDS = 0x02;

  /** 03h: abData continues the response APDU and another block follows. */
  static final int CHAIN_PARAMETER_CONTINUES = 0x03;

  /** 10h: empty abData; the reader expects the next part of the command APDU. */
  static final int CHAIN_PARAMETER_NEXT_COMMAND = 0x10;

  /** The longest command APDU the reader joins from parts: the card's buffer plus its header. */
  static final int MAX_CHAINED_APDU = CardOs.BUFFER_SIZE + 9;

  /** bProtocolNum 01h: T=1 (6.2.3). */
  static final int PROTOCOL_T1 = 0x01;

  /**
   * abProtocolDataStructure for T=1 (6.1.7 and 6.2.3, the protocol data structure for T=1), byte
   * for byte as the reference key answers (inventory 1.6).
   */
  private static final byte[] T1_PARAMETERS = {
    0x11, // bmFindexDindex: Fi 372, Di 1, as TA1 of the ATR
    0x10, // bmTCCKST1: LRC checksum, direct convention
    0x00, // bGuardTimeT1: no extra guard time
    0x15, // bmWaitingIntegersT1: BWI 1, CWI 5 (the ATR's TB3 says BWI 6; the reference sends 1)
    0x00, // bClockStop: stopping the clock is not allowed
    (byte) 0xFE, // bIFSC: 254
    0x00 // bNadValue: NAD 0
  };

  /** abData bytes a message may carry: dwMaxCCIDMessageLength minus the header. */
  static final int MAX_DATA_LENGTH =
      CcidClassDescriptor.MAX_CCID_MESSAGE_LENGTH - CcidMessage.HEADER_LENGTH;

  private static final int NO_SEQUENCE = -1;

  private final InPipe bulkIn;
  private final CardOs card;
  private final Scheduler scheduler;
  private final BulkOutAssembler assembler;

  private IccStatus iccStatus = IccStatus.PRESENT_INACTIVE;

  /** The parts of a command APDU the host sends in several XfrBlocks, or null. */
  private ByteArrayOutputStream commandParts;

  /** The rest of a response APDU longer than one DataBlock, or null. */
  private byte[] responseRest;

  /** bSeq of an ABORT class request still waiting for its PC_to_RDR_Abort, or NO_SEQUENCE. */
  private int abortSequence = NO_SEQUENCE;

  /** bSeq of a PC_to_RDR_Abort answered before its ABORT class request arrived, or NO_SEQUENCE. */
  private int earlyAbortSequence = NO_SEQUENCE;

  /**
   * @param bulkIn where bulk-IN messages for endpoint 0x82 go, one message per call
   * @param card the card in the slot
   * @param scheduler the key thread's scheduler; its clock times each command for the debug log
   */
  public CcidFunction(InPipe bulkIn, CardOs card, Scheduler scheduler) {
    this.bulkIn = bulkIn;
    this.card = card;
    this.scheduler = scheduler;
    this.assembler =
        new BulkOutAssembler(
            MAX_DATA_LENGTH,
            MAX_PACKET_SIZE,
            new BulkOutAssembler.Sink() {
              @Override
              public void message(byte[] message) {
                handle(CcidMessage.decode(message), false);
              }

              @Override
              public void oversized(byte[] header, long declaredLength) {
                log.warn(
                    "CCID message with dwLength {} cannot be taken (more than {} bytes, or its transfer ended early)",
                    declaredLength,
                    MAX_DATA_LENGTH);
                handle(headerOnly(header), true);
              }
            });
  }

  /**
   * Serves the class requests of CCID rev 1.1, section 5.3: ABORT (5.3.1), GET_CLOCK_FREQUENCIES
   * (5.3.2) and GET_DATA_RATES (5.3.3). Anything else, or a request with wrong parameters, stalls.
   */
  @Override
  public ControlResult classRequest(SetupPacket setup, byte[] data) {
    if (setup.type() != SetupPacket.TYPE_CLASS
        || setup.recipient() != SetupPacket.RECIPIENT_INTERFACE) {
      return ControlResult.stall();
    }
    switch (setup.request()) {
      case REQUEST_ABORT:
        return abortRequest(setup);
      case REQUEST_GET_CLOCK_FREQUENCIES:
        // bNumClockSupported is 0: the supported frequencies are dwDefaultClock and
        // dwMaximumClock (5.1), which are both 4000 kHz, so the list has that one entry.
        return listRequest(setup, CcidClassDescriptor.DEFAULT_CLOCK_KHZ);
      case REQUEST_GET_DATA_RATES:
        // bNumDataRatesSupported is 0: all rates from dwDataRate to dwMaxDataRate (5.1), here
        // the single rate 307200 bps.
        return listRequest(setup, CcidClassDescriptor.DATA_RATE_BPS);
      default:
        log.debug("stalling unknown CCID class request {}", setup);
        return ControlResult.stall();
    }
  }

  /** Receives one bulk-OUT transfer or piece of one. */
  @Override
  public void dataOut(int endpointAddress, byte[] data) {
    if (endpointAddress != ENDPOINT_BULK_OUT) {
      log.warn(
          "ignoring {} bytes for endpoint {}: not the CCID bulk-OUT endpoint",
          data.length,
          String.format("%02X", endpointAddress));
      return;
    }
    assembler.accept(data);
  }

  /**
   * Bus reset, deconfiguration or detach: drops a partial message and any abort in progress, and
   * deactivates the card, as a reader losing power would. Answers already handed to the bulk-IN
   * pipe are the pipe owner's to drop.
   */
  @Override
  public void reset() {
    assembler.clear();
    abortSequence = NO_SEQUENCE;
    earlyAbortSequence = NO_SEQUENCE;
    if (iccStatus == IccStatus.PRESENT_ACTIVE) {
      card.powerOff();
    }
    iccStatus = IccStatus.PRESENT_INACTIVE;
    commandParts = null;
    responseRest = null;
    log.info("CCID reset; card inactive");
  }

  /** The slot's bmICCStatus as GetSlotStatus would report it now. */
  public IccStatus iccStatus() {
    return iccStatus;
  }

  private ControlResult abortRequest(SetupPacket setup) {
    int slot = setup.value() & 0xFF;
    int sequence = setup.value() >> 8;
    if (setup.isDeviceToHost() || setup.length() != 0 || slot != SLOT) {
      log.warn("stalling malformed ABORT request {}", setup);
      return ControlResult.stall();
    }

    // 5.3.1: the request stops the slot's current transfer; a half-received message goes.
    if (!assembler.isIdle()) {
      log.debug("ABORT drops a partly received bulk-OUT message");
    }
    assembler.clear();

    if (earlyAbortSequence == sequence) {
      log.debug("ABORT request seq={} completes an already answered PC_to_RDR_Abort", sequence);
      earlyAbortSequence = NO_SEQUENCE;
    } else {
      log.debug("ABORT request seq={}; waiting for PC_to_RDR_Abort", sequence);
      abortSequence = sequence;
    }
    return ControlResult.ok();
  }

  private static ControlResult listRequest(SetupPacket setup, int onlyValue) {
    if (!setup.isDeviceToHost() || setup.value() != 0) {
      log.warn("stalling malformed CCID class request {}", setup);
      return ControlResult.stall();
    }
    byte[] dword = {
      (byte) onlyValue, (byte) (onlyValue >> 8), (byte) (onlyValue >> 16), (byte) (onlyValue >> 24)
    };
    return ControlResult.data(dword);
  }

  private void handle(CcidMessage command, boolean oversized) {
    long start = scheduler.nanoTime();
    traceFrame("OUT", command);
    Optional<CcidCommandType> type = CcidCommandType.fromValue(command.messageType());
    CcidResponseType responseType =
        type.map(CcidCommandType::responseType).orElse(CcidResponseType.SLOT_STATUS);

    CcidMessage response;
    try {
      response = execute(type, command, oversized);
    } catch (CcidException e) {
      response = failure(responseType, command, e.error());
    }

    traceFrame("IN", response);
    bulkIn.send(response.encode());
    if (log.isDebugEnabled()) {
      log.debug(
          "{} seq={} -> {} bStatus={} bError={} ({} us)",
          type.map(CcidCommandType::specName)
              .orElse(String.format("unknown message type %02X", command.messageType())),
          command.sequence(),
          responseType.specName(),
          String.format("%02X", response.status()),
          String.format("%02X", response.error()),
          (scheduler.nanoTime() - start) / 1000);
    }
  }

  private CcidMessage execute(
      Optional<CcidCommandType> type, CcidMessage command, boolean oversized) {
    boolean matchingAbort =
        type.orElse(null) == CcidCommandType.ABORT && command.sequence() == abortSequence;
    if (abortSequence != NO_SEQUENCE && !matchingAbort) {
      // 5.3.1: between the ABORT request and its PC_to_RDR_Abort, commands are flushed.
      throw CcidException.of(CcidError.CMD_ABORTED);
    }
    if (type.isEmpty()) {
      log.warn("unknown CCID message type {}", String.format("%02X", command.messageType()));
      throw CcidException.of(CcidError.CMD_NOT_SUPPORTED);
    }
    if (oversized) {
      throw CcidException.badParameter(CcidMessage.OFFSET_DW_LENGTH);
    }
    if (command.slot() != SLOT) {
      log.warn("CCID message for slot {}, which does not exist", command.slot());
      throw CcidException.badParameter(CcidMessage.OFFSET_SLOT);
    }

    if (type.get() != CcidCommandType.ABORT) {
      earlyAbortSequence = NO_SEQUENCE;
    }
    return switch (type.get()) {
      case ICC_POWER_ON -> iccPowerOn(command);
      case ICC_POWER_OFF -> iccPowerOff(command);
      case GET_SLOT_STATUS -> getSlotStatus(command);
      case XFR_BLOCK -> xfrBlock(command);
      case GET_PARAMETERS -> getParameters(command);
      case ABORT -> abort(command);
      default -> throw CcidException.of(CcidError.CMD_NOT_SUPPORTED);
    };
  }

  /** 6.1.1: activate the card and return its ATR. */
  private CcidMessage iccPowerOn(CcidMessage command) {
    requireNoData(command);
    if (command.headerByte(7) != POWER_SELECT_AUTOMATIC) {
      // The reference key accepts only automatic voltage selection (inventory 1.6).
      throw CcidException.badParameter(7);
    }
    requireZero(command, 8, 9);

    card.powerOn();
    iccStatus = IccStatus.PRESENT_ACTIVE;
    commandParts = null;
    responseRest = null;
    return dataBlock(command, card.atr());
  }

  /** 6.1.2: deactivate the card. */
  private CcidMessage iccPowerOff(CcidMessage command) {
    requireNoData(command);
    requireZero(command, 7, 9);

    if (iccStatus == IccStatus.PRESENT_ACTIVE) {
      card.powerOff();
    }
    iccStatus = IccStatus.PRESENT_INACTIVE;
    commandParts = null;
    responseRest = null;
    return slotStatus(command);
  }

  /** 6.1.3. */
  private CcidMessage getSlotStatus(CcidMessage command) {
    requireNoData(command);
    requireZero(command, 7, 9);
    return slotStatus(command);
  }

  /**
   * 6.1.4 at the extended APDU level: abData is a whole command APDU, or a part of one with
   * wLevelParameter saying which (table 6.1-4); a response APDU longer than one DataBlock goes out
   * in parts with bChainParameter, the host asking for each next part with wLevelParameter 0010h.
   */
  private CcidMessage xfrBlock(CcidMessage command) {
    // Offset 7 is bBWI, which only stretches a timeout we never reach.
    int levelParameter = command.headerByte(8) | command.headerByte(9) << 8;
    if (iccStatus != IccStatus.PRESENT_ACTIVE) {
      // 6.2.6: no active card to talk to.
      commandParts = null;
      responseRest = null;
      throw CcidException.of(CcidError.ICC_MUTE);
    }
    if (levelParameter == LEVEL_PARAMETER_NEXT_RESPONSE) {
      if (responseRest == null || command.data().length != 0) {
        throw CcidException.badParameter(8);
      }
      return responsePart(command, responseRest, false);
    }
    responseRest = null;

    byte[] apdu;
    switch (levelParameter) {
      case LEVEL_PARAMETER_WHOLE_APDU -> {
        commandParts = null;
        apdu = command.data();
      }
      case LEVEL_PARAMETER_BEGINS, LEVEL_PARAMETER_CONTINUES, LEVEL_PARAMETER_ENDS -> {
        boolean begins = levelParameter == LEVEL_PARAMETER_BEGINS;
        if (begins == (commandParts != null)) {
          // A first part while a command is open, or a later part with none open.
          commandParts = null;
          throw CcidException.badParameter(8);
        }
        if (begins) {
          commandParts = new ByteArrayOutputStream();
        }
        commandParts.writeBytes(command.data());
        if (commandParts.size() > MAX_CHAINED_APDU) {
          commandParts = null;
          throw CcidException.of(CcidError.XFR_OVERRUN);
        }
        if (levelParameter != LEVEL_PARAMETER_ENDS) {
          return CcidMessage.response(
              CcidResponseType.DATA_BLOCK,
              command.slot(),
              command.sequence(),
              iccStatus.value(),
              0,
              CHAIN_PARAMETER_NEXT_COMMAND,
              null);
        }
        apdu = commandParts.toByteArray();
        commandParts = null;
      }
      default -> throw CcidException.badParameter(8);
    }

    byte[] response = card.transmit(apdu);
    if (response.length > MAX_DATA_LENGTH) {
      return responsePart(command, response, true);
    }
    return dataBlock(command, response);
  }

  /** The next DataBlock of a response APDU too long for one (6.2.1, bChainParameter). */
  private CcidMessage responsePart(CcidMessage command, byte[] rest, boolean first) {
    int length = Math.min(rest.length, MAX_DATA_LENGTH);
    boolean last = length == rest.length;
    responseRest = last ? null : Arrays.copyOfRange(rest, length, rest.length);
    int chain =
        first
            ? (last ? CHAIN_PARAMETER_WHOLE_RESPONSE : CHAIN_PARAMETER_BEGINS)
            : (last ? CHAIN_PARAMETER_ENDS : CHAIN_PARAMETER_CONTINUES);
    return CcidMessage.response(
        CcidResponseType.DATA_BLOCK,
        command.slot(),
        command.sequence(),
        iccStatus.value(),
        0,
        chain,
        Arrays.copyOf(rest, length));
  }

  /** 6.1.5: the fixed T=1 parameters. */
  private CcidMessage getParameters(CcidMessage command) {
    requireNoData(command);
    requireZero(command, 7, 9);
    return CcidMessage.response(
        CcidResponseType.PARAMETERS,
        command.slot(),
        command.sequence(),
        iccStatus.value(),
        0,
        PROTOCOL_T1,
        T1_PARAMETERS);
  }

  /**
   * 6.1.13 with 5.3.1. The matching ABORT request may come before or after this message, since
   * control and bulk pipes are not ordered. Because each command completes before the next is read,
   * nothing is ever in progress to stop: an Abort without a prior request is answered at once
   * (never left to hang), and the request that follows it is absorbed.
   */
  private CcidMessage abort(CcidMessage command) {
    requireNoData(command);
    requireZero(command, 7, 9);

    if (abortSequence == command.sequence()) {
      abortSequence = NO_SEQUENCE;
    } else {
      earlyAbortSequence = command.sequence();
    }
    return slotStatus(command);
  }

  private CcidMessage slotStatus(CcidMessage command) {
    return CcidMessage.response(
        CcidResponseType.SLOT_STATUS,
        command.slot(),
        command.sequence(),
        iccStatus.value(),
        0,
        CLOCK_STATUS_RUNNING,
        null);
  }

  private CcidMessage dataBlock(CcidMessage command, byte[] data) {
    return CcidMessage.response(
        CcidResponseType.DATA_BLOCK,
        command.slot(),
        command.sequence(),
        iccStatus.value(),
        0,
        CHAIN_PARAMETER_WHOLE_RESPONSE,
        data);
  }

  /**
   * A failed answer of the command's response type (6.2.6): bmCommandStatus 1, bError as given,
   * bmICCStatus of the slot, or "no ICC present" for a slot that does not exist.
   */
  private CcidMessage failure(CcidResponseType type, CcidMessage command, int error) {
    IccStatus status = command.slot() == SLOT ? iccStatus : IccStatus.NOT_PRESENT;
    int bStatus = COMMAND_STATUS_FAILED | status.value();
    int b9 =
        switch (type) {
          case SLOT_STATUS -> CLOCK_STATUS_RUNNING;
          case PARAMETERS -> PROTOCOL_T1; // as the reference key sends it
          default -> 0; // bChainParameter or bRFU
        };
    // 6.2.5 gives DataRateAndClockFrequency a fixed dwLength of 8: the current settings.
    byte[] data =
        type == CcidResponseType.DATA_RATE_AND_CLOCK_FREQUENCY ? currentClockAndRate() : null;
    return CcidMessage.response(type, command.slot(), command.sequence(), bStatus, error, b9, data);
  }

  /** 6.2.5: dwClockFrequency (kHz) and dwDataRate (bps), the fixed current settings. */
  private static byte[] currentClockAndRate() {
    int clock = CcidClassDescriptor.DEFAULT_CLOCK_KHZ;
    int rate = CcidClassDescriptor.DATA_RATE_BPS;
    return new byte[] {
      (byte) clock, (byte) (clock >> 8), (byte) (clock >> 16), (byte) (clock >> 24),
      (byte) rate, (byte) (rate >> 8), (byte) (rate >> 16), (byte) (rate >> 24)
    };
  }

  private static void requireNoData(CcidMessage command) {
    if (command.dataLength() != 0) {
      throw CcidException.badParameter(CcidMessage.OFFSET_DW_LENGTH);
    }
  }

  /** The reserved header bytes from {@code first} to {@code last} must be zero (6.1). */
  private static void requireZero(CcidMessage command, int first, int last) {
    for (int offset = first; offset <= last; offset++) {
      if (command.headerByte(offset) != 0) {
        throw CcidException.badParameter(first);
      }
    }
  }

  private static CcidMessage headerOnly(byte[] header) {
    return new CcidMessage(
        header[0] & 0xFF,
        header[CcidMessage.OFFSET_SLOT] & 0xFF,
        header[CcidMessage.OFFSET_SEQUENCE] & 0xFF,
        Arrays.copyOfRange(header, CcidMessage.OFFSET_SPECIFIC, CcidMessage.HEADER_LENGTH),
        null);
  }

  /** Headers and lengths only: abData of XfrBlock and DataBlock is an APDU, which may be secret. */
  private static void traceFrame(String direction, CcidMessage message) {
    if (log.isTraceEnabled()) {
      byte[] wire = message.encode();
      log.trace(
          "CCID {} {} +{} data bytes",
          direction,
          Hex.spaced(Arrays.copyOf(wire, CcidMessage.HEADER_LENGTH)),
          message.dataLength());
    }
  }
}
