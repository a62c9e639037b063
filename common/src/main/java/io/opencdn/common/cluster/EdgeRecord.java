package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One edge's entry in the {@link ClusterMaps#EDGES} map, keyed by its id. The edge writes it on
 * start and on every heartbeat, {@link #signed} with the cluster's {@link RecordMac}; the DNS
 * server (and the edges' invalidation receipts) read it and use it only when it is {@link
 * #authentic}: a member without the cluster secret can delete an entry but cannot make DNS answer
 * with an address of its choosing, nor drain or undrain an edge.
 *
 * @param id unique edge id, e.g. {@code eu-west}
 * @param region region label
 * @param latitude degrees, -90..90
 * @param longitude degrees, -180..180
 * @param ipv4 IPv4 address DNS answers with, or null
 * @param ipv6 IPv6 address DNS answers with, or null
 * @param httpPort port of the edge's HTTP listener (health endpoint included)
 * @param capacity requests per second the edge is sized for
 * @param load requests per second over the last heartbeat interval
 * @param state ACTIVE or DRAINING
 * @param memberUuid the Hazelcast member that owns this entry, so the entry dies with it
 * @param heartbeatMillis wall-clock time of the last write
 * @param tag the record's MAC ({@link RecordMac}), null when not signed
 */
public record EdgeRecord(
    String id,
    String region,
    double latitude,
    double longitude,
    String ipv4,
    String ipv6,
    int httpPort,
    double capacity,
    double load,
    EdgeState state,
    String memberUuid,
    long heartbeatMillis,
    byte[] tag) {

  public EdgeRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    if (ipv4 == null && ipv6 == null) {
      throw new IllegalArgumentException("edge " + id + " has no address");
    }
  }

  /** An unsigned record (sign it with {@link #signed} before it goes into the cluster). */
  public EdgeRecord(
      String id,
      String region,
      double latitude,
      double longitude,
      String ipv4,
      String ipv6,
      int httpPort,
      double capacity,
      double load,
      EdgeState state,
      String memberUuid,
      long heartbeatMillis) {
    this(
        id,
        region,
        latitude,
        longitude,
        ipv4,
        ipv6,
        httpPort,
        capacity,
        load,
        state,
        memberUuid,
        heartbeatMillis,
        null);
  }

  /** An unsigned copy with another load, state and heartbeat time. */
  public EdgeRecord withLoad(double newLoad, EdgeState newState, long now) {
    return new EdgeRecord(
        id,
        region,
        latitude,
        longitude,
        ipv4,
        ipv6,
        httpPort,
        capacity,
        newLoad,
        newState,
        memberUuid,
        now);
  }

  /** This record tagged with {@code mac} (stored under its {@link #id}). */
  public EdgeRecord signed(RecordMac mac) {
    return new EdgeRecord(
        id,
        region,
        latitude,
        longitude,
        ipv4,
        ipv6,
        httpPort,
        capacity,
        load,
        state,
        memberUuid,
        heartbeatMillis,
        mac.tag(parts(id)));
  }

  /** True when a member knowing the cluster secret wrote this record under map key {@code key}. */
  public boolean authentic(RecordMac mac, String key) {
    return key != null && key.equals(id) && mac.verify(tag, parts(key));
  }

  private Object[] parts(String key) {
    return new Object[] {
      "edge",
      key,
      region,
      latitude,
      longitude,
      ipv4,
      ipv6,
      httpPort,
      capacity,
      load,
      state,
      memberUuid,
      heartbeatMillis
    };
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(id);
    out.writeString(region);
    out.writeDouble(latitude);
    out.writeDouble(longitude);
    out.writeString(ipv4);
    out.writeString(ipv6);
    out.writeInt(httpPort);
    out.writeDouble(capacity);
    out.writeDouble(load);
    out.writeString(state.name());
    out.writeString(memberUuid);
    out.writeLong(heartbeatMillis);
    out.writeByteArray(tag);
  }

  static EdgeRecord read(ObjectDataInput in) throws IOException {
    String id = in.readString();
    String region = in.readString();
    double lat = in.readDouble();
    double lon = in.readDouble();
    String v4 = in.readString();
    String v6 = in.readString();
    int port = in.readInt();
    double capacity = in.readDouble();
    double load = in.readDouble();
    String state = in.readString();
    String member = in.readString();
    long heartbeat = in.readLong();
    byte[] tag = in.readByteArray();
    return new EdgeRecord(
        id,
        region,
        lat,
        lon,
        v4,
        v6,
        port,
        capacity,
        load,
        EdgeState.valueOf(String.valueOf(state)),
        member,
        heartbeat,
        tag);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EdgeRecord r
        && r.id.equals(id)
        && Objects.equals(r.region, region)
        && r.latitude == latitude
        && r.longitude == longitude
        && Objects.equals(r.ipv4, ipv4)
        && Objects.equals(r.ipv6, ipv6)
        && r.httpPort == httpPort
        && r.capacity == capacity
        && r.load == load
        && r.state == state
        && Objects.equals(r.memberUuid, memberUuid)
        && r.heartbeatMillis == heartbeatMillis
        && Arrays.equals(r.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, memberUuid, heartbeatMillis, state);
  }

  @Override
  public String toString() {
    return "EdgeRecord["
        + id
        + " region "
        + region
        + " ("
        + latitude
        + ", "
        + longitude
        + ") "
        + ipv4
        + " "
        + ipv6
        + ":"
        + httpPort
        + " capacity "
        + capacity
        + " load "
        + load
        + " "
        + state
        + " member "
        + memberUuid
        + " at "
        + heartbeatMillis
        + (tag == null ? " unsigned" : "")
        + "]";
  }
}
