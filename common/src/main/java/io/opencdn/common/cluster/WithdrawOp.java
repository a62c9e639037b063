package io.opencdn.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/** Removes one edge from the holders of the key (purged or evicted there). */
public final class WithdrawOp
    implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

  private String edgeId;
  private long nowMillis;

  /** For deserialization. */
  public WithdrawOp() {}

  public WithdrawOp(String edgeId, long nowMillis) {
    this.edgeId = edgeId;
    this.nowMillis = nowMillis;
  }

  @Override
  public Void process(Map.Entry<String, DirectoryEntry> entry) {
    DirectoryEntry cur = entry.getValue();
    if (cur != null && cur.holders().stream().anyMatch(h -> h.edgeId().equals(edgeId))) {
      DirectoryEntry.store(entry, cur.holdersAt(nowMillis, edgeId), cur.lease(), nowMillis);
    }
    return null;
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.WITHDRAW;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(edgeId);
    out.writeLong(nowMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    edgeId = in.readString();
    nowMillis = in.readLong();
  }
}
