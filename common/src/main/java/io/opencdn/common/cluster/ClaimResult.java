package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.List;

/**
 * What a {@link ClaimOp} found: the lease granted to the caller (fill from the origin), or other
 * edges in scope holding a fresh copy (fill from one of them), or the lease another edge holds
 * (share that edge's fill).
 */
public final class ClaimResult implements IdentifiedDataSerializable {

  private boolean granted;
  private List<Holder> holders;
  private FillLease lease;

  /** For deserialization. */
  public ClaimResult() {}

  public ClaimResult(boolean granted, List<Holder> holders, FillLease lease) {
    this.granted = granted;
    this.holders = List.copyOf(holders);
    this.lease = lease;
  }

  /** True when the caller's lease was stored: it fills from the origin. */
  public boolean granted() {
    return granted;
  }

  /** When not granted: the holders in scope (possibly none). */
  public List<Holder> holders() {
    return holders;
  }

  /** The caller's lease when granted; else another edge's lease, or null when there are holders. */
  public FillLease lease() {
    return lease;
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.CLAIM_RESULT;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeBoolean(granted);
    DirectoryEntry.writeHolders(out, holders);
    DirectoryEntry.writeLease(out, lease);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    granted = in.readBoolean();
    holders = DirectoryEntry.readHolders(in);
    lease = DirectoryEntry.readLease(in);
  }

  @Override
  public String toString() {
    return "ClaimResult[granted " + granted + ", holders " + holders + ", lease " + lease + "]";
  }
}
