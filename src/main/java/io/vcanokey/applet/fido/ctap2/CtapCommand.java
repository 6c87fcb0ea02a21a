package io.vcanokey.applet.fido.ctap2;

import java.util.Optional;

/**
 * CTAP2 authenticator command bytes, the first byte of a CTAP2 request (CTAP 2.1, section 6,
 * "Authenticator API", command table). Values cross-checked against python-fido2 0.9.1 {@code
 * Ctap2.CMD}.
 */
public enum CtapCommand {
  MAKE_CREDENTIAL(0x01),
  GET_ASSERTION(0x02),
  GET_INFO(0x04),
  CLIENT_PIN(0x06),
  RESET(0x07),
  GET_NEXT_ASSERTION(0x08),
  BIO_ENROLLMENT(0x09),
  CREDENTIAL_MANAGEMENT(0x0A),
  SELECTION(0x0B),
  LARGE_BLOBS(0x0C),
  CONFIG(0x0D),
  /** authenticatorBioEnrollment under its pre-2.1 prototype value (FIDO_2_1_PRE). */
  BIO_ENROLLMENT_PREVIEW(0x40),
  /** authenticatorCredentialManagement under its pre-2.1 prototype value; old libfido2 sends it. */
  CREDENTIAL_MANAGEMENT_PREVIEW(0x41);

  private final int value;

  CtapCommand(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<CtapCommand> fromValue(int value) {
    for (CtapCommand command : values()) {
      if (command.value == value) {
        return Optional.of(command);
      }
    }
    return Optional.empty();
  }
}
