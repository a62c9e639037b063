package io.opencdn.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * After an edge stored a copy: lists {@code holder} (replacing that edge's earlier entry), drops
 * expired holders and releases {@code lease} when it is still the current one.
 */
public final class StoredOp
    implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

  private Holder holder;
  private FillLease lease;
  private long nowMillis;

  /** For deserialization. */
  public StoredOp() {}

  /**
   * @param lease the lease to release with it, or null
   */
  public StoredOp(Holder holder, FillLease lease, long nowMillis) {
    this.holder = holder;
    this.lease = lease;
    this.nowMillis = nowMillis;
  }

  @Override
  public Void process(Map.Entry<String, DirectoryEntry> entry) {
    DirectoryEntry cur = entry.getValue();
    List<Holder> holders = new ArrayList<>();
    FillLease current = null;
    if (cur != null) {
      holders.addAll(cur.holdersAt(nowMillis, holder.edgeId()));
      current = cur.lease();
    }
    holders.add(holder);
    if (current != null && (current.equals(lease) || current.expiresMillis() <= nowMillis)) {
      current = null;
    }
    DirectoryEntry.store(entry, holders, current, nowMillis);
    return null;
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.STORED;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    holder.write(out);
    DirectoryEntry.writeLease(out, lease);
    out.writeLong(nowMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    holder = Holder.read(in);
    lease = DirectoryEntry.readLease(in);
    nowMillis = in.readLong();
  }
}
