package io.vcanokey.applet.admin;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.ndef.NdefApplet;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CanoKey's admin applet (canokey-core inventory, section 8): admin PIN, version and serial number,
 * device settings, NDEF read-only switch, per-applet resets, factory reset and storage usage.
 *
 * <p>Every instruction except VERIFY, READ VERSION, READ SN and FACTORY RESET needs the admin PIN
 * verified in this session; before that it answers 6982. The instructions the virtual key has no
 * feature for (FIDO attestation key and certificate writes, SM2 settings, Pass settings, NFC
 * enable) answer as unknown ones do: 6982 before VERIFY, 6D00 after. See the package documentation
 * for the remaining decisions.
 */
public final class AdminApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(AdminApplet.class);

  /** Admin applet AID (inventory 1.8). */
  private static final byte[] AID = {(byte) 0xF0, 0x00, 0x00, 0x00, 0x00};

  /** The serial number record (written at first use by the key's provisioning). */
  public static final String RECORD_SERIAL_NUMBER = "admin/sn";

  // Instructions (inventory 8). Unsupported: 01 WRITE FIDO PRIVATE KEY, 02 WRITE FIDO CERT, 11 READ
  // CTAP SM2 CONFIG, 12 WRITE CTAP SM2 CONFIG, 14 NFC ENABLE, 43 READ PASS CONFIG, 44 WRITE PASS
  // CONFIG.
  static final int INS_SELECT = 0xA4;
  static final int INS_VERIFY = 0x20;
  static final int INS_CHANGE_PIN = 0x21;
  static final int INS_RESET_OPENPGP = 0x03;
  static final int INS_RESET_PIV = 0x04;
  static final int INS_RESET_OATH = 0x05;
  static final int INS_RESET_NDEF = 0x07;
  static final int INS_NDEF_READ_ONLY = 0x08;
  static final int INS_RESET_CTAP = 0x09;
  static final int INS_RESET_PASS = 0x13;
  static final int INS_WRITE_SN = 0x30;
  static final int INS_READ_VERSION = 0x31;
  static final int INS_READ_SN = 0x32;
  static final int INS_CONFIG = 0x40;
  static final int INS_FLASH_USAGE = 0x41;
  static final int INS_READ_CONFIG = 0x42;
  static final int INS_FACTORY_RESET = 0x50;
  static final int INS_VENDOR_SPECIFIC = 0xFF;

  // READ VERSION P1.
  static final int P1_FIRMWARE_VERSION = 0x00;
  static final int P1_HARDWARE_VARIANT = 0x01;

  // READ SN P1.
  static final int P1_SERIAL_NUMBER = 0x00;
  static final int P1_HARDWARE_SERIAL = 0x01;

  // CONFIG P1; the value is P2 bit 0.
  static final int P1_CONFIG_LED_ON = 0x01;
  static final int P1_CONFIG_NDEF_ENABLED = 0x04;
  static final int P1_CONFIG_WEBUSB_LANDING = 0x05;

  // NDEF READ-ONLY P1.
  static final int P1_NDEF_READ_WRITE = 0x00;
  static final int P1_NDEF_READ_ONLY = 0x01;

  /** The hardware variant string of the reference's QEMU build (inventory 0, 8). */
  static final String HARDWARE_VARIANT = "CanoKey QEMU";

  /** FACTORY RESET data field (inventory 8). */
  static final byte[] FACTORY_RESET_DATA = "RESET".getBytes(StandardCharsets.US_ASCII);

  static final int SERIAL_NUMBER_LENGTH = 4;

  /**
   * The storage capacity FLASH USAGE reports, in KiB: the reference's virtual flash (inventory
   * 10.1, 512-byte blocks x 256). The state file itself is not limited to it.
   */
  static final int CAPACITY_KIB = 128;

  private final StateFile state;
  private final UserPresence presence;
  private final SecureRandom random;
  private final AdminPin pin;
  private boolean verified;

  public AdminApplet(AppletContext context) {
    this.state = context.state();
    this.presence = context.presence();
    this.random = context.random();
    this.pin = new AdminPin(state);
  }

  @Override
  public byte[] aid() {
    return AID.clone();
  }

  @Override
  public String name() {
    return "Admin";
  }

  /** SELECT: 9000 with no data; the PIN must be verified again. */
  @Override
  public ResponseApdu select(CommandApdu select) {
    verified = false;
    return ResponseApdu.success();
  }

  @Override
  public void deselect() {
    verified = false;
  }

  /** CHANGE PIN carries the new PIN (VERIFY is blanked by the card OS already). */
  @Override
  public boolean carriesSecret(CommandApdu command) {
    return command.ins() == INS_CHANGE_PIN;
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    int ins = command.ins();
    if (needsPin(ins) && !verified) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    return switch (ins) {
      case INS_VERIFY -> verify(command);
      case INS_CHANGE_PIN -> changePin(command);
      case INS_READ_VERSION -> readVersion(command);
      case INS_READ_SN -> readSerialNumber(command);
      case INS_WRITE_SN -> writeSerialNumber(command);
      case INS_CONFIG -> config(command);
      case INS_READ_CONFIG -> readConfig();
      case INS_FLASH_USAGE -> flashUsage();
      case INS_NDEF_READ_ONLY -> ndefReadOnly(command);
      case INS_RESET_OPENPGP,
          INS_RESET_PIV,
          INS_RESET_OATH,
          INS_RESET_NDEF,
          INS_RESET_CTAP,
          INS_RESET_PASS ->
          resetApplet(AppletReset.fromIns(ins).orElseThrow());
      case INS_FACTORY_RESET -> factoryReset(command);
      case INS_VENDOR_SPECIFIC -> ResponseApdu.success(); // a hook that does nothing (inventory 8)
      // A SELECT the card OS did not take as SELECT by DF name (CLA other than 00, or P1-P2
      // other than 04 00).
      case INS_SELECT -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
      default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    };
  }

  private static boolean needsPin(int ins) {
    return switch (ins) {
      case INS_SELECT, INS_VERIFY, INS_READ_VERSION, INS_READ_SN, INS_FACTORY_RESET -> false;
      default -> true;
    };
  }

  /** VERIFY (ISO/IEC 7816-4:2005, 7.5.6; inventory 8). */
  private ResponseApdu verify(CommandApdu command) {
    byte[] candidate = command.data();
    if (candidate.length == 0) {
      // No data: report the status without spending a try (ISO/IEC 7816-4:2005, 7.5.6).
      if (pin.blocked()) {
        throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
      }
      if (verified) {
        return ResponseApdu.success();
      }
      throw new StatusException(StatusWords.counter(pin.retries()));
    }
    if (!AdminPin.validLength(candidate)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    verified = false;
    boolean match;
    try {
      match = pin.verify(candidate);
    } finally {
      Arrays.fill(candidate, (byte) 0);
    }

    if (!match) {
      throw new StatusException(StatusWords.counter(pin.retries()));
    }
    verified = true;
    return ResponseApdu.success();
  }

  /** CHANGE PIN: data is the new PIN (6 to 64 bytes); the session must verify again. */
  private ResponseApdu changePin(CommandApdu command) {
    byte[] newPin = command.data();
    if (!AdminPin.validLength(newPin)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    try {
      pin.change(newPin);
    } finally {
      Arrays.fill(newPin, (byte) 0);
    }
    verified = false;
    log.info("admin: PIN changed");
    return ResponseApdu.success();
  }

  private ResponseApdu readVersion(CommandApdu command) {
    String version =
        switch (command.p1()) {
          case P1_FIRMWARE_VERSION -> FirmwareVersion.get();
          case P1_HARDWARE_VARIANT -> HARDWARE_VARIANT;
          default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
        };
    return ResponseApdu.success(version.getBytes(StandardCharsets.US_ASCII));
  }

  /** READ SN: P1 00 the 4-byte serial (Le, when present, at least 4); P1 01 one 00 byte. */
  private ResponseApdu readSerialNumber(CommandApdu command) {
    switch (command.p1()) {
      case P1_SERIAL_NUMBER -> {
        if (command.ne() > 0 && command.ne() < SERIAL_NUMBER_LENGTH) {
          throw new StatusException(StatusWords.SW_WRONG_LENGTH);
        }
        byte[] serial =
            state
                .get(RECORD_SERIAL_NUMBER)
                .filter(v -> v.length == SERIAL_NUMBER_LENGTH)
                .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
        return ResponseApdu.success(serial);
      }
      // The virtual key has no vendor hardware serial: one 00 byte, as the reference's virt build.
      case P1_HARDWARE_SERIAL -> {
        return ResponseApdu.success(new byte[1]);
      }
      default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
  }

  /** WRITE SN: 4 bytes, once; the key is provisioned with a serial, so normally 6985. */
  private ResponseApdu writeSerialNumber(CommandApdu command) {
    byte[] serial = command.data();
    if (serial.length != SERIAL_NUMBER_LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (state.get(RECORD_SERIAL_NUMBER).isPresent()) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }

    store(tx -> tx.put(RECORD_SERIAL_NUMBER, serial));
    log.info("admin: serial number written");
    return ResponseApdu.success();
  }

  private ResponseApdu config(CommandApdu command) {
    boolean value = (command.p2() & 0x01) != 0;
    DeviceConfig current = DeviceConfig.read(state);
    DeviceConfig next =
        switch (command.p1()) {
          case P1_CONFIG_LED_ON -> current.withLedOn(value);
          case P1_CONFIG_NDEF_ENABLED -> current.withNdefEnabled(value);
          case P1_CONFIG_WEBUSB_LANDING -> current.withWebUsbLanding(value);
          default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
        };

    store(tx -> tx.put(DeviceConfig.RECORD, next.encode()));
    log.info("admin: settings now {}", next);
    return ResponseApdu.success();
  }

  /** READ CONFIG: [LED on, 0, NDEF read-only, NDEF enabled, WebUSB landing, 0] (inventory 8). */
  private ResponseApdu readConfig() {
    DeviceConfig config = DeviceConfig.read(state);
    boolean ndefReadOnly =
        state.get(NdefApplet.RECORD_READ_ONLY).map(v -> v.length == 1 && v[0] == 1).orElse(false);
    return ResponseApdu.success(
        new byte[] {
          flag(config.ledOn()),
          0x00,
          flag(ndefReadOnly),
          flag(config.ndefEnabled()),
          flag(config.webUsbLanding()),
          0x00
        });
  }

  /** FLASH USAGE: [used KiB, capacity KiB]; used is the state file's size, rounded up. */
  private ResponseApdu flashUsage() {
    long bytes;
    try {
      bytes = Files.size(state.path());
    } catch (IOException e) {
      log.warn("admin: cannot read the state file's size: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
    long usedKib = Math.min((bytes + 1023) / 1024, 0xFF);
    return ResponseApdu.success(new byte[] {(byte) usedKib, (byte) CAPACITY_KIB});
  }

  private ResponseApdu ndefReadOnly(CommandApdu command) {
    switch (command.p1()) {
      case P1_NDEF_READ_WRITE -> store(tx -> tx.delete(NdefApplet.RECORD_READ_ONLY));
      case P1_NDEF_READ_ONLY -> store(tx -> tx.put(NdefApplet.RECORD_READ_ONLY, new byte[] {1}));
      default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    log.info("admin: NDEF file {}", command.p1() == P1_NDEF_READ_ONLY ? "read-only" : "writable");
    return ResponseApdu.success();
  }

  /** Per-applet reset: PIN verified (checked by the dispatcher), then a touch. */
  private ResponseApdu resetApplet(AppletReset reset) {
    requireTouch(reset.purpose());

    store(tx -> reset.apply(state, tx, random));
    log.info("admin: {}", reset.purpose());
    return ResponseApdu.success();
  }

  /**
   * FACTORY RESET (inventory 8): data "RESET", only with the admin PIN blocked, after a touch. One
   * transaction deletes every record except the serial number and the FIDO attestation material,
   * then writes the default admin PIN with 3 tries and fresh FIDO key-wrapping secrets.
   */
  private ResponseApdu factoryReset(CommandApdu command) {
    if (!Arrays.equals(command.data(), FACTORY_RESET_DATA)) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (!pin.blocked()) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    requireTouch("factory reset");

    store(
        tx -> {
          for (String name : state.names()) {
            if (!name.equals(RECORD_SERIAL_NUMBER)
                && !name.startsWith(AppletReset.FIDO_ATTESTATION_PREFIX)) {
              tx.delete(name);
            }
          }
          tx.put(AdminPin.RECORD_PIN, AdminPin.DEFAULT_PIN)
              .put(AdminPin.RECORD_RETRIES, new byte[] {(byte) AdminPin.DEFAULT_RETRIES});
          AppletReset.freshFidoSecrets(tx, random);
        });
    verified = false;
    log.info("admin: factory reset");
    return ResponseApdu.success();
  }

  /**
   * Asks the user-presence service; a refusal answers 6985 "conditions of use not satisfied"
   * (ISO/IEC 7816-4:2005, table 6): the command and the PIN are fine, a condition of the operation
   * (the touch) is not met. 6982 would claim a missing authentication, which the PIN already is.
   */
  private void requireTouch(String purpose) {
    if (!presence.confirm(purpose)) {
      log.info("admin: {} refused: no touch", purpose);
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
  }

  private void store(Consumer<StateFile.Transaction> changes) {
    try {
      state.update(changes);
    } catch (IOException e) {
      log.warn("admin: cannot write the state file: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }

  private static byte flag(boolean value) {
    return (byte) (value ? 1 : 0);
  }
}
