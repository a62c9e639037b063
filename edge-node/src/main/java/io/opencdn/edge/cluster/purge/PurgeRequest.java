package io.opencdn.edge.cluster.purge;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One invalidation, as broadcast to every edge: which stored objects to drop.
 *
 * <ul>
 *   <li>a path {@code /a/b.css} matches the request target exactly (query included);
 *   <li>a path ending in {@code *} ({@code /img/*}, or {@code /*} for everything) matches every
 *       target starting with what precedes the star;
 *   <li>a surrogate key matches objects whose origin response named it in {@code Surrogate-Key}
 *       (space separated) or {@code Cache-Tag} (comma separated).
 * </ul>
 *
 * @param id invalidation id
 * @param host lower-case host the paths apply to, or null for every host
 * @param paths exact paths and prefix wildcards, each starting with {@code /}
 * @param surrogateKeys surrogate keys / cache tags
 * @param createdMillis clock time the request was accepted
 * @param tag the {@link RecordMac} tag of the accepting edge ({@link #signed}); edges apply only an
 *     {@link #authentic} request, so a member without the cluster secret cannot purge
 */
public record PurgeRequest(
    String id,
    String host,
    List<String> paths,
    List<String> surrogateKeys,
    long createdMillis,
    byte[] tag) {

  /** Most paths and surrogate keys read from the wire (the admin endpoint accepts fewer). */
  static final int MAX_ENTRIES = 10_000;

  public PurgeRequest {
    Objects.requireNonNull(id, "id");
    host = host == null || host.isBlank() ? null : host.toLowerCase(Locale.ROOT);
    paths = List.copyOf(paths);
    surrogateKeys = List.copyOf(surrogateKeys);
    for (String p : paths) {
      if (!p.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /: " + p);
      }
    }
  }

  /** An unsigned request. */
  public PurgeRequest(
      String id, String host, List<String> paths, List<String> surrogateKeys, long createdMillis) {
    this(id, host, paths, surrogateKeys, createdMillis, null);
  }

  /** This request tagged with {@code mac}. */
  public PurgeRequest signed(RecordMac mac) {
    return new PurgeRequest(id, host, paths, surrogateKeys, createdMillis, mac.tag(parts()));
  }

  /** True when a member knowing the cluster secret accepted this request. */
  public boolean authentic(RecordMac mac) {
    return mac.verify(tag, parts());
  }

  private Object[] parts() {
    List<Object> parts = new ArrayList<>(paths.size() + surrogateKeys.size() + 6);
    parts.add("purge");
    parts.add(id);
    parts.add(host);
    parts.add(createdMillis);
    parts.add(paths.size());
    parts.addAll(paths);
    parts.add(surrogateKeys.size());
    parts.addAll(surrogateKeys);
    return parts.toArray();
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(id);
    out.writeString(host);
    writeStrings(out, paths);
    writeStrings(out, surrogateKeys);
    out.writeLong(createdMillis);
    out.writeByteArray(tag);
  }

  static PurgeRequest read(ObjectDataInput in) throws IOException {
    return new PurgeRequest(
        in.readString(),
        in.readString(),
        readStrings(in),
        readStrings(in),
        in.readLong(),
        in.readByteArray());
  }

  static void writeStrings(ObjectDataOutput out, Collection<String> list) throws IOException {
    out.writeInt(list.size());
    for (String s : list) {
      out.writeString(s);
    }
  }

  static List<String> readStrings(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_ENTRIES) {
      throw new IOException("a list of " + n + " entries");
    }
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(java.util.Objects.requireNonNull(in.readString(), "entry"));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PurgeRequest r
        && r.id.equals(id)
        && Objects.equals(r.host, host)
        && r.paths.equals(paths)
        && r.surrogateKeys.equals(surrogateKeys)
        && r.createdMillis == createdMillis
        && Arrays.equals(r.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, host, paths, surrogateKeys, createdMillis);
  }

  @Override
  public String toString() {
    return "PurgeRequest["
        + id
        + " host "
        + host
        + " paths "
        + paths
        + " keys "
        + surrogateKeys
        + " at "
        + createdMillis
        + "]";
  }

  /**
   * True when the object stored under {@code key} with surrogate keys {@code tags} is covered by
   * this request.
   */
  public boolean matches(CacheKey key, Collection<String> tags) {
    if (host != null && !host.equals(key.host())) {
      return false;
    }
    for (String p : paths) {
      if (p.endsWith("*")
          ? key.target().startsWith(p.substring(0, p.length() - 1))
          : key.target().equals(p)) {
        return true;
      }
    }
    if (!surrogateKeys.isEmpty() && tags != null) {
      for (String k : tags) {
        if (surrogateKeys.contains(k)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The surrogate keys an object was stored with: its Surrogate-Key and Cache-Tag values. */
  public static List<String> tags(CachedResponse response) {
    List<String> out = new java.util.ArrayList<>();
    for (var e : response.headers()) {
      if (e.getKey().equalsIgnoreCase("Surrogate-Key")) {
        addAll(out, e.getValue().split("\\s+"));
      } else if (e.getKey().equalsIgnoreCase("Cache-Tag")) {
        addAll(out, e.getValue().split(","));
      }
    }
    return out;
  }

  private static void addAll(List<String> out, String[] parts) {
    for (String p : parts) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
  }
}
