package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * The cluster-wide fill lease of one cache key: the edge fetching it from the origin, where other
 * edges reach it to share that fill, and until when the lease holds even if never released.
 * Authenticated like a {@link Holder}.
 *
 * @param memberUuid the Hazelcast member holding the lease (a lease of a member that left is void)
 * @param edgeId that member's edge id
 * @param host address of its HTTP listener
 * @param port its HTTP port
 * @param startedMillis clock time the lease was taken
 * @param expiresMillis clock time after which the lease is void
 * @param tag the record's MAC
 */
public record FillLease(
    String memberUuid,
    String edgeId,
    String host,
    int port,
    long startedMillis,
    long expiresMillis,
    byte[] tag) {

  /** A lease of {@code key}, tagged with {@code mac}. */
  public static FillLease signed(
      RecordMac mac,
      String key,
      String memberUuid,
      String edgeId,
      String host,
      int port,
      long startedMillis,
      long expiresMillis) {
    return new FillLease(
        memberUuid,
        edgeId,
        host,
        port,
        startedMillis,
        expiresMillis,
        mac.tag("lease", key, memberUuid, edgeId, host, port, startedMillis, expiresMillis));
  }

  /** True when the tag proves a member with the secret took this lease of {@code key}. */
  public boolean authentic(RecordMac mac, String key) {
    return mac.verify(
        tag, "lease", key, memberUuid, edgeId, host, port, startedMillis, expiresMillis);
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(memberUuid);
    out.writeString(edgeId);
    out.writeString(host);
    out.writeInt(port);
    out.writeLong(startedMillis);
    out.writeLong(expiresMillis);
    out.writeByteArray(tag);
  }

  static FillLease read(ObjectDataInput in) throws IOException {
    return new FillLease(
        in.readString(),
        in.readString(),
        in.readString(),
        in.readInt(),
        in.readLong(),
        in.readLong(),
        in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FillLease l
        && l.memberUuid.equals(memberUuid)
        && l.edgeId.equals(edgeId)
        && l.startedMillis == startedMillis
        && l.expiresMillis == expiresMillis
        && l.port == port
        && l.host.equals(host)
        && java.util.Arrays.equals(l.tag, tag);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(memberUuid, edgeId, startedMillis);
  }

  @Override
  public String toString() {
    return "FillLease["
        + edgeId
        + " "
        + host
        + ":"
        + port
        + " member "
        + memberUuid
        + " from "
        + startedMillis
        + " until "
        + expiresMillis
        + "]";
  }
}
