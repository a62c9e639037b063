package io.opencdn.edge.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.RecordMac;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One edge's load figures in {@link ClusterMaps#EDGE_LOAD}, written with each registry heartbeat
 * (the {@link io.opencdn.common.cluster.EdgeRecord} of {@code edges} carries only requests/s and
 * capacity). Rates are averaged over the interval since the previous write. Tagged like the
 * registry entry ({@link #signed}); a reader uses it only when {@link #authentic}.
 *
 * @param id edge id
 * @param requestsPerSecond client requests per second
 * @param bytesPerSecond response bytes (headers and body) written per second
 * @param openConnections client connections open at the time of the write
 * @param capacity requests per second the edge is sized for
 * @param utilisation {@code requestsPerSecond / capacity}
 * @param heartbeatMillis clock time of the write
 * @param tag the record's MAC, null when not signed
 */
public record EdgeLoad(
    String id,
    double requestsPerSecond,
    double bytesPerSecond,
    int openConnections,
    double capacity,
    double utilisation,
    long heartbeatMillis,
    byte[] tag) {

  /** Unsigned figures. */
  public EdgeLoad(
      String id,
      double requestsPerSecond,
      double bytesPerSecond,
      int openConnections,
      double capacity,
      double utilisation,
      long heartbeatMillis) {
    this(
        id,
        requestsPerSecond,
        bytesPerSecond,
        openConnections,
        capacity,
        utilisation,
        heartbeatMillis,
        null);
  }

  /** These figures tagged with {@code mac} (stored under {@link #id}). */
  public EdgeLoad signed(RecordMac mac) {
    return new EdgeLoad(
        id,
        requestsPerSecond,
        bytesPerSecond,
        openConnections,
        capacity,
        utilisation,
        heartbeatMillis,
        mac.tag(parts(id)));
  }

  /**
   * True when a member knowing the cluster secret wrote these figures under map key {@code key}.
   */
  public boolean authentic(RecordMac mac, String key) {
    return key != null && key.equals(id) && mac.verify(tag, parts(key));
  }

  private Object[] parts(String key) {
    return new Object[] {
      "load",
      key,
      requestsPerSecond,
      bytesPerSecond,
      openConnections,
      capacity,
      utilisation,
      heartbeatMillis
    };
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(id);
    out.writeDouble(requestsPerSecond);
    out.writeDouble(bytesPerSecond);
    out.writeInt(openConnections);
    out.writeDouble(capacity);
    out.writeDouble(utilisation);
    out.writeLong(heartbeatMillis);
    out.writeByteArray(tag);
  }

  static EdgeLoad read(ObjectDataInput in) throws IOException {
    return new EdgeLoad(
        in.readString(),
        in.readDouble(),
        in.readDouble(),
        in.readInt(),
        in.readDouble(),
        in.readDouble(),
        in.readLong(),
        in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EdgeLoad l
        && Objects.equals(l.id, id)
        && l.requestsPerSecond == requestsPerSecond
        && l.bytesPerSecond == bytesPerSecond
        && l.openConnections == openConnections
        && l.capacity == capacity
        && l.utilisation == utilisation
        && l.heartbeatMillis == heartbeatMillis
        && Arrays.equals(l.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, heartbeatMillis);
  }

  @Override
  public String toString() {
    return "EdgeLoad["
        + id
        + " "
        + requestsPerSecond
        + " req/s "
        + bytesPerSecond
        + " B/s "
        + openConnections
        + " connections capacity "
        + capacity
        + " at "
        + heartbeatMillis
        + "]";
  }
}
