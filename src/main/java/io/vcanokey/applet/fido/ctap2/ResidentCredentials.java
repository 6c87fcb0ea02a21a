package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.storage.StateFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The discoverable credentials (CTAP 2.1, 6.1.2 step 17 and 6.2.2 step 6): one state-file record
 * per credential, {@code fido/rk/NNN}, holding its 70-byte credential ID (which wraps the private
 * key, inventory 3.9), RP ID, user entity, credBlob, a creation sequence number and, if it has one,
 * its largeBlobKey (CBOR map key 8; absent in records written before it existed).
 *
 * <p>Capacity {@link #CAPACITY}; a new credential for an RP and user.id already stored replaces the
 * old one (CTAP 2.1, 6.1.2 step 17). Records are written by the caller's transaction so the
 * credential and the signature counter land in one atomic update.
 */
final class ResidentCredentials {

  /** Most discoverable credentials the key stores; issue 6 asks for at least 256. */
  static final int CAPACITY = 256;

  static final String PREFIX = "fido/rk/";

  private static final byte[] NONE = new byte[0];

  private static final int KEY_CREDENTIAL_ID = 1;
  private static final int KEY_RP_ID = 2;
  private static final int KEY_USER_ID = 3;
  private static final int KEY_USER_NAME = 4;
  private static final int KEY_USER_DISPLAY_NAME = 5;
  private static final int KEY_CRED_BLOB = 6;
  private static final int KEY_SEQUENCE = 7;
  private static final int KEY_LARGE_BLOB_KEY = 8;

  /**
   * One stored discoverable credential; {@code largeBlobKey} is empty when the credential was made
   * without the largeBlobKey extension (CTAP 2.1, 12.3), else its 32-byte key.
   */
  record Entry(
      String record,
      byte[] credentialId,
      String rpId,
      byte[] userId,
      Optional<String> userName,
      Optional<String> displayName,
      byte[] credBlob,
      long sequence,
      byte[] largeBlobKey) {

    /** A credential without a largeBlobKey. */
    Entry(
        String record,
        byte[] credentialId,
        String rpId,
        byte[] userId,
        Optional<String> userName,
        Optional<String> displayName,
        byte[] credBlob,
        long sequence) {
      this(record, credentialId, rpId, userId, userName, displayName, credBlob, sequence, NONE);
    }

    /** Whether the credential has a largeBlobKey. */
    boolean hasLargeBlobKey() {
      return largeBlobKey.length > 0;
    }

    byte[] encode() {
      CBORObject map = CBORObject.NewMap();
      map.Add(KEY_CREDENTIAL_ID, credentialId);
      map.Add(KEY_RP_ID, rpId);
      map.Add(KEY_USER_ID, userId);
      userName.ifPresent(n -> map.Add(KEY_USER_NAME, n));
      displayName.ifPresent(n -> map.Add(KEY_USER_DISPLAY_NAME, n));
      map.Add(KEY_CRED_BLOB, credBlob);
      map.Add(KEY_SEQUENCE, sequence);
      if (largeBlobKey.length > 0) {
        map.Add(KEY_LARGE_BLOB_KEY, largeBlobKey);
      }
      return CtapCbor.encode(map);
    }

    static Entry decode(String record, byte[] stored) {
      CBORObject map = CBORObject.DecodeFromBytes(stored);
      return new Entry(
          record,
          map.get(KEY_CREDENTIAL_ID).GetByteString(),
          map.get(KEY_RP_ID).AsString(),
          map.get(KEY_USER_ID).GetByteString(),
          Optional.ofNullable(map.GetOrDefault(KEY_USER_NAME, null)).map(CBORObject::AsString),
          Optional.ofNullable(map.GetOrDefault(KEY_USER_DISPLAY_NAME, null))
              .map(CBORObject::AsString),
          map.get(KEY_CRED_BLOB).GetByteString(),
          map.get(KEY_SEQUENCE).AsInt64Value(),
          Optional.ofNullable(map.GetOrDefault(KEY_LARGE_BLOB_KEY, null))
              .map(CBORObject::GetByteString)
              .orElse(NONE));
    }
  }

  private final StateFile state;

  ResidentCredentials(StateFile state) {
    this.state = state;
  }

  /** Every stored credential, newest first. */
  List<Entry> all() {
    List<Entry> entries = new ArrayList<>();
    for (String name : state.names()) {
      if (name.startsWith(PREFIX)) {
        state.get(name).ifPresent(value -> entries.add(Entry.decode(name, value)));
      }
    }
    entries.sort(Comparator.comparingLong(Entry::sequence).reversed());
    return entries;
  }

  /** The stored credential with this ID, if any. */
  Optional<Entry> find(byte[] credentialId) {
    return all().stream().filter(e -> Arrays.equals(e.credentialId(), credentialId)).findFirst();
  }

  /**
   * Where a new credential for {@code rpId} and {@code userId} goes: the record of the credential
   * it replaces, else a free record.
   *
   * @throws CtapException CTAP2_ERR_KEY_STORE_FULL when every record is taken
   */
  String slotFor(String rpId, byte[] userId) {
    List<Entry> entries = all();
    for (Entry e : entries) {
      if (e.rpId().equals(rpId) && Arrays.equals(e.userId(), userId)) {
        return e.record();
      }
    }
    for (int i = 0; i < CAPACITY; i++) {
      String name = PREFIX + String.format("%03d", i);
      if (state.get(name).isEmpty()) {
        return name;
      }
    }
    throw new CtapException(CtapStatus.CTAP2_ERR_KEY_STORE_FULL, CAPACITY + " credentials stored");
  }

  /** The next creation sequence number. */
  long nextSequence() {
    return all().stream().mapToLong(Entry::sequence).max().orElse(0) + 1;
  }
}
