package io.vcanokey.usb.ctaphid;

import java.util.Optional;

/**
 * Error codes carried by a CTAPHID_ERROR response (CTAP 2.1, section 11.2.9.1.6). The payload of
 * the ERROR message is the one-byte {@link #code()}.
 */
public enum CtapHidError {
  /** The command in the request is invalid. */
  ERR_INVALID_CMD(0x01),
  /** The parameters in the request are invalid. */
  ERR_INVALID_PAR(0x02),
  /** The length field (BCNT) is invalid for the request. */
  ERR_INVALID_LEN(0x03),
  /** The sequence does not match the expected value. */
  ERR_INVALID_SEQ(0x04),
  /** The message has timed out. */
  ERR_MSG_TIMEOUT(0x05),
  /** The device is busy for the requesting channel. */
  ERR_CHANNEL_BUSY(0x06),
  /** The command requires a channel lock. */
  ERR_LOCK_REQUIRED(0x0A),
  /** The command is not allowed on this CID. */
  ERR_INVALID_CHANNEL(0x0B),
  /** Unspecified error. */
  ERR_OTHER(0x7F);

  private final int code;

  CtapHidError(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<CtapHidError> fromValue(int code) {
    for (CtapHidError error : values()) {
      if (error.code == code) {
        return Optional.of(error);
      }
    }
    return Optional.empty();
  }
}
