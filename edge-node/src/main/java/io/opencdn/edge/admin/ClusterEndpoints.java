package io.opencdn.edge.admin;

import io.opencdn.common.cluster.EdgeState;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's admin endpoints (all behind the admin bearer token):
 *
 * <ul>
 *   <li>{@code POST /_cdn/drain}, {@code POST /_cdn/undrain}: registry state DRAINING / ACTIVE; 200
 *       {@code {"id":..,"state":..}}. The edge keeps serving either way.
 *   <li>{@code POST /_cdn/invalidations} with {@code
 *       {"paths":[..],"surrogateKeys":[..],"host":..}}: 202 with the invalidation's status and
 *       {@code Location}. A path starts with {@code /} and may end in {@code *} (prefix); an entry
 *       of {@code paths} that does not start with {@code /} is taken as a surrogate key. Paths are
 *       normalised as cache keys are ({@link io.opencdn.edge.cache.Targets}: a purge of {@code
 *       /%62} or {@code /a/../b} is one of {@code /b}). 400 on a malformed body, an invalid path or
 *       nothing to purge.
 *   <li>{@code GET /_cdn/invalidations/{id}}: 200 with {@code status} InProgress or Completed,
 *       {@code acknowledged} and {@code pending} edges; 404 when unknown.
 *   <li>{@code GET /_cdn/cluster}: this edge's state, load and cluster fill counters.
 * </ul>
 */
public final class ClusterEndpoints {

  /** Prefix of the invalidation endpoints. */
  public static final String INVALIDATIONS = "/_cdn/invalidations";

  private static final int MAX_BODY = 1 << 20;
  private static final int MAX_ENTRIES = 3000;

  /** What these endpoints act on: the cluster part of the edge. */
  public interface Cluster {
    /** Publishes this edge's registry state (DRAINING or ACTIVE). */
    Future<Void> state(EdgeState state);

    /**
     * Submits an invalidation of normalised {@code paths} (a trailing {@code *}: prefix) and {@code
     * surrogateKeys} for {@code host} (null: every host); yields its status.
     */
    Future<JsonObject> invalidate(String host, List<String> paths, List<String> surrogateKeys);

    /** The status of invalidation {@code id}, or a null result when unknown. */
    Future<JsonObject> invalidation(String id);

    /** The body of {@code GET /_cdn/cluster}. */
    JsonObject stats();
  }

  private final String edgeId;
  private final Cluster cluster;

  public ClusterEndpoints(String edgeId, Cluster cluster) {
    this.edgeId = edgeId;
    this.cluster = cluster;
  }

  /** {@code /_cdn/drain} and {@code /_cdn/undrain}. */
  public void drain(HttpServerRequest req, EdgeState state) {
    if (req.method() != HttpMethod.POST) {
      error(req, 405, "use POST");
      return;
    }
    cluster
        .state(state)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                error(req, 503, "registry write failed: " + ar.cause().getMessage());
              } else {
                json(req, 200, new JsonObject().put("id", edgeId).put("state", state.name()));
              }
            });
  }

  /** {@code GET /_cdn/cluster}. */
  public void cluster(HttpServerRequest req) {
    json(req, 200, cluster.stats());
  }

  /** {@code /_cdn/invalidations} and {@code /_cdn/invalidations/{id}}. */
  public void invalidations(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(INVALIDATIONS) && req.method() == HttpMethod.POST) {
      req.body()
          .onComplete(
              ar -> {
                if (ar.failed() || ar.result().length() > MAX_BODY) {
                  error(req, 400, "body missing or larger than 1 MiB");
                  return;
                }
                submit(req, ar.result().toString());
              });
    } else if (path.startsWith(INVALIDATIONS + "/") && req.method() == HttpMethod.GET) {
      String id = path.substring(INVALIDATIONS.length() + 1);
      cluster
          .invalidation(id)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  error(req, 503, "cluster unavailable: " + ar.cause().getMessage());
                } else if (ar.result() == null) {
                  error(req, 404, "no invalidation " + id);
                } else {
                  json(req, 200, ar.result());
                }
              });
    } else {
      error(req, 405, "POST " + INVALIDATIONS + " or GET " + INVALIDATIONS + "/{id}");
    }
  }

  private void submit(HttpServerRequest req, String body) {
    List<String> paths = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    String host;
    try {
      JsonObject json = new JsonObject(body);
      host = json.getString("host");
      for (Object o : json.getJsonArray("paths", new JsonArray())) {
        String s = String.valueOf(o).trim();
        if (!s.startsWith("/")) {
          keys.add(s);
          continue;
        }
        // the cache keys hold normalised targets (cache.Targets): so must the paths that match them
        boolean prefix = s.endsWith("*");
        String normal =
            io.opencdn.edge.cache.Targets.normalize(prefix ? s.substring(0, s.length() - 1) : s);
        if (normal == null) {
          error(req, 400, "not a valid path: " + s);
          return;
        }
        paths.add(prefix ? normal + "*" : normal);
      }
      for (Object o : json.getJsonArray("surrogateKeys", new JsonArray())) {
        keys.add(String.valueOf(o).trim());
      }
    } catch (DecodeException | ClassCastException e) {
      error(req, 400, "expected {\"paths\":[...],\"surrogateKeys\":[...]}: " + e.getMessage());
      return;
    }
    keys.removeIf(String::isEmpty);
    if (paths.isEmpty() && keys.isEmpty() || paths.size() + keys.size() > MAX_ENTRIES) {
      error(req, 400, "between 1 and " + MAX_ENTRIES + " paths or surrogate keys required");
      return;
    }
    Future<JsonObject> f = cluster.invalidate(host, paths, keys);
    f.onComplete(
        ar -> {
          if (ar.failed()) {
            error(req, 503, "cluster unavailable: " + ar.cause().getMessage());
          } else {
            req.response().putHeader("Location", INVALIDATIONS + "/" + ar.result().getString("id"));
            json(req, 202, ar.result());
          }
        });
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  private static void error(HttpServerRequest req, int status, String message) {
    json(req, status, new JsonObject().put("error", message));
  }
}
