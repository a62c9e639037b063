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
import java.util.Set;

/**
 * A miss asks the directory in one step: holders in scope (other than the caller and the {@code
 * stale} edges it already found without the object, which are dropped) are returned without a
 * lease; else the current lease of another live edge is returned; else the caller's {@code lease}
 * is stored and granted. Holders and leases of members no longer in the cluster, and expired ones,
 * are dropped.
 */
public final class ClaimOp
    implements EntryProcessor<String, DirectoryEntry, ClaimResult>,
        IdentifiedDataSerializable,
        HazelcastInstanceAware {

  private FillLease lease;
  private long nowMillis;
  private String region;
  private List<String> stale;
  private transient HazelcastInstance hz;

  /** For deserialization. */
  public ClaimOp() {}

  /**
   * @param lease the caller's lease, stored when granted
   * @param region holders of this region only count, or null for any region
   * @param stale edges already asked for this fill that did not have it
   */
  public ClaimOp(FillLease lease, long nowMillis, String region, List<String> stale) {
    this.lease = lease;
    this.nowMillis = nowMillis;
    this.region = region;
    this.stale = List.copyOf(stale);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public ClaimResult process(Map.Entry<String, DirectoryEntry> entry) {
    DirectoryEntry cur = entry.getValue();
    Set<String> live = DirectoryOps.liveMembers(hz);
    List<Holder> holders = new ArrayList<>();
    List<Holder> usable = new ArrayList<>();
    boolean pruned = false;
    FillLease held = null;
    if (cur != null) {
      for (Holder h : cur.holders()) {
        boolean ok =
            h.expiresMillis() > nowMillis
                && (live == null || live.contains(h.memberUuid()))
                && !stale.contains(h.edgeId())
                && !h.edgeId().equals(lease.edgeId());
        if (!ok) {
          pruned = true;
          continue;
        }
        holders.add(h);
        if (region == null || region.equals(h.region())) {
          usable.add(h);
        }
      }
      FillLease l = cur.lease();
      if (l != null
          && l.expiresMillis() > nowMillis
          && (live == null || live.contains(l.memberUuid()))) {
        held = l;
      } else if (l != null) {
        pruned = true;
      }
    }
    if (!usable.isEmpty()) {
      if (pruned) {
        DirectoryEntry.store(entry, holders, held, nowMillis);
      }
      return new ClaimResult(false, List.copyOf(usable), null);
    }
    if (held != null && !held.edgeId().equals(lease.edgeId())) {
      if (pruned) {
        DirectoryEntry.store(entry, holders, held, nowMillis);
      }
      return new ClaimResult(false, List.of(), held);
    }
    DirectoryEntry.store(entry, holders, lease, nowMillis);
    return new ClaimResult(true, List.of(), lease);
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.CLAIM;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    lease.write(out);
    out.writeLong(nowMillis);
    out.writeString(region);
    out.writeInt(stale.size());
    for (String s : stale) {
      out.writeString(s);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    lease = FillLease.read(in);
    nowMillis = in.readLong();
    region = in.readString();
    int n = in.readInt();
    if (n < 0 || n > DirectoryEntry.MAX_HOLDERS) {
      throw new IOException("claim with " + n + " stale edges");
    }
    List<String> s = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      s.add(in.readString());
    }
    stale = List.copyOf(s);
  }
}
