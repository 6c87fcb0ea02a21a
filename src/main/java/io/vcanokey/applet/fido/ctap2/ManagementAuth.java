package io.vcanokey.applet.fido.ctap2;

import java.util.Optional;

/**
 * The pinUvAuthParam check that authenticatorLargeBlobs set (CTAP 2.1, 6.10.2) and
 * authenticatorConfig (6.11.1) run when the authenticator is protected by user verification (a PIN
 * is set) or alwaysUv is on: pinUvAuthParam required (CTAP2_ERR_PUAT_REQUIRED), pinUvAuthProtocol
 * required (CTAP2_ERR_MISSING_PARAMETER) and supported (CTAP1_ERR_INVALID_PARAMETER), then the
 * token must authenticate the command's message and hold the command's permission
 * (CTAP2_ERR_PIN_AUTH_INVALID).
 */
final class ManagementAuth {

  private ManagementAuth() {}

  /**
   * Runs the check, or nothing when {@code required} is false (no PIN, alwaysUv off): the command
   * then proceeds without a token and ignores a pinUvAuthParam it was given.
   *
   * @throws CtapException with the status of the first failed step
   */
  static void check(
      ClientPin clientPin,
      boolean required,
      Optional<byte[]> pinUvAuthParam,
      Optional<Long> pinUvAuthProtocol,
      byte[] message,
      int permission) {
    if (!required) {
      return;
    }
    if (pinUvAuthParam.isEmpty()) {
      throw new CtapException(CtapStatus.CTAP2_ERR_PUAT_REQUIRED, "pinUvAuthParam missing");
    }
    if (pinUvAuthProtocol.isEmpty()) {
      throw new CtapException(CtapStatus.CTAP2_ERR_MISSING_PARAMETER, "pinUvAuthProtocol missing");
    }
    long protocol = pinUvAuthProtocol.get();
    if (PinUvAuthProtocol.fromVersion(protocol) == null || clientPin == null) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "pinUvAuthProtocol");
    }
    CtapStatus status =
        clientPin.checkToken((int) protocol, message, pinUvAuthParam.get(), permission, null);
    if (status != CtapStatus.CTAP2_OK) {
      throw new CtapException(status, "pinUvAuthToken refused");
    }
  }
}
