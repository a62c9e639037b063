package io.opencdn.edge.admin;

import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import io.opencdn.common.cluster.ConfigStore;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.common.distribution.Problems;
import io.opencdn.common.distribution.TextDiff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;

/**
 * The control plane on the admin API (behind the admin token; {@code ./cdn config} uses them):
 *
 * <ul>
 *   <li>{@code GET /_cdn/config}: the current version, what each member runs and since when (and
 *       why it could not activate the current one), the kept versions.
 *   <li>{@code POST /_cdn/config?message=M&source=FILE} with the YAML as body: validates it (422
 *       with {@code errors}, every one {@code FILE:LINE: key 'PATH': ...}, nothing published) and
 *       publishes it; 200 with the version once it is current in the cluster.
 *   <li>{@code GET /_cdn/config/versions/HASH}: a kept version's text.
 *   <li>{@code GET /_cdn/config/diff?a=HASH&b=HASH}: the line diff of two kept versions.
 *   <li>{@code POST /_cdn/config/rollback[?version=HASH]}: makes a kept version (default: the
 *       previous one) current again; 404 when there is none.
 * </ul>
 *
 * Hazelcast calls run on worker threads, never on the event loop.
 */
public final class ConfigEndpoints {

  public static final String PREFIX = "/_cdn/config";
  private static final int MAX_BODY = 1 << 20;

  private final Vertx vertx;
  private final ConfigStore store;

  public ConfigEndpoints(Vertx vertx, ConfigStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** The route for {@link AdminEndpoints}. */
  public AdminRoute route() {
    return new AdminRoute(PREFIX, true, this::handle);
  }

  void handle(HttpServerRequest req) {
    String rest = req.path().substring(PREFIX.length());
    if (rest.isEmpty() || rest.equals("/")) {
      if (req.method() == HttpMethod.GET) {
        blocking(req, this::status);
      } else if (req.method() == HttpMethod.POST) {
        apply(req);
      } else {
        error(req, 405, "GET or POST");
      }
    } else if (rest.startsWith("/versions/") && req.method() == HttpMethod.GET) {
      String hash = rest.substring("/versions/".length());
      vertx
          .executeBlocking(() -> store.version(hash))
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  error(req, 503, ar.cause().getMessage());
                } else if (ar.result() == null) {
                  error(req, 404, "no kept version " + hash);
                } else {
                  req.response()
                      .putHeader("Content-Type", "application/yaml")
                      .putHeader("X-Config-Version", ar.result().hash())
                      .end(ar.result().text());
                }
              });
    } else if (rest.equals("/diff") && req.method() == HttpMethod.GET) {
      String a = req.getParam("a");
      String b = req.getParam("b");
      vertx
          .executeBlocking(() -> new Version[] {store.version(a), store.version(b)})
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  error(req, 503, ar.cause().getMessage());
                } else if (ar.result()[0] == null || ar.result()[1] == null) {
                  error(req, 404, "no kept version " + (ar.result()[0] == null ? a : b));
                } else {
                  req.response()
                      .putHeader("Content-Type", "text/plain; charset=utf-8")
                      .end(
                          "--- "
                              + ar.result()[0].hash()
                              + "\n+++ "
                              + ar.result()[1].hash()
                              + "\n"
                              + TextDiff.diff(ar.result()[0].text(), ar.result()[1].text()));
                }
              });
    } else if (rest.equals("/rollback") && req.method() == HttpMethod.POST) {
      String version = req.getParam("version");
      vertx
          .executeBlocking(
              () -> store.rollback(version == null || version.isBlank() ? null : version))
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  error(req, 409, ar.cause().getMessage());
                } else if (ar.result() == null) {
                  error(
                      req,
                      404,
                      version == null
                          ? "no earlier version to roll back to"
                          : "no kept version " + version);
                } else {
                  json(req, 200, versionJson(ar.result()));
                }
              });
    } else {
      error(req, 404, "unknown config endpoint");
    }
  }

  private void apply(HttpServerRequest req) {
    String source = req.getParam("source") == null ? "distributions.yaml" : req.getParam("source");
    String message = req.getParam("message");
    req.body()
        .onComplete(
            body -> {
              if (body.failed() || body.result().length() > MAX_BODY) {
                error(req, 400, "body missing or larger than 1 MiB");
                return;
              }
              String text = body.result().toString();
              DistributionsDocument doc;
              try {
                doc = DistributionsParser.parse(text, source);
              } catch (Problems.DocumentException e) {
                json(
                    req,
                    422,
                    new JsonObject()
                        .put("error", "invalid document, nothing published")
                        .put("errors", new JsonArray(e.problems())));
                return;
              }
              vertx
                  .executeBlocking(() -> store.publish(doc.hash(), text, message))
                  .onComplete(
                      ar -> {
                        if (ar.failed()) {
                          error(req, 409, ar.cause().getMessage());
                        } else {
                          json(req, 200, versionJson(ar.result()));
                        }
                      });
            });
  }

  private JsonObject status() {
    Version current = store.currentVersion();
    JsonArray members = new JsonArray();
    for (MemberState m : store.members()) {
      members.add(
          new JsonObject()
              .put("member", m.member())
              .put("kind", m.kind())
              .put("version", m.hash())
              .put("since", m.since())
              .put("error", m.error()));
    }
    JsonArray versions = new JsonArray();
    store.history().forEach(v -> versions.add(versionJson(v)));
    return new JsonObject()
        .put("current", current == null ? null : versionJson(current))
        .put("members", members)
        .put("versions", versions);
  }

  private static JsonObject versionJson(Version v) {
    return new JsonObject()
        .put("version", v.hash())
        .put("seq", v.seq())
        .put("time", v.time())
        .put("message", v.message());
  }

  private void blocking(HttpServerRequest req, Callable<JsonObject> work) {
    Future<JsonObject> f = vertx.executeBlocking(work);
    f.onComplete(
        ar -> {
          if (ar.failed()) {
            error(req, 503, String.valueOf(ar.cause().getMessage()));
          } else {
            json(req, 200, ar.result());
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
