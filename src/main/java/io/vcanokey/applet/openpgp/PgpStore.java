package io.vcanokey.applet.openpgp;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenPGP applet's records in the key's state file, all under {@value #PREFIX} (the format is
 * in the package documentation). Reads go to the state file every time, so every card session sees
 * each change; writes are atomic and durable, and a failed write answers 6581 with nothing changed.
 */
final class PgpStore {

  private static final Logger log = LoggerFactory.getLogger(PgpStore.class);

  static final String PREFIX = "pgp/";
  static final String TERMINATED = PREFIX + "terminated";
  static final String SIGNATURE_COUNTER = PREFIX + "sig-count";
  static final String PW1_VALID_MULTIPLE = PREFIX + "pw1-multi";

  private final StateFile state;

  PgpStore(StateFile state) {
    this.state = state;
  }

  /** Record of a simple data object, by tag: "pgp/do-5F50". */
  static String dataObject(int tag) {
    return String.format("%sdo-%04X", PREFIX, tag);
  }

  static String attributes(KeySlot slot) {
    return PREFIX + "attr-" + slot.number;
  }

  static String key(KeySlot slot) {
    return PREFIX + "key-" + slot.number;
  }

  static String certificate(int occurrence) {
    return PREFIX + "cert-" + occurrence;
  }

  Optional<byte[]> get(String name) {
    return state.get(name);
  }

  byte[] getOrEmpty(String name) {
    return state.get(name).orElseGet(() -> new byte[0]);
  }

  boolean terminated() {
    return state.get(TERMINATED).isPresent();
  }

  /** Applies {@code changes} atomically and durably; 6581 if the state file cannot be written. */
  void update(Consumer<StateFile.Transaction> changes) {
    try {
      state.update(changes);
    } catch (IOException e) {
      log.warn("OpenPGP: cannot write the state file: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }

  /** Sets or, for an empty value, deletes one record. */
  void putOrDelete(String name, byte[] value) {
    update(
        tx -> {
          if (value.length == 0) {
            tx.delete(name);
          } else {
            tx.put(name, value);
          }
        });
  }

  /** Deletes every OpenPGP record in {@code tx}: the factory state. */
  void deleteAll(StateFile.Transaction tx) {
    for (String name : state.names()) {
      if (name.startsWith(PREFIX)) {
        tx.delete(name);
      }
    }
  }
}
