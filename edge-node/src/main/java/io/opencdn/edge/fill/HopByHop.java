package io.opencdn.edge.fill;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop header handling (RFC 9110 section 7.6.1): a proxy removes the fixed hop-by-hop fields
 * and every field named in {@code Connection} before forwarding a message, both towards the origin
 * and back to the client.
 */
public final class HopByHop {

  private static final Set<String> FIXED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private HopByHop() {}

  /** A new header map with only the end-to-end fields of {@code headers}. */
  public static MultiMap endToEnd(MultiMap headers) {
    Set<String> drop = new HashSet<>(FIXED);
    for (String connection : headers.getAll("Connection")) {
      for (String name : connection.split(",")) {
        drop.add(name.trim().toLowerCase(Locale.ROOT));
      }
    }
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (var e : headers) {
      if (!drop.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        out.add(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
