package io.opencdn.common.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several operations on several keys in one message: the processor of each key (in order) is
 * applied to that key's entry; the result is the last one's. One batch is sent per partition owner,
 * so a burst of misses or announcements costs one round trip per member, not per key.
 */
public final class BatchOp
    implements EntryProcessor<String, DirectoryEntry, Object>,
        IdentifiedDataSerializable,
        HazelcastInstanceAware {

  private Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops;
  private transient HazelcastInstance hz;

  /** For deserialization. */
  public BatchOp() {}

  public BatchOp(Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops) {
    this.ops = ops;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    // handed to the key's own processors when they run: Hazelcast initialises the batch once
    // per partition, and walking every key's processors each time would cost keys x partitions
    this.hz = hz;
  }

  @Override
  public Object process(Map.Entry<String, DirectoryEntry> entry) {
    List<EntryProcessor<String, DirectoryEntry, ?>> l = ops.get(entry.getKey());
    Object result = null;
    if (l != null) {
      for (EntryProcessor<String, DirectoryEntry, ?> p : l) {
        if (hz != null && p instanceof HazelcastInstanceAware aware) {
          aware.setHazelcastInstance(hz);
        }
        result = p.process(entry);
      }
    }
    return result;
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.BATCH;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(ops.size());
    for (Map.Entry<String, List<EntryProcessor<String, DirectoryEntry, ?>>> e : ops.entrySet()) {
      out.writeString(e.getKey());
      out.writeInt(e.getValue().size());
      for (EntryProcessor<String, DirectoryEntry, ?> p : e.getValue()) {
        out.writeObject(p);
      }
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > DirectoryOps.MAX_BATCH) {
      throw new IOException("batch of " + n + " keys");
    }
    ops = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      String key = in.readString();
      int m = in.readInt();
      if (m < 0 || m > DirectoryOps.MAX_BATCH) {
        throw new IOException("batch of " + m + " operations on one key");
      }
      List<EntryProcessor<String, DirectoryEntry, ?>> l = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        Object o = in.readObject();
        if (!(o instanceof ClaimOp
            || o instanceof StoredOp
            || o instanceof ReleaseOp
            || o instanceof WithdrawOp)) {
          throw new IOException(
              "not a directory operation: " + (o == null ? "null" : o.getClass().getName()));
        }
        @SuppressWarnings("unchecked")
        EntryProcessor<String, DirectoryEntry, ?> p = (EntryProcessor<String, DirectoryEntry, ?>) o;
        l.add(p);
      }
      ops.put(key, l);
    }
  }
}
