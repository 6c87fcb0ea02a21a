package io.vcanokey.core.apdu;

/**
 * Status words SW1-SW2 named by their meaning in ISO/IEC 7816-4:2005, section 5.1.3, tables 5 and
 * 6.
 *
 * <p>Values whose second byte carries a number (61XX, 63CX, 6CXX) have a base constant and a helper
 * that fills the number in.
 */
public final class StatusWords {

  // Normal processing (table 6, SW1 = 90 and 61).
  public static final int SW_NO_ERROR = 0x9000;

  /** 61XX: SW2 gives the number of response bytes still available (00 means 256 or more). */
  public static final int SW_BYTES_REMAINING_00 = 0x6100;

  // Warning processing, state of non-volatile memory unchanged (SW1 = 62).
  public static final int SW_WARNING_STATE_UNCHANGED = 0x6200;
  public static final int SW_DATA_MAY_BE_CORRUPTED = 0x6281;
  public static final int SW_END_OF_FILE_REACHED = 0x6282;
  public static final int SW_SELECTED_FILE_DEACTIVATED = 0x6283;
  public static final int SW_FCI_NOT_FORMATTED = 0x6284;
  public static final int SW_SELECTED_FILE_TERMINATED = 0x6285;

  // Warning processing, state of non-volatile memory changed (SW1 = 63).
  public static final int SW_WARNING_STATE_CHANGED = 0x6300;

  /** 63CX: counter X (0 to 15), for VERIFY the number of tries left. */
  public static final int SW_COUNTER_0 = 0x63C0;

  // Execution errors (SW1 = 64, 65).
  public static final int SW_EXECUTION_ERROR = 0x6400;
  public static final int SW_MEMORY_FAILURE = 0x6581;

  /** 6600: security-related issues (ISO/IEC 7816-4:2005, table 6; OpenPGP card 3.4 for UIF). */
  public static final int SW_SECURITY_ISSUE = 0x6600;

  // Checking errors (SW1 = 67 to 6F).
  public static final int SW_WRONG_LENGTH = 0x6700;
  public static final int SW_LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881;
  public static final int SW_SECURE_MESSAGING_NOT_SUPPORTED = 0x6882;
  public static final int SW_LAST_COMMAND_OF_CHAIN_EXPECTED = 0x6883;
  public static final int SW_COMMAND_CHAINING_NOT_SUPPORTED = 0x6884;
  public static final int SW_COMMAND_NOT_ALLOWED = 0x6900;
  public static final int SW_COMMAND_INCOMPATIBLE_WITH_FILE_STRUCTURE = 0x6981;
  public static final int SW_SECURITY_STATUS_NOT_SATISFIED = 0x6982;
  public static final int SW_AUTHENTICATION_METHOD_BLOCKED = 0x6983;
  public static final int SW_REFERENCE_DATA_NOT_USABLE = 0x6984;
  public static final int SW_CONDITIONS_OF_USE_NOT_SATISFIED = 0x6985;
  public static final int SW_COMMAND_NOT_ALLOWED_NO_CURRENT_EF = 0x6986;
  public static final int SW_EXPECTED_SM_DATA_OBJECTS_MISSING = 0x6987;
  public static final int SW_INCORRECT_SM_DATA_OBJECTS = 0x6988;
  public static final int SW_WRONG_DATA = 0x6A80;
  public static final int SW_FUNCTION_NOT_SUPPORTED = 0x6A81;
  public static final int SW_FILE_NOT_FOUND = 0x6A82;
  public static final int SW_RECORD_NOT_FOUND = 0x6A83;
  public static final int SW_NOT_ENOUGH_MEMORY = 0x6A84;
  public static final int SW_NC_INCONSISTENT_WITH_TLV = 0x6A85;
  public static final int SW_INCORRECT_P1P2 = 0x6A86;
  public static final int SW_NC_INCONSISTENT_WITH_P1P2 = 0x6A87;
  public static final int SW_REFERENCED_DATA_NOT_FOUND = 0x6A88;
  public static final int SW_FILE_ALREADY_EXISTS = 0x6A89;
  public static final int SW_DF_NAME_ALREADY_EXISTS = 0x6A8A;
  public static final int SW_WRONG_P1P2 = 0x6B00;

  /** 6CXX: wrong Le; SW2 gives the exact number of available bytes. */
  public static final int SW_WRONG_LE_00 = 0x6C00;

  public static final int SW_INS_NOT_SUPPORTED = 0x6D00;
  public static final int SW_CLA_NOT_SUPPORTED = 0x6E00;
  public static final int SW_UNKNOWN = 0x6F00;

  private StatusWords() {}

  /** 61XX for {@code remaining} bytes; 6100 when 256 or more remain (ISO/IEC 7816-4, 5.1.3). */
  public static int bytesRemaining(int remaining) {
    if (remaining < 1) {
      throw new IllegalArgumentException("remaining must be positive, got " + remaining);
    }
    return SW_BYTES_REMAINING_00 | (remaining > 0xFF ? 0 : remaining);
  }

  /** 63CX with counter {@code counter} (0 to 15). */
  public static int counter(int counter) {
    if (counter < 0 || counter > 0x0F) {
      throw new IllegalArgumentException("counter must be 0 to 15, got " + counter);
    }
    return SW_COUNTER_0 | counter;
  }

  /** 6CXX telling the terminal to resend with Le = {@code available} (256 encodes as 00). */
  public static int wrongLe(int available) {
    if (available < 1 || available > 256) {
      throw new IllegalArgumentException("available must be 1 to 256, got " + available);
    }
    return SW_WRONG_LE_00 | (available & 0xFF);
  }

  /** True for 9000 and 61XX, the two normal-processing codes. */
  public static boolean isNormal(int sw) {
    return sw == SW_NO_ERROR || (sw & 0xFF00) == SW_BYTES_REMAINING_00;
  }

  /** "6A82", for logs. */
  public static String format(int sw) {
    return String.format("%04X", sw);
  }
}
