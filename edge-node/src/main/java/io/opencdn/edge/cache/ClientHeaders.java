package io.opencdn.edge.cache;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stored headers a client gets with a cached response ({@link CachedResponse#clientHeaders()}),
 * as wire-ready name and value pairs: all but the framing fields, {@code Age} and {@code
 * Surrogate-Control}. A holder with a final field, so that publishing it through a race is safe
 * (JLS 17.5).
 */
final class ClientHeaders {
  private final AsciiString[] pairs;

  ClientHeaders(List<Map.Entry<String, String>> headers) {
    List<AsciiString> out = new ArrayList<>(headers.size() * 2);
    for (Map.Entry<String, String> e : headers) {
      String k = e.getKey();
      if (!k.equalsIgnoreCase("Content-Length")
          && !k.equalsIgnoreCase("Transfer-Encoding")
          && !k.equalsIgnoreCase("Age")
          && !k.equalsIgnoreCase("Surrogate-Control")) {
        out.add(AsciiString.cached(k));
        out.add(AsciiString.cached(e.getValue()));
      }
    }
    pairs = out.toArray(new AsciiString[0]);
  }

  /** {@code [name0, value0, name1, value1, ...]}; callers must not modify the array. */
  AsciiString[] pairs() {
    return pairs;
  }
}
