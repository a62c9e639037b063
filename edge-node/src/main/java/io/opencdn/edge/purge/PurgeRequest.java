package io.opencdn.edge.purge;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One invalidation, as broadcast to every edge: which stored objects to drop.
 *
 * <ul>
 *   <li>a path {@code /a/b.css} matches the request target exactly (query included);</li>
 *   <li>a path ending in {@code *} ({@code /img/*}, or {@code /*} for everything) matches every
 *       target starting with what precedes the star;</li>
 *   <li>a surrogate key matches objects whose origin response named it in {@code Surrogate-Key}
 *       (space separated) or {@code Cache-Tag} (comma separated).</li>
 * </ul>
 *
 * @param id invalidation id
 * @param host lower-case host the paths apply to, or null for every host
 * @param paths exact paths and prefix wildcards, each starting with {@code /}
 * @param surrogateKeys surrogate keys / cache tags
 * @param createdMillis clock time the request was accepted
 */
public record PurgeRequest(String id, String host, List<String> paths, List<String> surrogateKeys, long createdMillis)
    implements Serializable {

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

  /** True when the object stored under {@code key} with surrogate keys {@code tags} is covered by this request. */
  public boolean matches(CacheKey key, Collection<String> tags) {
    if (host != null && !host.equals(key.host())) {
      return false;
    }
    for (String p : paths) {
      if (p.endsWith("*") ? key.target().startsWith(p.substring(0, p.length() - 1)) : key.target().equals(p)) {
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
