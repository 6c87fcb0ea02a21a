package io.vcanokey.applet.fido.ctap2;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.key.Provisioning;
import java.io.IOException;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorReset (CTAP 2.1, section 6.6) and authenticatorSelection (6.9), the two commands
 * that do nothing but ask for a touch and then act.
 *
 * <p>Reset is allowed only within {@link #RESET_WINDOW_NANOS} of power-up (CTAP2_ERR_NOT_ALLOWED
 * after; the window counts when the request arrives, not when the user answers), and only with user
 * presence (CTAP2_ERR_OPERATION_DENIED when refused, CTAP2_ERR_USER_ACTION_TIMEOUT when nobody
 * answers). It then erases in one atomic update every FIDO record but the attestation key and
 * certificates: the PIN and its length, the discoverable credentials, the large-blob array and the
 * authenticatorConfig settings (all back to their defaults), and writes a new key-handle key and
 * hmac-secret key, so every credential ID and U2F key handle issued before stops working. The
 * global signature counter goes back to 0, as the reference key does (inventory 3.10): every
 * credential that ever showed the old value dies with the old key-handle key, so no relying party
 * can see the counter go backwards, and a fresh value does not link the key's new registrations to
 * its old ones.
 *
 * <p>Power-up is construction time and each {@link #powerUp()} (USB reset, QEMU attach), on the
 * injected clock.
 *
 * <p>Threading: key thread only.
 */
public final class AuthenticatorReset {

  private static final Logger log = LoggerFactory.getLogger(AuthenticatorReset.class);

  /** How long after power-up authenticatorReset is allowed (6.6: 10 seconds). */
  public static final long RESET_WINDOW_NANOS = 10_000_000_000L;

  /** Records authenticatorReset keeps: the attestation material (inventory 3.10). */
  static final Set<String> KEPT_RECORDS =
      Set.of(
          Provisioning.ATTESTATION_KEY,
          Provisioning.ATTESTATION_CERT,
          Provisioning.ATTESTATION_ROOT_CERT);

  /** Name prefix of every FIDO record in the state file. */
  static final String FIDO_PREFIX = "fido/";

  /** Length of the key-handle key and the hmac-secret key (inventory 3.9). */
  static final int KEY_LENGTH = 32;

  private final AppletContext context;
  private final ClientPin clientPin;
  private final LargeBlobs largeBlobs;
  private final LongSupplier nanoTime;
  private long poweredUpAt;

  /**
   * The commands over {@code context}'s state.
   *
   * @param clientPin starts afresh after a reset; null for a key without PIN support
   * @param largeBlobs forgets a half-written array after a reset; may be null
   * @param nanoTime the clock of the reset window, as {@link System#nanoTime()}
   */
  public AuthenticatorReset(
      AppletContext context, ClientPin clientPin, LargeBlobs largeBlobs, LongSupplier nanoTime) {
    this.context = context;
    this.clientPin = clientPin;
    this.largeBlobs = largeBlobs;
    this.nanoTime = nanoTime;
    this.poweredUpAt = nanoTime.getAsLong();
  }

  /** Power-up: the reset window opens again. */
  public void powerUp() {
    poweredUpAt = nanoTime.getAsLong();
  }

  /**
   * authenticatorReset (6.6).
   *
   * @return the status byte
   */
  public byte[] reset(RequestPresence touch) {
    try {
      // The window counts when the request arrives, not when the user answers its prompt.
      if (!touch.answered() && nanoTime.getAsLong() - poweredUpAt > RESET_WINDOW_NANOS) {
        throw new CtapException(CtapStatus.CTAP2_ERR_NOT_ALLOWED, "more than 10 s after power-up");
      }
      requireUserPresence(touch, "FIDO: erase every credential and the PIN (reset)");

      byte[] khKey = new byte[KEY_LENGTH];
      byte[] heKey = new byte[KEY_LENGTH];
      context.random().nextBytes(khKey);
      context.random().nextBytes(heKey);
      try {
        context
            .state()
            .update(
                tx -> {
                  for (String name : context.state().names()) {
                    if (name.startsWith(FIDO_PREFIX) && !KEPT_RECORDS.contains(name)) {
                      tx.delete(name);
                    }
                  }
                  tx.put(Provisioning.KEY_HANDLE_KEY, khKey)
                      .put(Provisioning.HMAC_SECRET_KEY, heKey)
                      .put(Provisioning.SIGNATURE_COUNTER, new byte[4]);
                });
      } catch (IOException e) {
        log.warn("RESET: cannot write the state file: {}", e.getMessage());
        throw new CtapException(CtapStatus.CTAP1_ERR_OTHER, "state file write failed");
      }
      if (clientPin != null) {
        clientPin.powerUp(); // no token, new key agreement key, mismatch count 0
      }
      if (largeBlobs != null) {
        largeBlobs.abandonPendingWrite();
      }
      log.info("FIDO reset: credentials, PIN, large blobs and settings erased");
      log.debug("CTAP2 RESET -> CTAP2_OK");
      return CtapStatus.CTAP2_OK.response();
    } catch (CtapException e) {
      log.debug("CTAP2 RESET -> {}", e.getMessage());
      return e.status().response();
    }
  }

  /**
   * authenticatorSelection (6.9): CTAP2_OK once the user touches the key, else
   * CTAP2_ERR_OPERATION_DENIED.
   *
   * @return the status byte
   */
  public byte[] select(RequestPresence touch) {
    try {
      requireUserPresence(touch, "FIDO: select this key");
      log.debug("CTAP2 SELECTION -> CTAP2_OK");
      return CtapStatus.CTAP2_OK.response();
    } catch (CtapException e) {
      log.debug("CTAP2 SELECTION -> {}", e.getMessage());
      return e.status().response();
    }
  }

  /**
   * The test of user presence of reset and selection (6.6, 6.9): a refusal is
   * CTAP2_ERR_OPERATION_DENIED, no answer in time CTAP2_ERR_USER_ACTION_TIMEOUT.
   */
  private static void requireUserPresence(RequestPresence touch, String purpose) {
    switch (touch.require(purpose)) {
      case GRANTED -> {}
      case REFUSED ->
          throw new CtapException(CtapStatus.CTAP2_ERR_OPERATION_DENIED, "user presence refused");
      case TIMED_OUT ->
          throw new CtapException(
              CtapStatus.CTAP2_ERR_USER_ACTION_TIMEOUT, "user presence timed out");
    }
  }
}
