package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.bytes.Bytes;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorConfig (CTAP 2.1, section 6.11): toggleAlwaysUv (6.11.2) and setMinPINLength
 * (6.11.4) over {@link FidoSettings}; enableEnterpriseAttestation (6.11.1) is refused.
 *
 * <p>With a PIN set, or with alwaysUv on for any subcommand but toggleAlwaysUv, the request needs a
 * pinUvAuthParam over 32×0xFF || 0x0D || uint8(subCommand) || subCommandParams (as CTAP2 canonical
 * CBOR) from a token holding the acfg permission ({@link ManagementAuth}). Without a PIN alwaysUv
 * can thus still be switched off again, since no token could be had to do it.
 *
 * <p>Choices:
 *
 * <ul>
 *   <li>enableEnterpriseAttestation answers CTAP2_ERR_UNSUPPORTED_OPTION and getInfo has no "ep":
 *       this key has no enterprise attestation key or certificate, and an enterprise attestation
 *       made with the batch certificate would promise a uniqueness it does not have. makeCredential
 *       keeps answering enterpriseAttestation with CTAP1_ERR_INVALID_PARAMETER (6.1.2 step 9).
 *   <li>setMinPINLength: newMinPINLength below the current minimum is
 *       CTAP2_ERR_PIN_POLICY_VIOLATION; forceChangePin without a PIN is CTAP2_ERR_PIN_NOT_SET; more
 *       than {@link FidoSettings#MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH} RP IDs is
 *       CTAP2_ERR_KEY_STORE_FULL; RP IDs given replace the stored list. A new minimum longer than
 *       the current PIN sets forcePINChange, as 6.11.4 asks.
 *   <li>An unknown subCommand (including vendorPrototype 0xFF) is CTAP2_ERR_INVALID_SUBCOMMAND.
 * </ul>
 *
 * <p>Threading: key thread only.
 */
public final class AuthenticatorConfig {

  private static final Logger log = LoggerFactory.getLogger(AuthenticatorConfig.class);

  // Request parameter keys (6.11).
  static final int KEY_SUB_COMMAND = 0x01;
  static final int KEY_SUB_COMMAND_PARAMS = 0x02;
  static final int KEY_PIN_UV_AUTH_PROTOCOL = 0x03;
  static final int KEY_PIN_UV_AUTH_PARAM = 0x04;

  // Subcommands (6.11).
  public static final int SUB_ENABLE_ENTERPRISE_ATTESTATION = 0x01;
  public static final int SUB_TOGGLE_ALWAYS_UV = 0x02;
  public static final int SUB_SET_MIN_PIN_LENGTH = 0x03;
  public static final int SUB_VENDOR_PROTOTYPE = 0xFF;

  // setMinPINLength subCommandParams keys (6.11.4).
  static final int PARAM_NEW_MIN_PIN_LENGTH = 0x01;
  static final int PARAM_MIN_PIN_LENGTH_RPIDS = 0x02;
  static final int PARAM_FORCE_CHANGE_PIN = 0x03;

  /** Command byte of authenticatorConfig, part of the authenticated message (6.11). */
  private static final int CMD_CONFIG = 0x0D;

  /** A PIN is at most 63 UTF-8 bytes, so no minimum above 63 code points can be met. */
  static final int MAX_MIN_PIN_LENGTH = ClientPin.MAX_PIN_BYTES;

  private final StateFile state;
  private final ClientPin clientPin;

  /** The command over {@code state}; {@code clientPin} null for a key without PIN support. */
  public AuthenticatorConfig(StateFile state, ClientPin clientPin) {
    this.state = state;
    this.clientPin = clientPin;
  }

  /**
   * Processes one authenticatorConfig request.
   *
   * @param request the command byte followed by the CBOR parameters
   * @return the status byte (authenticatorConfig has no response body)
   */
  public byte[] handle(byte[] request) {
    long sub = -1;
    try {
      CborParams params = CborParams.decode(request, 1);
      sub = params.integer(KEY_SUB_COMMAND, "subCommand");
      Optional<CborParams> subParams =
          params.optionalMap(KEY_SUB_COMMAND_PARAMS, "subCommandParams");
      Optional<Long> protocol = params.optionalInt(KEY_PIN_UV_AUTH_PROTOCOL, "pinUvAuthProtocol");
      Optional<byte[]> pinUvAuthParam =
          params.optionalBytes(KEY_PIN_UV_AUTH_PARAM, "pinUvAuthParam");
      if (sub < 0 || sub > 0xFF) {
        throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND, "subCommand " + sub);
      }

      FidoSettings settings = FidoSettings.load(state);
      boolean pinSet = clientPin != null && clientPin.isPinSet();
      boolean required = pinSet || (settings.alwaysUv() && sub != SUB_TOGGLE_ALWAYS_UV);
      byte[] message = authenticatedMessage((int) sub, params);
      ManagementAuth.check(
          clientPin, required, pinUvAuthParam, protocol, message, ClientPin.PERMISSION_ACFG);

      switch ((int) sub) {
        case SUB_ENABLE_ENTERPRISE_ATTESTATION ->
            throw new CtapException(
                CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION, "no enterprise attestation");
        case SUB_TOGGLE_ALWAYS_UV -> {
          store(settings.withAlwaysUv(!settings.alwaysUv()));
          log.info("FIDO alwaysUv {}", !settings.alwaysUv() ? "on" : "off");
        }
        case SUB_SET_MIN_PIN_LENGTH -> setMinPinLength(settings, subParams);
        default ->
            throw new CtapException(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND, "subCommand " + sub);
      }
      log.debug("CTAP2 CONFIG subcommand 0x{} -> CTAP2_OK", String.format("%02X", sub));
      return CtapStatus.CTAP2_OK.response();
    } catch (CtapException e) {
      log.debug("CTAP2 CONFIG subcommand {} -> {}", sub, e.getMessage());
      return e.status().response();
    }
  }

  /** setMinPINLength (6.11.4). */
  private void setMinPinLength(FidoSettings settings, Optional<CborParams> subParams) {
    Optional<Long> newLength = Optional.empty();
    Optional<List<String>> rpIds = Optional.empty();
    boolean forceChangePin = false;
    if (subParams.isPresent()) {
      CborParams p = subParams.get();
      newLength = p.optionalInt(PARAM_NEW_MIN_PIN_LENGTH, "newMinPINLength");
      Optional<CBORObject> ids = p.optionalArray(PARAM_MIN_PIN_LENGTH_RPIDS, "minPinLengthRPIDs");
      if (ids.isPresent()) {
        List<String> list = new ArrayList<>();
        for (CBORObject id : ids.get().getValues()) {
          list.add(CborParams.asText(id, "minPinLengthRPIDs entry"));
        }
        rpIds = Optional.of(list);
      }
      forceChangePin = p.optionalBool(PARAM_FORCE_CHANGE_PIN, "forceChangePin").orElse(false);
    }
    int length = newLength.map(Long::intValue).orElse(settings.minPinLength());
    if (newLength.isPresent() && (newLength.get() < settings.minPinLength())) {
      throw new CtapException(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION, "minimum would shrink");
    }
    if (newLength.isPresent() && newLength.get() > MAX_MIN_PIN_LENGTH) {
      throw new CtapException(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION, "minimum above 63");
    }
    if (rpIds.isPresent() && rpIds.get().size() > FidoSettings.MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH) {
      throw new CtapException(CtapStatus.CTAP2_ERR_KEY_STORE_FULL, "too many RP IDs");
    }
    boolean pinSet = clientPin != null && clientPin.isPinSet();
    if (forceChangePin && !pinSet) {
      throw new CtapException(CtapStatus.CTAP2_ERR_PIN_NOT_SET, "forceChangePin without a PIN");
    }
    boolean force = settings.forcePinChange() || forceChangePin;
    // the current PIN is shorter than the new minimum; a PIN of unknown length (set before its
    // length was recorded) counts as the shortest one allowed then
    int currentLength =
        clientPin == null ? 0 : clientPin.pinLength().orElse(ClientPin.MIN_PIN_LENGTH);
    if (pinSet && currentLength < length) {
      force = true;
    }
    store(
        settings
            .withMinPinLength(length, rpIds.orElse(settings.minPinLengthRpIds()))
            .withForcePinChange(force));
    log.info("FIDO minimum PIN length {}, forcePINChange {}", length, force);
  }

  /** 32×0xFF || 0x0D || uint8(subCommand) || subCommandParams (6.11, step 4). */
  private static byte[] authenticatedMessage(int sub, CborParams params) {
    byte[] subParams = params.get(KEY_SUB_COMMAND_PARAMS).map(CtapCbor::encode).orElse(new byte[0]);
    return Bytes.concat(LargeBlobs.filled32(), new byte[] {CMD_CONFIG, (byte) sub}, subParams);
  }

  private void store(FidoSettings settings) {
    try {
      state.update(settings::store);
    } catch (IOException e) {
      log.warn("CONFIG: cannot write the state file: {}", e.getMessage());
      throw new CtapException(CtapStatus.CTAP1_ERR_OTHER, "state file write failed");
    }
  }
}
