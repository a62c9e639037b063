package io.opencdn.edge.cluster.purge;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.RecordMac;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Entry processor adding one edge's acknowledgement (edge id to the clock time it finished purging,
 * with its tag) to the {@code purge-acks} entry of an invalidation, atomically on its partition.
 */
public record PurgeAck(String edgeId, Receipt receipt, long ttlMillis)
    implements EntryProcessor<String, HashMap<String, PurgeAck.Receipt>, Void> {

  /** Most acknowledgements kept per invalidation (a bound even for forged ones). */
  static final int MAX_ACKS = 4096;

  /**
   * One edge's acknowledgement of invalidation {@code id}: when it finished purging, tagged over
   * the invalidation, the edge and the time, so that no member without the cluster secret can
   * complete an invalidation in an edge's name.
   */
  public record Receipt(long atMillis, byte[] tag) {

    static Receipt signed(RecordMac mac, String id, String edgeId, long atMillis) {
      return new Receipt(atMillis, mac.tag("ack", id, edgeId, atMillis));
    }

    boolean authentic(RecordMac mac, String id, String edgeId) {
      return mac.verify(tag, "ack", id, edgeId, atMillis);
    }

    void write(ObjectDataOutput out) throws IOException {
      out.writeLong(atMillis);
      out.writeByteArray(tag);
    }

    static Receipt read(ObjectDataInput in) throws IOException {
      return new Receipt(in.readLong(), in.readByteArray());
    }
  }

  @Override
  public Void process(Map.Entry<String, HashMap<String, Receipt>> entry) {
    HashMap<String, Receipt> acks =
        entry.getValue() == null ? new HashMap<>() : new HashMap<>(entry.getValue());
    if (acks.size() < MAX_ACKS || acks.containsKey(edgeId)) {
      acks.put(edgeId, receipt);
    }
    ((ExtendedMapEntry<String, HashMap<String, Receipt>>) entry)
        .setValue(acks, ttlMillis, TimeUnit.MILLISECONDS);
    return null;
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(edgeId);
    receipt.write(out);
    out.writeLong(ttlMillis);
  }

  static PurgeAck read(ObjectDataInput in) throws IOException {
    return new PurgeAck(in.readString(), Receipt.read(in), in.readLong());
  }
}
