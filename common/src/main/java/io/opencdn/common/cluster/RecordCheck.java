package io.opencdn.common.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * The check a reader applies to every cluster record it acts on, with the counts of what it
 * ignored: records whose {@link RecordMac} tag does not verify (forged, or written by a member
 * without the cluster secret) and authentic records that are stale (too old, from the future, or
 * older than one already seen: a replay). One per reader; the counts feed its metrics.
 */
public final class RecordCheck {

  private final RecordMac mac;
  private final LongAdder forged = new LongAdder();
  private final LongAdder stale = new LongAdder();

  public RecordCheck(RecordMac mac) {
    this.mac = mac;
  }

  /** The check of a cluster with {@code secret}. */
  public static RecordCheck of(String secret) {
    return new RecordCheck(RecordMac.fromSecret(secret));
  }

  /** The key records are verified with. */
  public RecordMac mac() {
    return mac;
  }

  /** True when a record may be used: {@code authentic} and {@code fresh}; counts it otherwise. */
  public boolean accept(boolean authentic, boolean fresh) {
    if (!authentic) {
      forged.increment();
      return false;
    }
    if (!fresh) {
      stale.increment();
      return false;
    }
    return true;
  }

  /** Counts one record ignored as forged (its tag did not verify). */
  public void forged() {
    forged.increment();
  }

  /** Counts one authentic record ignored as stale or replayed. */
  public void stale() {
    stale.increment();
  }

  /** Records ignored so far because their tag did not verify. */
  public long forgedCount() {
    return forged.sum();
  }

  /** Authentic records ignored so far as stale or replayed. */
  public long staleCount() {
    return stale.sum();
  }
}
