package io.opencdn.edge.peer;

import io.opencdn.edge.cache.CachedResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wire form of a stored object between edges ({@code application/x-opencdn-object}): a 4-byte
 * big-endian length, that many bytes of JSON metadata (status, headers in order, request and
 * response times, freshness lifetime, Vary selection), then the body bytes. The receiving edge
 * rebuilds the same {@link CachedResponse}, so {@code Age} keeps counting from the filler's
 * response time (edges are expected to keep their clocks in sync, e.g. with NTP).
 */
public final class ObjectCodec {

  /** Media type of an encoded object. */
  public static final String MEDIA_TYPE = "application/x-opencdn-object";

  private ObjectCodec() {}

  /** Encodes {@code r}. */
  public static Buffer encode(CachedResponse r) {
    JsonArray headers = new JsonArray();
    for (Map.Entry<String, String> e : r.headers()) {
      headers.add(new JsonArray().add(e.getKey()).add(e.getValue()));
    }
    JsonObject meta = new JsonObject()
        .put("status", r.status())
        .put("headers", headers)
        .put("requestTime", r.requestTimeMillis())
        .put("responseTime", r.responseTimeMillis())
        .put("lifetime", r.freshnessLifetimeSeconds())
        .put("vary", new JsonObject(new HashMap<>(r.varyValues())));
    Buffer m = meta.toBuffer();
    return Buffer.buffer(4 + m.length() + r.body().length()).appendInt(m.length()).appendBuffer(m).appendBuffer(r.body());
  }

  /** Decodes what {@link #encode} produced; throws {@link IllegalArgumentException} on garbage. */
  public static CachedResponse decode(Buffer b) {
    try {
      int len = b.getInt(0);
      if (len < 2 || 4L + len > b.length()) {
        throw new IllegalArgumentException("bad metadata length " + len);
      }
      JsonObject meta = new JsonObject(b.getBuffer(4, 4 + len));
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (Object o : meta.getJsonArray("headers")) {
        JsonArray h = (JsonArray) o;
        headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getString(0), h.getString(1)));
      }
      Map<String, String> vary = new HashMap<>();
      meta.getJsonObject("vary").forEach(e -> vary.put(e.getKey(), String.valueOf(e.getValue())));
      return new CachedResponse(meta.getInteger("status"), headers, b.getBuffer(4 + len, b.length()),
          meta.getLong("requestTime"), meta.getLong("responseTime"), meta.getLong("lifetime"), vary);
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException("bad object: " + e, e);
    }
  }
}
