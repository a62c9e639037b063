package io.opencdn.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations on {@link ClusterMaps#CACHE_DIRECTORY}, each an entry processor run on the key's
 * partition: {@link Claim} (the one cluster operation on a miss's critical path), {@link Stored},
 * {@link Release} and {@link Withdraw} (off it). Times are the caller's clock, passed in, so the
 * outcome does not depend on the partition owner's clock.
 */
public final class DirectoryOps {

  /** Most keys, and most operations per key, in one {@link Batch}. */
  public static final int MAX_BATCH = 4096;

  private DirectoryOps() {}

  /**
   * What a {@link Claim} found: the lease granted to the caller (fill from the origin), or other
   * edges in scope holding a fresh copy (fill from one of them), or the lease another edge holds
   * (share that edge's fill).
   */
  public static final class ClaimResult implements IdentifiedDataSerializable {

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

    /**
     * The caller's lease when granted; else another edge's lease, or null when there are holders.
     */
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

  /**
   * A miss asks the directory in one step: holders in scope (other than the caller and the {@code
   * stale} edges it already found without the object, which are dropped) are returned without a
   * lease; else the current lease of another live edge is returned; else the caller's {@code lease}
   * is stored and granted. Holders and leases of members no longer in the cluster, and expired
   * ones, are dropped.
   */
  public static final class Claim
      implements EntryProcessor<String, DirectoryEntry, ClaimResult>,
          IdentifiedDataSerializable,
          HazelcastInstanceAware {

    private FillLease lease;
    private long nowMillis;
    private String region;
    private List<String> stale;
    private transient HazelcastInstance hz;

    /** For deserialization. */
    public Claim() {}

    /**
     * @param lease the caller's lease, stored when granted
     * @param region holders of this region only count, or null for any region
     * @param stale edges already asked for this fill that did not have it
     */
    public Claim(FillLease lease, long nowMillis, String region, List<String> stale) {
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
      Set<String> live = liveMembers(hz);
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

  /**
   * After an edge stored a copy: lists {@code holder} (replacing that edge's earlier entry), drops
   * expired holders and releases {@code lease} when it is still the current one.
   */
  public static final class Stored
      implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

    private Holder holder;
    private FillLease lease;
    private long nowMillis;

    /** For deserialization. */
    public Stored() {}

    /**
     * @param lease the lease to release with it, or null
     */
    public Stored(Holder holder, FillLease lease, long nowMillis) {
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
        for (Holder h : cur.holders()) {
          if (h.expiresMillis() > nowMillis && !h.edgeId().equals(holder.edgeId())) {
            holders.add(h);
          }
        }
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

  /** Frees {@code lease} when it is still the current one (not expired and taken again since). */
  public static final class Release
      implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

    private FillLease lease;
    private long nowMillis;

    /** For deserialization. */
    public Release() {}

    public Release(FillLease lease, long nowMillis) {
      this.lease = lease;
      this.nowMillis = nowMillis;
    }

    @Override
    public Void process(Map.Entry<String, DirectoryEntry> entry) {
      DirectoryEntry cur = entry.getValue();
      if (cur != null && lease.equals(cur.lease())) {
        List<Holder> holders =
            cur.holders().stream().filter(h -> h.expiresMillis() > nowMillis).toList();
        DirectoryEntry.store(entry, holders, null, nowMillis);
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

  /** Removes one edge from the holders of the key (purged or evicted there). */
  public static final class Withdraw
      implements EntryProcessor<String, DirectoryEntry, Void>, IdentifiedDataSerializable {

    private String edgeId;
    private long nowMillis;

    /** For deserialization. */
    public Withdraw() {}

    public Withdraw(String edgeId, long nowMillis) {
      this.edgeId = edgeId;
      this.nowMillis = nowMillis;
    }

    @Override
    public Void process(Map.Entry<String, DirectoryEntry> entry) {
      DirectoryEntry cur = entry.getValue();
      if (cur != null && cur.holders().stream().anyMatch(h -> h.edgeId().equals(edgeId))) {
        List<Holder> holders =
            cur.holders().stream()
                .filter(h -> !h.edgeId().equals(edgeId) && h.expiresMillis() > nowMillis)
                .toList();
        DirectoryEntry.store(entry, holders, cur.lease(), nowMillis);
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

  /**
   * Several operations on several keys in one message: the processor of each key (in order) is
   * applied to that key's entry; the result is the last one's. One batch is sent per partition
   * owner, so a burst of misses or announcements costs one round trip per member, not per key.
   */
  public static final class Batch
      implements EntryProcessor<String, DirectoryEntry, Object>,
          IdentifiedDataSerializable,
          HazelcastInstanceAware {

    private Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops;
    private transient HazelcastInstance hz;

    /** For deserialization. */
    public Batch() {}

    public Batch(Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops) {
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
      if (n < 0 || n > MAX_BATCH) {
        throw new IOException("batch of " + n + " keys");
      }
      ops = new java.util.HashMap<>();
      for (int i = 0; i < n; i++) {
        String key = in.readString();
        int m = in.readInt();
        if (m < 0 || m > MAX_BATCH) {
          throw new IOException("batch of " + m + " operations on one key");
        }
        List<EntryProcessor<String, DirectoryEntry, ?>> l = new ArrayList<>(m);
        for (int j = 0; j < m; j++) {
          Object o = in.readObject();
          if (!(o instanceof Claim
              || o instanceof Stored
              || o instanceof Release
              || o instanceof Withdraw)) {
            throw new IOException(
                "not a directory operation: " + (o == null ? "null" : o.getClass().getName()));
          }
          @SuppressWarnings("unchecked")
          EntryProcessor<String, DirectoryEntry, ?> p =
              (EntryProcessor<String, DirectoryEntry, ?>) o;
          l.add(p);
        }
        ops.put(key, l);
      }
    }
  }

  /**
   * The member ids of the cluster as {@code hz} sees it, or null without an instance (no
   * filtering).
   */
  private static Set<String> liveMembers(HazelcastInstance hz) {
    if (hz == null) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (Member m : hz.getCluster().getMembers()) {
      out.add(m.getUuid().toString());
    }
    return out;
  }
}
