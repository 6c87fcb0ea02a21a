package io.vcanokey.applet;

import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * What every smart-card applet of one key is built from: the key's state file, its user-presence
 * service and its random source. One context per key; it is shared by every card session (CCID,
 * vpcd), so each session's applets see the same persistent state.
 *
 * @param state the key's state file; applets keep their records under their own name prefix
 * @param presence the only judge of whether the user touched the key
 * @param random the key's random source (challenges, nonces, key generation)
 */
public record AppletContext(StateFile state, UserPresence presence, SecureRandom random) {

  public AppletContext {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(random, "random");
  }
}
