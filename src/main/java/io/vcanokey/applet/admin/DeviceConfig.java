package io.vcanokey.applet.admin;

import io.vcanokey.storage.StateFile;

/**
 * The key's device settings, the reference key's {@code admin_cfg} file (canokey-core inventory,
 * section 8): LED normally on, NDEF applet enabled, WebUSB landing page enabled. All three are on
 * by default.
 *
 * <p>Stored as record {@value #RECORD} holding one byte of flags: bit 0 LED, bit 1 NDEF, bit 2
 * WebUSB landing. A missing or malformed record means the defaults.
 *
 * @param ledOn whether the LED is normally on (the virtual key has no LED; kept for the console)
 * @param ndefEnabled whether the NDEF applet answers SELECT
 * @param webUsbLanding whether the WebUSB landing page is announced
 */
public record DeviceConfig(boolean ledOn, boolean ndefEnabled, boolean webUsbLanding) {

  public static final String RECORD = "admin/config";

  static final int FLAG_LED_ON = 0x01;
  static final int FLAG_NDEF_ENABLED = 0x02;
  static final int FLAG_WEBUSB_LANDING = 0x04;

  /** The reference key's defaults (inventory 8): everything on. */
  public static final DeviceConfig DEFAULT = new DeviceConfig(true, true, true);

  /** The settings stored in {@code state}, or the defaults. */
  public static DeviceConfig read(StateFile state) {
    return state.get(RECORD).filter(v -> v.length == 1).map(v -> decode(v[0])).orElse(DEFAULT);
  }

  static DeviceConfig decode(byte flags) {
    return new DeviceConfig(
        (flags & FLAG_LED_ON) != 0,
        (flags & FLAG_NDEF_ENABLED) != 0,
        (flags & FLAG_WEBUSB_LANDING) != 0);
  }

  /** The one-byte record value. */
  public byte[] encode() {
    int flags =
        (ledOn ? FLAG_LED_ON : 0)
            | (ndefEnabled ? FLAG_NDEF_ENABLED : 0)
            | (webUsbLanding ? FLAG_WEBUSB_LANDING : 0);
    return new byte[] {(byte) flags};
  }

  DeviceConfig withLedOn(boolean value) {
    return new DeviceConfig(value, ndefEnabled, webUsbLanding);
  }

  DeviceConfig withNdefEnabled(boolean value) {
    return new DeviceConfig(ledOn, value, webUsbLanding);
  }

  DeviceConfig withWebUsbLanding(boolean value) {
    return new DeviceConfig(ledOn, ndefEnabled, value);
  }
}
