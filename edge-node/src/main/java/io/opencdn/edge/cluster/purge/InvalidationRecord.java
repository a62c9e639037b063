package io.opencdn.edge.cluster.purge;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.RecordMac;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An accepted invalidation as kept in {@code invalidations}: the request and the edges that were
 * live when it was accepted (only those are waited for, and only while they stay live, so an edge
 * that joins later or dies cannot hold the status at InProgress). Tagged by the accepting edge over
 * the request's tag and the expected edges, under the invalidation's id.
 *
 * @param request the purge broadcast to the edges
 * @param expectedEdges ids of the live edges at acceptance
 * @param tag the record's {@link RecordMac} tag, null when not signed
 */
public record InvalidationRecord(PurgeRequest request, Set<String> expectedEdges, byte[] tag) {

  public InvalidationRecord {
    expectedEdges = Set.copyOf(expectedEdges);
  }

  /** An unsigned record. */
  public InvalidationRecord(PurgeRequest request, Set<String> expectedEdges) {
    this(request, expectedEdges, null);
  }

  /** This record tagged with {@code mac} (stored under the request's id). */
  public InvalidationRecord signed(RecordMac mac) {
    return new InvalidationRecord(request, expectedEdges, mac.tag(parts(request.id())));
  }

  /**
   * True when a member knowing the cluster secret stored this record, and its request, under {@code
   * key}.
   */
  public boolean authentic(RecordMac mac, String key) {
    return key != null
        && key.equals(request.id())
        && request.authentic(mac)
        && mac.verify(tag, parts(key));
  }

  private Object[] parts(String key) {
    List<Object> parts = new ArrayList<>(expectedEdges.size() + 4);
    parts.add("invalidation");
    parts.add(key);
    parts.add(request.tag() == null ? "" : RecordMac.hex(request.tag()));
    parts.add(expectedEdges.size());
    parts.addAll(new TreeSet<>(expectedEdges));
    return parts.toArray();
  }

  void write(ObjectDataOutput out) throws IOException {
    request.write(out);
    PurgeRequest.writeStrings(out, new TreeSet<>(expectedEdges));
    out.writeByteArray(tag);
  }

  static InvalidationRecord read(ObjectDataInput in) throws IOException {
    return new InvalidationRecord(
        PurgeRequest.read(in), Set.copyOf(PurgeRequest.readStrings(in)), in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InvalidationRecord r
        && r.request.equals(request)
        && r.expectedEdges.equals(expectedEdges)
        && Arrays.equals(r.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(request, expectedEdges);
  }
}
