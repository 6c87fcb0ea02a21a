package io.vcanokey.applet.fido.ctap2;

import java.util.Optional;

/**
 * CTAP2 status codes, the first byte of every CTAP2 response (CTAP 2.1, section 8.2, "Status
 * codes"). Only the codes the applet emits so far are listed; the table grows with the commands.
 */
public enum CtapStatus {
  /** CTAP2_OK (also CTAP1_ERR_SUCCESS): the command succeeded. */
  CTAP2_OK(0x00),
  /** CTAP1_ERR_INVALID_COMMAND: the command is not a valid CTAP command. */
  CTAP1_ERR_INVALID_COMMAND(0x01),
  /** CTAP1_ERR_INVALID_LENGTH: invalid message or item length. */
  CTAP1_ERR_INVALID_LENGTH(0x03),
  /** CTAP2_ERR_KEEPALIVE_CANCEL: the request was cancelled by CTAPHID_CANCEL. */
  CTAP2_ERR_KEEPALIVE_CANCEL(0x2D),
  /** CTAP1_ERR_OTHER: other unspecified error. */
  CTAP1_ERR_OTHER(0x7F);

  private final int value;

  CtapStatus(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** The one-byte response that carries only this status. */
  public byte[] response() {
    return new byte[] {(byte) value};
  }

  public static Optional<CtapStatus> fromValue(int value) {
    for (CtapStatus status : values()) {
      if (status.value == value) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
