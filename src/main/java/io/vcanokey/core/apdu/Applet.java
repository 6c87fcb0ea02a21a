package io.vcanokey.core.apdu;

import java.util.OptionalInt;

/**
 * An application on the card, reached through {@link CardOs} after a SELECT by its AID (ISO/IEC
 * 7816-4:2005, 7.1.1 SELECT with P1 = 04, selection by DF name).
 *
 * <p>Methods may throw {@link StatusException} to answer with a status word; the card OS turns it
 * into the response. Any other exception is treated as a bug in the applet and answered with 6F00.
 * Every method runs on the key's single thread.
 */
public interface Applet {

  /**
   * The application identifier (5 to 16 bytes, ISO/IEC 7816-5: RID plus PIX). A SELECT whose data
   * field starts with these bytes reaches this applet. Returns a copy.
   */
  byte[] aid();

  /**
   * The applet was chosen by a SELECT by DF name whose data starts with {@link #aid()}. Returns the
   * SELECT response (FCI or other data, and SW). Throwing a {@link StatusException} refuses the
   * selection: the previously selected applet, if any, stays selected.
   */
  ResponseApdu select(CommandApdu select);

  /**
   * Processes one command APDU while this applet is selected. The card OS has already joined a
   * command chain (CLA bit 10) into one command with the chaining bit cleared, checked the length
   * encoding and kept Nc within its buffer. The response may be of any length: the card OS sends at
   * most Ne bytes at a time and hands out the rest with 61XX and GET RESPONSE.
   */
  ResponseApdu process(CommandApdu command);

  /**
   * Forgets session state (verified PINs, pending operations): another applet was selected or the
   * card was powered off or on. May be called when the applet is not selected; must not throw.
   */
  void deselect();

  /**
   * The instruction of this applet's own "send remaining data" command, which the card OS accepts
   * besides GET RESPONSE (C0) to fetch the rest of a long response after a 61XX: A5 for YKOATH.
   * Empty when the applet has none.
   */
  default OptionalInt sendRemainingIns() {
    return OptionalInt.empty();
  }

  /** A short name for logs; the class name by default. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Whether the data field of {@code command} is secret (PIN, key material) and must be blanked in
   * traces. The card OS already blanks VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER for
   * every applet; an applet adds its own secret-carrying commands here (key import, OATH PUT).
   */
  default boolean carriesSecret(CommandApdu command) {
    return false;
  }

  /**
   * Whether the response data to {@code command} (a whole command, its chain joined) is secret and
   * must be blanked in traces, in every piece GET RESPONSE hands out: a deciphered session key, a
   * shared secret, a stored key that the host reads back, one-time codes.
   */
  default boolean answerCarriesSecret(CommandApdu command) {
    return false;
  }
}
