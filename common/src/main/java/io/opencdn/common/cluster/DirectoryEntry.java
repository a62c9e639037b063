package io.opencdn.common.cluster;

import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The value of one {@link ClusterMaps#CACHE_DIRECTORY} entry: which edges hold a fresh copy of a
 * cache key and which edge, if any, is filling it now. Holders and lease share one entry so that a
 * miss learns both in one operation on the key's partition ({@link ClaimOp}); every change is an
 * entry processor, so concurrent edges never overwrite each other. The entry's Hazelcast TTL
 * follows the latest expiry among its holders and lease; an entry with neither is removed.
 */
public final class DirectoryEntry implements IdentifiedDataSerializable {

  /** Most holders kept per key (the oldest-expiring make way): a bound even for forged writes. */
  public static final int MAX_HOLDERS = 64;

  private List<Holder> holders;
  private FillLease lease;

  /** For deserialization. */
  public DirectoryEntry() {
    this(List.of(), null);
  }

  public DirectoryEntry(List<Holder> holders, FillLease lease) {
    this.holders = List.copyOf(holders);
    this.lease = lease;
  }

  /** The holders, in no particular order. */
  public List<Holder> holders() {
    return holders;
  }

  /**
   * The holders whose copy has not expired at {@code nowMillis}, leaving out {@code edgeId}'s
   * (null: none left out), in their order.
   */
  List<Holder> holdersAt(long nowMillis, String edgeId) {
    return holders.stream()
        .filter(h -> h.expiresMillis() > nowMillis && !h.edgeId().equals(edgeId))
        .toList();
  }

  /** The fill lease, or null. */
  public FillLease lease() {
    return lease;
  }

  /**
   * Writes {@code holders} and {@code lease} into {@code entry} (or removes it when both are
   * empty), with a TTL reaching the latest expiry. Keeps at most {@link #MAX_HOLDERS} holders.
   */
  static void store(
      Map.Entry<String, DirectoryEntry> entry,
      List<Holder> holders,
      FillLease lease,
      long nowMillis) {
    if (holders.isEmpty() && lease == null) {
      if (entry.getValue() != null) {
        entry.setValue(null);
      }
      return;
    }
    List<Holder> kept = holders;
    if (kept.size() > MAX_HOLDERS) {
      kept = new ArrayList<>(holders);
      kept.sort(Comparator.comparingLong(Holder::expiresMillis).reversed());
      kept = kept.subList(0, MAX_HOLDERS);
    }
    long until = lease == null ? nowMillis : lease.expiresMillis();
    for (Holder h : kept) {
      until = Math.max(until, h.expiresMillis());
    }
    ((ExtendedMapEntry<String, DirectoryEntry>) entry)
        .setValue(
            new DirectoryEntry(kept, lease),
            Math.max(1000, until - nowMillis),
            TimeUnit.MILLISECONDS);
  }

  @Override
  public int getFactoryId() {
    return ClusterSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ClusterSerialization.DIRECTORY_ENTRY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    writeHolders(out, holders);
    writeLease(out, lease);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    holders = readHolders(in);
    lease = readLease(in);
  }

  static void writeHolders(ObjectDataOutput out, List<Holder> holders) throws IOException {
    out.writeInt(holders.size());
    for (Holder h : holders) {
      h.write(out);
    }
  }

  static List<Holder> readHolders(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_HOLDERS) {
      throw new IOException("directory entry with " + n + " holders");
    }
    List<Holder> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Holder.read(in));
    }
    return List.copyOf(out);
  }

  static void writeLease(ObjectDataOutput out, FillLease lease) throws IOException {
    out.writeBoolean(lease != null);
    if (lease != null) {
      lease.write(out);
    }
  }

  static FillLease readLease(ObjectDataInput in) throws IOException {
    return in.readBoolean() ? FillLease.read(in) : null;
  }

  @Override
  public String toString() {
    return "DirectoryEntry[holders " + holders + ", lease " + lease + "]";
  }
}
