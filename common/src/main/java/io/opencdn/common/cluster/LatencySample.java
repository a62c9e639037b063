package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One edge's smoothed round-trip time to one client network, the value of {@link
 * ClusterMaps#LATENCY} under a {@link LatencyKey}: written by the edge's latency prober, {@link
 * #signed} with the cluster's {@link RecordMac} over the key and the fields, so a member without
 * the secret can neither forge a measurement nor move one to another network or edge; read by the
 * DNS servers' latency policy, which uses it only when it is {@link #authentic} and fresh.
 *
 * @param rttMillis smoothed RTT in milliseconds, 0 or more
 * @param atMillis wall-clock time of the measurement (epoch milliseconds)
 * @param tag the record's MAC ({@link RecordMac}), null when not signed
 */
public record LatencySample(double rttMillis, long atMillis, byte[] tag) {

  public LatencySample {
    if (!(rttMillis >= 0) || Double.isInfinite(rttMillis)) {
      throw new IllegalArgumentException(
          "rtt must be a finite number of milliseconds, 0 or more: " + rttMillis);
    }
  }

  /** An unsigned sample. */
  public LatencySample(double rttMillis, long atMillis) {
    this(rttMillis, atMillis, null);
  }

  /** This sample tagged with {@code mac}, to be stored under {@code key}. */
  public LatencySample signed(RecordMac mac, LatencyKey key) {
    return new LatencySample(rttMillis, atMillis, mac.tag(parts(key)));
  }

  /** True when a member knowing the cluster secret wrote this sample under {@code key}. */
  public boolean authentic(RecordMac mac, LatencyKey key) {
    return key != null && mac.verify(tag, parts(key));
  }

  private Object[] parts(LatencyKey key) {
    return new Object[] {"latency", key.prefix(), key.edgeId(), rttMillis, atMillis};
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeDouble(rttMillis);
    out.writeLong(atMillis);
    out.writeByteArray(tag);
  }

  static LatencySample read(ObjectDataInput in) throws IOException {
    return new LatencySample(in.readDouble(), in.readLong(), in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencySample s
        && s.rttMillis == rttMillis
        && s.atMillis == atMillis
        && Arrays.equals(s.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rttMillis, atMillis, Arrays.hashCode(tag));
  }

  @Override
  public String toString() {
    return "LatencySample["
        + rttMillis
        + " ms at "
        + atMillis
        + (tag == null ? " unsigned" : "")
        + "]";
  }
}
