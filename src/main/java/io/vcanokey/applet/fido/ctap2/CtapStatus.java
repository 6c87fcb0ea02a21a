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
  /** CTAP1_ERR_INVALID_PARAMETER: invalid parameter in the request. */
  CTAP1_ERR_INVALID_PARAMETER(0x02),
  /** CTAP1_ERR_INVALID_LENGTH: invalid message or item length. */
  CTAP1_ERR_INVALID_LENGTH(0x03),
  /** CTAP1_ERR_CHANNEL_BUSY: the authenticator is busy with another request. */
  CTAP1_ERR_CHANNEL_BUSY(0x06),
  /** CTAP1_ERR_INVALID_SEQ: invalid message sequencing (a largeBlobs fragment out of order). */
  CTAP1_ERR_INVALID_SEQ(0x04),
  /** CTAP2_ERR_CBOR_UNEXPECTED_TYPE: a parameter or member has the wrong CBOR type. */
  CTAP2_ERR_CBOR_UNEXPECTED_TYPE(0x11),
  /** CTAP2_ERR_INVALID_CBOR: the request is not valid CBOR. */
  CTAP2_ERR_INVALID_CBOR(0x12),
  /** CTAP2_ERR_MISSING_PARAMETER: a required parameter is missing. */
  CTAP2_ERR_MISSING_PARAMETER(0x14),
  /** CTAP2_ERR_LIMIT_EXCEEDED: a limit (for example a length) was exceeded. */
  CTAP2_ERR_LIMIT_EXCEEDED(0x15),
  /** CTAP2_ERR_LARGE_BLOB_STORAGE_FULL: the large-blob array would exceed its maximum size. */
  CTAP2_ERR_LARGE_BLOB_STORAGE_FULL(0x18),
  /** CTAP2_ERR_CREDENTIAL_EXCLUDED: a credential of the excludeList is on this authenticator. */
  CTAP2_ERR_CREDENTIAL_EXCLUDED(0x19),
  /** CTAP2_ERR_UNSUPPORTED_ALGORITHM: no requested algorithm is supported. */
  CTAP2_ERR_UNSUPPORTED_ALGORITHM(0x26),
  /** CTAP2_ERR_OPERATION_DENIED: the user declined the operation. */
  CTAP2_ERR_OPERATION_DENIED(0x27),
  /** CTAP2_ERR_KEY_STORE_FULL: no room left for another discoverable credential. */
  CTAP2_ERR_KEY_STORE_FULL(0x28),
  /** CTAP2_ERR_UNSUPPORTED_OPTION: the option is not supported. */
  CTAP2_ERR_UNSUPPORTED_OPTION(0x2B),
  /** CTAP2_ERR_INVALID_OPTION: the option is not valid for this command. */
  CTAP2_ERR_INVALID_OPTION(0x2C),
  /** CTAP2_ERR_KEEPALIVE_CANCEL: the request was cancelled by CTAPHID_CANCEL. */
  CTAP2_ERR_KEEPALIVE_CANCEL(0x2D),
  /** CTAP2_ERR_NO_CREDENTIALS: no valid credential was found. */
  CTAP2_ERR_NO_CREDENTIALS(0x2E),
  /** CTAP2_ERR_USER_ACTION_TIMEOUT: the user did not answer the presence check in time. */
  CTAP2_ERR_USER_ACTION_TIMEOUT(0x2F),
  /** CTAP2_ERR_NOT_ALLOWED: continuation command without a pending operation, or not allowed. */
  CTAP2_ERR_NOT_ALLOWED(0x30),
  /** CTAP2_ERR_PIN_INVALID: the PIN does not match. */
  CTAP2_ERR_PIN_INVALID(0x31),
  /** CTAP2_ERR_PIN_BLOCKED: no PIN retries are left. */
  CTAP2_ERR_PIN_BLOCKED(0x32),
  /** CTAP2_ERR_PIN_AUTH_INVALID: pinUvAuthParam did not verify, or the token lacks a right. */
  CTAP2_ERR_PIN_AUTH_INVALID(0x33),
  /** CTAP2_ERR_PIN_AUTH_BLOCKED: too many consecutive mismatches; power cycle needed. */
  CTAP2_ERR_PIN_AUTH_BLOCKED(0x34),
  /** CTAP2_ERR_PIN_NOT_SET: no PIN has been set. */
  CTAP2_ERR_PIN_NOT_SET(0x35),
  /** CTAP2_ERR_PUAT_REQUIRED: a pinUvAuthToken is required for this operation. */
  CTAP2_ERR_PUAT_REQUIRED(0x36),
  /** CTAP2_ERR_PIN_POLICY_VIOLATION: the new PIN breaks the PIN policy (length). */
  CTAP2_ERR_PIN_POLICY_VIOLATION(0x37),
  /** CTAP2_ERR_INTEGRITY_FAILURE: a large-blob array's trailing hash does not match. */
  CTAP2_ERR_INTEGRITY_FAILURE(0x3D),
  /** CTAP2_ERR_INVALID_SUBCOMMAND: the subcommand is unknown or unsupported. */
  CTAP2_ERR_INVALID_SUBCOMMAND(0x3E),
  /** CTAP2_ERR_UNAUTHORIZED_PERMISSION: a requested permission cannot be granted. */
  CTAP2_ERR_UNAUTHORIZED_PERMISSION(0x40),
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
