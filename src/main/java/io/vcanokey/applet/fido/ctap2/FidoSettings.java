package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.storage.StateFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings authenticatorConfig changes (CTAP 2.1, 6.11): alwaysUv (6.11.2), the minimum PIN
 * length with the RP IDs allowed to read it and forcePINChange (6.11.4). authenticatorReset (6.6)
 * restores the defaults by deleting the record.
 *
 * <p>State: the record {@value #RECORD} holds a CBOR map {1: alwaysUv, 2: minPINLength, 3: [RP
 * IDs], 4: forcePINChange}; an absent record or member takes the default ({@link #DEFAULTS}).
 *
 * @param alwaysUv every makeCredential and getAssertion needs user verification (getInfo alwaysUv)
 * @param minPinLength shortest PIN in Unicode code points that setPIN and changePIN accept
 * @param minPinLengthRpIds RP IDs whose makeCredential may read minPinLength (CTAP 2.1, 12.4)
 * @param forcePinChange the PIN must be changed before a token is issued (getInfo forcePINChange)
 */
public record FidoSettings(
    boolean alwaysUv, int minPinLength, List<String> minPinLengthRpIds, boolean forcePinChange) {

  /** State record of the settings. */
  public static final String RECORD = "fido/config";

  /** The factory settings: alwaysUv false, minimum PIN length 4 (6.4), no RP IDs, no force. */
  public static final FidoSettings DEFAULTS =
      new FidoSettings(false, ClientPin.MIN_PIN_LENGTH, List.of(), false);

  /**
   * Most RP IDs setMinPINLength stores (getInfo maxRPIDsForSetMinPINLength, 0x10). Eight RP IDs of
   * up to 253 characters stay far below the state file's record limit.
   */
  public static final int MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH = 8;

  private static final int KEY_ALWAYS_UV = 1;
  private static final int KEY_MIN_PIN_LENGTH = 2;
  private static final int KEY_RP_IDS = 3;
  private static final int KEY_FORCE_PIN_CHANGE = 4;

  public FidoSettings {
    minPinLengthRpIds = List.copyOf(minPinLengthRpIds);
  }

  /** The settings stored in {@code state}, or the defaults; a damaged record reads as defaults. */
  public static FidoSettings load(StateFile state) {
    return state.get(RECORD).map(FidoSettings::decode).orElse(DEFAULTS);
  }

  /** Adds the write of these settings to {@code tx}. */
  public void store(StateFile.Transaction tx) {
    tx.put(RECORD, encode());
  }

  public FidoSettings withAlwaysUv(boolean value) {
    return new FidoSettings(value, minPinLength, minPinLengthRpIds, forcePinChange);
  }

  public FidoSettings withMinPinLength(int value, List<String> rpIds) {
    return new FidoSettings(alwaysUv, value, rpIds, forcePinChange);
  }

  public FidoSettings withForcePinChange(boolean value) {
    return new FidoSettings(alwaysUv, minPinLength, minPinLengthRpIds, value);
  }

  byte[] encode() {
    CBORObject map = CBORObject.NewMap();
    map.Add(KEY_ALWAYS_UV, alwaysUv);
    map.Add(KEY_MIN_PIN_LENGTH, minPinLength);
    CBORObject ids = CBORObject.NewArray();
    minPinLengthRpIds.forEach(ids::Add);
    map.Add(KEY_RP_IDS, ids);
    map.Add(KEY_FORCE_PIN_CHANGE, forcePinChange);
    return CtapCbor.encode(map);
  }

  static FidoSettings decode(byte[] stored) {
    try {
      CBORObject map = CBORObject.DecodeFromBytes(stored);
      boolean alwaysUv = map.GetOrDefault(KEY_ALWAYS_UV, CBORObject.False).AsBoolean();
      int minPinLength =
          map.GetOrDefault(KEY_MIN_PIN_LENGTH, CBORObject.FromObject(ClientPin.MIN_PIN_LENGTH))
              .AsInt32Value();
      List<String> ids = new ArrayList<>();
      CBORObject stored3 = map.GetOrDefault(KEY_RP_IDS, CBORObject.NewArray());
      if (stored3.getType() == CBORType.Array) {
        for (CBORObject id : stored3.getValues()) {
          ids.add(id.AsString());
        }
      }
      boolean force = map.GetOrDefault(KEY_FORCE_PIN_CHANGE, CBORObject.False).AsBoolean();
      return new FidoSettings(
          alwaysUv, Math.max(minPinLength, ClientPin.MIN_PIN_LENGTH), ids, force);
    } catch (RuntimeException e) {
      return DEFAULTS;
    }
  }
}
