package io.vcanokey.applet.ndef;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NFC Forum Type 4 Tag (Type 4 Tag Operation Specification 2.0, section 5): the capability
 * container file E103 and the NDEF file 0001, read with READ BINARY and written with UPDATE BINARY
 * (ISO/IEC 7816-4:2005, 7.2.3 and 7.2.5), with the reference key's sizes, default content and
 * status words (canokey-core inventory, section 7).
 *
 * <p>Session state is the selected file only; the file content and the read-only flag are read from
 * the state file on every command. See the package documentation for the records and for the
 * decisions on out-of-range offsets.
 */
public final class NdefApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(NdefApplet.class);

  /** NDEF Tag Application name, version 2.0 (T4T 2.0, section 5.4.2). */
  private static final byte[] AID = {(byte) 0xD2, 0x76, 0x00, 0x00, (byte) 0x85, 0x01, 0x01};

  /** Record names; see the package documentation. */
  public static final String RECORD_PREFIX = "ndef/";

  public static final String RECORD_FILE = "ndef/file";
  public static final String RECORD_READ_ONLY = "ndef/read-only";

  static final int CLA_ISO = 0x00;
  static final int INS_SELECT = 0xA4;
  static final int INS_READ_BINARY = 0xB0;
  static final int INS_UPDATE_BINARY = 0xD6;

  /** ISO/IEC 7816-4:2005, 7.1.1, table 39: P1 00 selects by file identifier. */
  static final int P1_SELECT_BY_FILE_ID = 0x00;

  /** P2 0C: first or only occurrence, no response data (T4T 2.0); 00 returns FCI (T4T 1.0). */
  static final int P2_NO_RESPONSE_DATA = 0x0C;

  static final int P2_RETURN_FCI = 0x00;

  /** File identifiers (T4T 2.0, sections 5.1 and 5.4.3; inventory 7). */
  static final int FILE_ID_CC = 0xE103;

  static final int FILE_ID_NDEF = 0x0001;

  /** Size of the NDEF file: 2 bytes NLEN plus a message of up to 1022 bytes (inventory 7). */
  public static final int NDEF_FILE_SIZE = 1024;

  /** NDEF file write access condition (T4T 2.0, 5.1.2.1): 00 granted, FF no write access. */
  static final int WRITE_ACCESS_GRANTED = 0x00;

  static final int WRITE_ACCESS_NONE = 0xFF;

  /** Largest Le and Lc the tag accepts, announced as MLe and MLc in the CC (inventory 7). */
  static final int MAX_LE = 0x0400;

  static final int MAX_LC = 0x0400;

  /** The default NDEF file content before its zero padding (inventory 7). */
  private static final byte[] DEFAULT_MESSAGE = defaultMessage();

  private enum SelectedFile {
    NONE,
    CAPABILITY_CONTAINER,
    NDEF
  }

  private final StateFile state;
  private final BooleanSupplier enabled;
  private SelectedFile selected = SelectedFile.NONE;

  /**
   * An NDEF applet over the key's state.
   *
   * @param context the key's applet context
   * @param enabled whether the admin setting "NDEF enabled" is on; read at every SELECT
   */
  public NdefApplet(AppletContext context, BooleanSupplier enabled) {
    this.state = context.state();
    this.enabled = Objects.requireNonNull(enabled, "enabled");
  }

  @Override
  public byte[] aid() {
    return AID.clone();
  }

  @Override
  public String name() {
    return "NDEF";
  }

  /** SELECT by AID: 9000 with no data, or 6A82 while the admin setting turns the tag off. */
  @Override
  public ResponseApdu select(CommandApdu select) {
    if (!enabled.getAsBoolean()) {
      throw new StatusException(StatusWords.SW_FILE_NOT_FOUND);
    }
    selected = SelectedFile.NONE;
    return ResponseApdu.success();
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    if (command.cla() != CLA_ISO) {
      throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
    }
    return switch (command.ins()) {
      case INS_SELECT -> selectFile(command);
      case INS_READ_BINARY -> readBinary(command);
      case INS_UPDATE_BINARY -> updateBinary(command);
      default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    };
  }

  @Override
  public void deselect() {
    selected = SelectedFile.NONE;
  }

  /** The capability container (T4T 2.0, section 5.1, table 4; inventory 7), 15 bytes. */
  static byte[] capabilityContainer(boolean readOnly) {
    return new byte[] {
      0x00,
      0x0F, // CCLEN: 15 bytes
      0x20, // mapping version 2.0
      (byte) (MAX_LE >> 8),
      (byte) MAX_LE, // MLe
      (byte) (MAX_LC >> 8),
      (byte) MAX_LC, // MLc
      0x04, // T: NDEF File Control TLV
      0x06, // L
      (byte) (FILE_ID_NDEF >> 8),
      (byte) FILE_ID_NDEF, // NDEF file identifier
      (byte) (NDEF_FILE_SIZE >> 8),
      (byte) NDEF_FILE_SIZE, // maximum NDEF file size
      0x00, // read access: granted
      (byte) (readOnly ? WRITE_ACCESS_NONE : WRITE_ACCESS_GRANTED) // write access
    };
  }

  /** The default NDEF file: NLEN then the default message, zero padded to 1024 bytes. */
  public static byte[] defaultFile() {
    return Arrays.copyOf(DEFAULT_MESSAGE, NDEF_FILE_SIZE);
  }

  private ResponseApdu selectFile(CommandApdu command) {
    if (command.p1() != P1_SELECT_BY_FILE_ID
        || (command.p2() != P2_NO_RESPONSE_DATA && command.p2() != P2_RETURN_FCI)) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    byte[] id = command.data();
    if (id.length != 2) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    int fileId = (id[0] & 0xFF) << 8 | (id[1] & 0xFF);
    selected =
        switch (fileId) {
          case FILE_ID_CC -> SelectedFile.CAPABILITY_CONTAINER;
          case FILE_ID_NDEF -> SelectedFile.NDEF;
          default -> throw new StatusException(StatusWords.SW_FILE_NOT_FOUND);
        };
    return ResponseApdu.success();
  }

  private ResponseApdu readBinary(CommandApdu command) {
    byte[] file =
        switch (selected) {
          case NONE -> throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
          case CAPABILITY_CONTAINER -> capabilityContainer(readOnly());
          case NDEF -> ndefFile();
        };
    int offset = offset(command);
    if (offset >= file.length) {
      throw new StatusException(StatusWords.SW_WRONG_P1P2);
    }

    // Le 00 (Ne 256) or extended 0000 (Ne 65536) asks for everything up to the end of the file
    // (ISO/IEC 7816-4:2005, 7.2.3); any other Le must fit inside the file (inventory 7).
    int ne = command.ne();
    boolean toEnd =
        ne == CommandApdu.EXTENDED_MAX_NE
            || (!command.extended() && ne == CommandApdu.SHORT_MAX_NE);
    int length;
    if (toEnd) {
      length = Math.min(ne, file.length - offset);
    } else if (offset + ne > file.length) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    } else {
      length = ne;
    }
    return ResponseApdu.success(Arrays.copyOfRange(file, offset, offset + length));
  }

  private ResponseApdu updateBinary(CommandApdu command) {
    switch (selected) {
      case NONE, CAPABILITY_CONTAINER ->
          throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      case NDEF -> {}
    }
    if (readOnly()) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    int offset = offset(command);
    if (offset >= NDEF_FILE_SIZE) {
      throw new StatusException(StatusWords.SW_WRONG_P1P2);
    }
    byte[] data = command.data();
    if (data.length == 0 || offset + data.length > NDEF_FILE_SIZE) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    byte[] file = ndefFile();
    System.arraycopy(data, 0, file, offset, data.length);
    try {
      state.put(RECORD_FILE, file);
    } catch (IOException e) {
      log.warn("ndef: cannot store the NDEF file: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
    return ResponseApdu.success();
  }

  /** P1-P2 as a 15-bit offset; with P1 bit 8 set (a short EF identifier) it is past any file. */
  private static int offset(CommandApdu command) {
    return command.p1() << 8 | command.p2();
  }

  private boolean readOnly() {
    return state.get(RECORD_READ_ONLY).map(v -> v.length == 1 && v[0] == 1).orElse(false);
  }

  private byte[] ndefFile() {
    return state
        .get(RECORD_FILE)
        .filter(file -> file.length == NDEF_FILE_SIZE)
        .orElseGet(NdefApplet::defaultFile);
  }

  private static byte[] defaultMessage() {
    byte[] uri = "canokeys.org".getBytes(StandardCharsets.US_ASCII);
    byte[] record = new byte[4 + 1 + uri.length];
    record[0] = (byte) 0xD1; // MB, ME, SR set; TNF 1: NFC Forum well-known type (NDEF 1.0, 3.2)
    record[1] = 0x01; // type length
    record[2] = (byte) (1 + uri.length); // payload length: URI identifier code + URI field
    record[3] = 'U'; // type "U": URI record (NFC Forum URI RTD 1.0)
    record[4] = 0x04; // URI identifier code 04: "https://" (URI RTD 1.0, table 3)
    System.arraycopy(uri, 0, record, 5, uri.length);
    byte[] file = new byte[2 + record.length];
    file[0] = (byte) (record.length >> 8); // NLEN (T4T 2.0, 5.1.3.1)
    file[1] = (byte) record.length;
    System.arraycopy(record, 0, file, 2, record.length);
    return file;
  }
}
