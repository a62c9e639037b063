package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * One edge holding a fresh copy of an object, as listed in the cache directory ({@link
 * ClusterMaps#CACHE_DIRECTORY}), authenticated with a {@link RecordMac} tag over its fields and the
 * cache key it is listed under.
 *
 * @param edgeId the holder's edge id
 * @param region its region (for the peer scope)
 * @param memberUuid its Hazelcast member, so holders that left the cluster are skipped
 * @param host address its HTTP listener is reached at
 * @param port its HTTP port
 * @param expiresMillis clock time the copy turns stale
 * @param tag the record's MAC
 */
public record Holder(
    String edgeId,
    String region,
    String memberUuid,
    String host,
    int port,
    long expiresMillis,
    byte[] tag) {

  /** A holder of {@code key}, tagged with {@code mac}. */
  public static Holder signed(
      RecordMac mac,
      String key,
      String edgeId,
      String region,
      String memberUuid,
      String host,
      int port,
      long expiresMillis) {
    return new Holder(
        edgeId,
        region,
        memberUuid,
        host,
        port,
        expiresMillis,
        mac.tag("holder", key, edgeId, region, memberUuid, host, port, expiresMillis));
  }

  /** True when the tag proves a member with the secret listed this holder under {@code key}. */
  public boolean authentic(RecordMac mac, String key) {
    return mac.verify(tag, "holder", key, edgeId, region, memberUuid, host, port, expiresMillis);
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(edgeId);
    out.writeString(region);
    out.writeString(memberUuid);
    out.writeString(host);
    out.writeInt(port);
    out.writeLong(expiresMillis);
    out.writeByteArray(tag);
  }

  static Holder read(ObjectDataInput in) throws IOException {
    return new Holder(
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readInt(),
        in.readLong(),
        in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Holder h
        && h.edgeId.equals(edgeId)
        && h.memberUuid.equals(memberUuid)
        && h.port == port
        && h.expiresMillis == expiresMillis
        && h.host.equals(host)
        && h.region.equals(region)
        && java.util.Arrays.equals(h.tag, tag);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(edgeId, memberUuid, expiresMillis);
  }

  @Override
  public String toString() {
    return "Holder["
        + edgeId
        + " "
        + host
        + ":"
        + port
        + " region "
        + region
        + " member "
        + memberUuid
        + " until "
        + expiresMillis
        + "]";
  }
}
