package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * The key of one measurement in {@link ClusterMaps#LATENCY}: which client network, measured by
 * which edge. A DNS server looks a client's samples up by its prefix and each edge's id.
 *
 * @param prefix the client's /24 (IPv4) or /48 (IPv6) network, e.g. {@code 81.2.69.0/24}
 * @param edgeId the id of the edge that measured it
 */
public record LatencyKey(String prefix, String edgeId) {

  public LatencyKey {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(edgeId, "edgeId");
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(prefix);
    out.writeString(edgeId);
  }

  static LatencyKey read(ObjectDataInput in) throws IOException {
    return new LatencyKey(in.readString(), in.readString());
  }

  @Override
  public String toString() {
    return prefix + " from " + edgeId;
  }
}
