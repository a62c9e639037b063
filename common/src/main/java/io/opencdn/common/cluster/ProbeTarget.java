package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A client network the edges should measure, the value of {@link ClusterMaps#LATENCY_TARGETS} under
 * the network's prefix ({@code 81.2.69.0/24}): written by a DNS server that answered a geo-routed
 * query from it, {@link #signed} with the cluster's {@link RecordMac} over the prefix and the
 * fields, so a member without the secret cannot make the edges probe an address of its choosing;
 * read by the edges' latency probers, which probe it only when it is {@link #authentic} and recent.
 *
 * @param address the address to probe, an IP literal (the query's Client Subnet address, else the
 *     resolver's)
 * @param seenAtMillis wall-clock time the DNS server last saw the network (epoch milliseconds)
 * @param tag the record's MAC ({@link RecordMac}), null when not signed
 */
public record ProbeTarget(String address, long seenAtMillis, byte[] tag) {

  public ProbeTarget {
    Objects.requireNonNull(address, "address");
  }

  /** An unsigned target. */
  public ProbeTarget(String address, long seenAtMillis) {
    this(address, seenAtMillis, null);
  }

  /** This target tagged with {@code mac}, to be stored under {@code prefix}. */
  public ProbeTarget signed(RecordMac mac, String prefix) {
    return new ProbeTarget(address, seenAtMillis, mac.tag(parts(prefix)));
  }

  /** True when a member knowing the cluster secret wrote this target under {@code prefix}. */
  public boolean authentic(RecordMac mac, String prefix) {
    return prefix != null && mac.verify(tag, parts(prefix));
  }

  private Object[] parts(String prefix) {
    return new Object[] {"target", prefix, address, seenAtMillis};
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(address);
    out.writeLong(seenAtMillis);
    out.writeByteArray(tag);
  }

  static ProbeTarget read(ObjectDataInput in) throws IOException {
    return new ProbeTarget(in.readString(), in.readLong(), in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeTarget t
        && t.address.equals(address)
        && t.seenAtMillis == seenAtMillis
        && Arrays.equals(t.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, seenAtMillis, Arrays.hashCode(tag));
  }

  @Override
  public String toString() {
    return "ProbeTarget["
        + address
        + " seen at "
        + seenAtMillis
        + (tag == null ? " unsigned" : "")
        + "]";
  }
}
