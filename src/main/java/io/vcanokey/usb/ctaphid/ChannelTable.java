package io.vcanokey.usb.ctaphid;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The channels CTAPHID_INIT has allocated (CTAP 2.1, section 11.2.3, "Concurrency and channels").
 * New CIDs are random, never 0 (reserved) nor 0xFFFFFFFF (broadcast), never one in use.
 *
 * <p>The table is bounded: past {@link #CAPACITY} channels the least recently used one is
 * forgotten, and its next request gets ERR_INVALID_CHANNEL, after which a well-behaved client
 * re-initialises. This keeps a host that allocates in a loop from growing the key's memory.
 */
final class ChannelTable {

  /** Most channels remembered at once; far above the handful of clients a host runs. */
  static final int CAPACITY = 128;

  private static final int MAX_DRAWS = 1000;

  private final RandomGenerator random;
  private final Map<Integer, Boolean> channels = new LinkedHashMap<>(16, 0.75f, true);

  ChannelTable(RandomGenerator random) {
    this.random = random;
  }

  /** Allocates a fresh channel identifier. */
  int allocate() {
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      int cid = random.nextInt();
      if (cid != CtapHidFrame.CID_RESERVED
          && cid != CtapHidFrame.CID_BROADCAST
          && !channels.containsKey(cid)) {
        if (channels.size() >= CAPACITY) {
          Integer eldest = channels.keySet().iterator().next();
          channels.remove(eldest);
        }
        channels.put(cid, Boolean.TRUE);
        return cid;
      }
    }
    throw new IllegalStateException("random source keeps returning unusable CIDs");
  }

  /** Whether {@code cid} was allocated and is still remembered; marks it as recently used. */
  boolean isAllocated(int cid) {
    return channels.get(cid) != null;
  }
}
