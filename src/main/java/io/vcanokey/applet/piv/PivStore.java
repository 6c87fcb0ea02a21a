package io.vcanokey.applet.piv;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PIV applet's records in the key's state file, all under {@value #PREFIX} (the formats are in
 * the package documentation). Reads go to the state file every time, so every card session sees
 * each change; writes are atomic and durable, and a failed write answers 6581 with nothing changed.
 */
final class PivStore {

  private static final Logger log = LoggerFactory.getLogger(PivStore.class);

  static final String PREFIX = "piv/";

  /** Present once the defaults with random parts (CHUID, CCC, attestation key) were written. */
  static final String PROVISIONED = PREFIX + "provisioned";

  static final String MANAGEMENT_KEY = PREFIX + "mgmt-key";

  /** The key's serial number, written by the key's first-use provisioning (admin package). */
  static final String SERIAL_NUMBER = "admin/sn";

  private final StateFile state;

  PivStore(StateFile state) {
    this.state = state;
  }

  /** Record of a data object, by its tag: "piv/obj-5FC102", "piv/obj-7E". */
  static String dataObject(int tag) {
    return String.format("%sobj-%X", PREFIX, tag);
  }

  /** Record of the private key in a slot: "piv/key-9A". */
  static String key(int slot) {
    return String.format("%skey-%02X", PREFIX, slot);
  }

  Optional<byte[]> get(String name) {
    return state.get(name);
  }

  /** Applies {@code changes} atomically and durably; 6581 if the state file cannot be written. */
  void update(Consumer<StateFile.Transaction> changes) {
    try {
      state.update(changes);
    } catch (IOException e) {
      log.warn("PIV: cannot write the state file: {}", e.getMessage());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }

  /** Every PIV record name, for a reset. */
  Iterable<String> names() {
    return state.names().stream().filter(n -> n.startsWith(PREFIX)).toList();
  }
}
