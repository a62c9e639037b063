package io.opencdn.edge.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.RecordMac;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An origin the cluster considers failing, in {@link ClusterMaps#ORIGIN_HEALTH}: while {@code
 * untilMillis} has not passed, every edge serves stale copies (within stale-if-error) without
 * asking the origin. Tagged by the reporting edge over its fields and the origin it is stored under
 * ({@link #signed}); edges act only on an {@link #authentic} report, so a member without the
 * cluster secret cannot mark an origin failing.
 *
 * @param failingSince clock time the origin was first reported failing (kept across renewals)
 * @param reportedBy id of the edge that reported it (last renewal)
 * @param untilMillis clock time after which edges try the origin again
 * @param tag the record's MAC, null when not signed
 */
public record OriginFailure(long failingSince, String reportedBy, long untilMillis, byte[] tag) {

  /** An unsigned report. */
  public OriginFailure(long failingSince, String reportedBy, long untilMillis) {
    this(failingSince, reportedBy, untilMillis, null);
  }

  /** Whether the report still holds at {@code nowMillis}. */
  public boolean holdsAt(long nowMillis) {
    return nowMillis < untilMillis;
  }

  /** This report on {@code origin} tagged with {@code mac}. */
  public OriginFailure signed(RecordMac mac, String origin) {
    return new OriginFailure(failingSince, reportedBy, untilMillis, mac.tag(parts(origin)));
  }

  /**
   * True when a member knowing the cluster secret reported {@code origin} (the map key) failing.
   */
  public boolean authentic(RecordMac mac, String origin) {
    return mac.verify(tag, parts(origin));
  }

  private Object[] parts(String origin) {
    return new Object[] {"origin-failure", origin, failingSince, reportedBy, untilMillis};
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeLong(failingSince);
    out.writeString(reportedBy);
    out.writeLong(untilMillis);
    out.writeByteArray(tag);
  }

  static OriginFailure read(ObjectDataInput in) throws IOException {
    return new OriginFailure(in.readLong(), in.readString(), in.readLong(), in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OriginFailure f
        && f.failingSince == failingSince
        && Objects.equals(f.reportedBy, reportedBy)
        && f.untilMillis == untilMillis
        && Arrays.equals(f.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(failingSince, reportedBy, untilMillis);
  }

  @Override
  public String toString() {
    return "OriginFailure[since "
        + failingSince
        + " by "
        + reportedBy
        + " until "
        + untilMillis
        + "]";
  }

  /**
   * Records {@code report} (signed by the reporting edge, which keeps the first {@code
   * failingSince} it knows of) unless a report that still holds at {@code nowMillis} is there: the
   * first edge to report wins. Yields the entry as it is afterwards.
   */
  record Report(OriginFailure report, long nowMillis, long ttlMillis)
      implements EntryProcessor<String, OriginFailure, OriginFailure> {
    @Override
    public OriginFailure process(Map.Entry<String, OriginFailure> e) {
      OriginFailure current = e.getValue();
      if (current != null && current.holdsAt(nowMillis)) {
        return current;
      }
      ((ExtendedMapEntry<String, OriginFailure>) e)
          .setValue(report, ttlMillis, TimeUnit.MILLISECONDS);
      return report;
    }

    void write(ObjectDataOutput out) throws IOException {
      report.write(out);
      out.writeLong(nowMillis);
      out.writeLong(ttlMillis);
    }

    static Report read(ObjectDataInput in) throws IOException {
      return new Report(OriginFailure.read(in), in.readLong(), in.readLong());
    }
  }
}
