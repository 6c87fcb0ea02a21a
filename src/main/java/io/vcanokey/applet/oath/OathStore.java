package io.vcanokey.applet.oath;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OATH applet's persistent state in the key's {@link StateFile}: credentials, password key and
 * salt, in records under "oath/" (format in the package documentation). Reads go to the state file
 * on every call, so every card session sees each change; writes are atomic and durable when they
 * return, and a failed write answers 6581 with nothing applied.
 */
final class OathStore {

  private static final Logger log = LoggerFactory.getLogger(OathStore.class);

  static final String PREFIX = "oath/";
  static final String SALT = PREFIX + "salt";
  static final String PASSWORD_KEY = PREFIX + "key";
  static final String CREDENTIAL_PREFIX = PREFIX + "cred/";

  /** The salt and device identifier of SELECT tag 71: 8 random bytes. */
  static final int SALT_LENGTH = 8;

  /** The reference key holds at most 100 credentials (canokey-core inventory, section 6). */
  static final int MAX_CREDENTIALS = 100;

  private final StateFile state;
  private final SecureRandom random;

  OathStore(StateFile state, SecureRandom random) {
    this.state = state;
    this.random = random;
  }

  /** The salt, made and stored at the first call. */
  byte[] salt() {
    Optional<byte[]> salt = state.get(SALT);
    if (salt.isPresent()) {
      return salt.get();
    }
    byte[] fresh = newSalt();
    write(tx -> tx.put(SALT, fresh));
    return fresh;
  }

  /** The password key: its type-and-algorithm byte, then the HMAC key. Empty when none is set. */
  Optional<byte[]> passwordKey() {
    return state.get(PASSWORD_KEY);
  }

  void setPasswordKey(byte[] algorithmAndKey) {
    write(tx -> tx.put(PASSWORD_KEY, algorithmAndKey));
  }

  void removePasswordKey() {
    write(tx -> tx.delete(PASSWORD_KEY));
  }

  Optional<Credential> find(byte[] name) {
    return state.get(recordName(name)).map(stored -> Credential.decodeStored(name, stored));
  }

  /** Every credential, in the order of their record names (their names' hex forms). */
  List<Credential> all() {
    List<Credential> credentials = new ArrayList<>();
    for (String record : state.names()) {
      if (record.startsWith(CREDENTIAL_PREFIX)) {
        byte[] name = Hex.decode(record.substring(CREDENTIAL_PREFIX.length()));
        credentials.add(Credential.decodeStored(name, state.get(record).orElseThrow()));
      }
    }
    return credentials;
  }

  int count() {
    return (int) state.names().stream().filter(n -> n.startsWith(CREDENTIAL_PREFIX)).count();
  }

  /** Stores {@code credential}, replacing one of the same name. */
  void put(Credential credential) {
    write(tx -> tx.put(recordName(credential.name()), credential.encodeStored()));
  }

  /** Stores every credential of {@code credentials} in one atomic step. */
  void putAll(List<Credential> credentials) {
    write(
        tx -> {
          for (Credential credential : credentials) {
            tx.put(recordName(credential.name()), credential.encodeStored());
          }
        });
  }

  void delete(byte[] name) {
    write(tx -> tx.delete(recordName(name)));
  }

  /** Moves {@code credential} to {@code newName} in one atomic step. */
  void rename(Credential credential, byte[] newName) {
    Credential renamed = credential.withName(newName);
    write(
        tx ->
            tx.delete(recordName(credential.name()))
                .put(recordName(newName), renamed.encodeStored()));
  }

  /** Deletes every OATH record and stores a new salt, in one atomic step. */
  void reset() {
    byte[] fresh = newSalt();
    write(
        tx -> {
          for (String record : state.names()) {
            if (record.startsWith(PREFIX)) {
              tx.delete(record);
            }
          }
          tx.put(SALT, fresh);
        });
  }

  static String recordName(byte[] name) {
    return CREDENTIAL_PREFIX + Hex.encode(name);
  }

  private byte[] newSalt() {
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    return salt;
  }

  private void write(Consumer<StateFile.Transaction> changes) {
    try {
      state.update(changes);
    } catch (IOException e) {
      log.error("OATH state not written, nothing changed: {}", e.toString());
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }
}
