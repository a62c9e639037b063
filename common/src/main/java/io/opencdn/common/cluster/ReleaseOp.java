package io.opencdn.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/** Frees {@code lease} when it is still the current one (not expired and taken again since). */
public final class ReleaseOp
    implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

  private FillLease lease;
  private long nowMillis;

  /** For deserialization. */
  public ReleaseOp() {}

  public ReleaseOp(FillLease lease, long nowMillis) {
    this.lease = lease;
    this.nowMillis = nowMillis;
  }

  @Override
  public Void process(Map.Entry<String, DirectoryEntry> entry) {
    DirectoryEntry cur = entry.getValue();
    if (cur != null && lease.equals(cur.lease())) {
      DirectoryEntry.store(entry, cur.holdersAt(nowMillis, null), null, nowMillis);
    }
    return null;
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.RELEASE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    lease.write(out);
    out.writeLong(nowMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    lease = FillLease.read(in);
    nowMillis = in.readLong();
  }
}
