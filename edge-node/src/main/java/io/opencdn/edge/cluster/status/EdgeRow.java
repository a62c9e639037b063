package io.opencdn.edge.cluster.status;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.edge.cluster.EdgeLoad;
import io.vertx.core.json.JsonObject;

/**
 * What the status view knows of one edge: its last registry entry and load figures, its health as
 * this edge's own checks see it ({@code GET /_cdn/health} every gathering, down after {@link #FALL}
 * failures in a row or at once when the connection is refused, up again after one success) and its
 * hit counters ({@code /_cdn/stats}). Used on the view's context only.
 */
final class EdgeRow {

  /** Failed checks in a row that make an edge down. */
  static final int FALL = 2;

  final String id;
  EdgeRecord record;
  EdgeLoad load;
  boolean registered;
  long lastSeenMillis;
  private int fails;
  private Boolean up;
  private long hits = -1;
  private long misses = -1;
  private long requests = -1;

  EdgeRow(String id) {
    this.id = id;
  }

  /**
   * Counts one health check: true passed, false failed, null refused (nothing listens at the
   * address any more: down at once).
   */
  void checked(Boolean ok) {
    if (Boolean.TRUE.equals(ok)) {
      fails = 0;
      up = true;
    } else if (ok == null || ++fails >= FALL) {
      fails = Math.max(fails, FALL);
      up = false;
    }
  }

  /** Takes the counters of a {@code /_cdn/stats} body. */
  void stats(JsonObject body) {
    hits = body.getLong("hits", -1L);
    misses = body.getLong("misses", -1L);
    requests = body.getLong("requests", -1L);
  }

  /** {@code up}, {@code down} or {@code unknown} (not checked yet). */
  String health() {
    return up == null ? "unknown" : up ? "up" : "down";
  }

  /** {@code ACTIVE} or {@code DRAINING} as the registry says, {@code unknown} without an entry. */
  String state() {
    return record == null ? "unknown" : record.state().name();
  }

  /** The address the checks use, or null. */
  String host() {
    return record == null ? null : record.ipv4() != null ? record.ipv4() : record.ipv6();
  }

  JsonObject json(long now) {
    JsonObject j = new JsonObject().put("id", id).put("health", health()).put("state", state());
    j.put("registered", registered);
    if (record != null) {
      j.put("region", record.region())
          .put("latitude", record.latitude())
          .put("longitude", record.longitude())
          .put("address", host())
          .put("httpPort", record.httpPort())
          .put("capacity", record.capacity())
          .put("heartbeatAgeMillis", Math.max(0, now - record.heartbeatMillis()));
    }
    if (load != null) {
      j.put("requestsPerSecond", load.requestsPerSecond())
          .put("bytesPerSecond", load.bytesPerSecond())
          .put("openConnections", load.openConnections())
          .put("utilisation", load.utilisation());
    }
    if (hits >= 0 && misses >= 0) {
      j.put("hits", hits).put("misses", misses).put("requests", requests);
      if (hits + misses > 0) {
        j.put("hitRatio", (double) hits / (hits + misses));
      }
    }
    return j;
  }
}
