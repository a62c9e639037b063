package io.opencdn.edge.cluster.purge;

import io.opencdn.common.cluster.RecordCheck;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admits a purge request from the {@code purges} topic only when an edge knowing the cluster secret
 * accepted it ({@link PurgeRequest#authentic}), it was accepted within {@link #MAX_AGE_MILLIS}
 * (either way, for clock skew) and it is not one already applied (a replay): a member without the
 * secret cannot purge, and one that saw a purge go by cannot flush the caches again and again with
 * it. What it refuses is counted by its {@link RecordCheck}.
 */
public final class PurgeGuard {

  /** Requests accepted longer ago than this (or as far ahead) are stale. */
  public static final long MAX_AGE_MILLIS = 300_000;

  /** How many applied request ids are remembered to refuse replays. */
  static final int REMEMBERED = 10_000;

  private final RecordCheck check;
  private final Clock clock;
  private final Map<String, Boolean> applied =
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };

  public PurgeGuard(RecordCheck check, Clock clock) {
    this.check = check;
    this.clock = clock;
  }

  /** True when {@code request} is to be applied (once); counts it when it is not. */
  public synchronized boolean admit(PurgeRequest request) {
    if (request == null) {
      check.forged();
      return false;
    }
    long age = clock.millis() - request.createdMillis();
    if (!check.accept(request.authentic(check.mac()), Math.abs(age) <= MAX_AGE_MILLIS)) {
      return false;
    }
    if (applied.putIfAbsent(request.id(), Boolean.TRUE) != null) {
      check.stale();
      return false;
    }
    return true;
  }

  /** The check (with the counts of what was refused). */
  public RecordCheck check() {
    return check;
  }
}
