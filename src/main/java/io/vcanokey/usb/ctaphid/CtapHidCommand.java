package io.vcanokey.usb.ctaphid;

import java.util.Optional;

/**
 * CTAPHID command codes (CTAP 2.1, section 11.2.9: 11.2.9.1 mandatory commands, 11.2.9.2 optional
 * commands). The {@link #code()} is the 7-bit value the spec tables give; on the wire an
 * initialization frame carries it with bit 7 set ({@link #frameByte()}).
 */
public enum CtapHidCommand {
  /** CTAPHID_PING (11.2.9.1.4): echo the payload. */
  PING(0x01),
  /** CTAPHID_MSG (11.2.9.1.1): a CTAP1/U2F raw message. */
  MSG(0x03),
  /** CTAPHID_LOCK (11.2.9.2.2): optional channel lock; not implemented by this device. */
  LOCK(0x04),
  /** CTAPHID_INIT (11.2.9.1.3): allocate or resynchronise a channel. */
  INIT(0x06),
  /** CTAPHID_WINK (11.2.9.2.1): optional identification signal. */
  WINK(0x08),
  /** CTAPHID_CBOR (11.2.9.1.2): a CTAP2 command byte followed by CBOR. */
  CBOR(0x10),
  /** CTAPHID_CANCEL (11.2.9.1.5): cancel the channel's outstanding CBOR request; never answered. */
  CANCEL(0x11),
  /** CTAPHID_KEEPALIVE (11.2.9.1.7): device to host only, while a request is processed. */
  KEEPALIVE(0x3B),
  /** CTAPHID_ERROR (11.2.9.1.6): device to host only, carrying a {@link CtapHidError}. */
  ERROR(0x3F);

  /** First vendor-specific command code (11.2.9.3). */
  public static final int VENDOR_FIRST = 0x40;

  /** Last vendor-specific command code (11.2.9.3). */
  public static final int VENDOR_LAST = 0x7F;

  private final int code;

  CtapHidCommand(int code) {
    this.code = code;
  }

  /** The 7-bit command code. */
  public int code() {
    return code;
  }

  /** The CMD byte of an initialization frame: the code with bit 7 set. */
  public int frameByte() {
    return 0x80 | code;
  }

  /** The command with 7-bit {@code code}, or empty for unknown and vendor codes. */
  public static Optional<CtapHidCommand> fromValue(int code) {
    for (CtapHidCommand command : values()) {
      if (command.code == code) {
        return Optional.of(command);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code code} lies in the vendor-specific range 0x40-0x7F. */
  public static boolean isVendor(int code) {
    return code >= VENDOR_FIRST && code <= VENDOR_LAST;
  }
}
