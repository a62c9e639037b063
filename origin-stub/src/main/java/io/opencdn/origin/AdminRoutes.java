package io.opencdn.origin;

import io.opencdn.common.config.AdminToken;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin endpoints under {@code /_origin/}: {@code GET /_origin/health} (open), {@code GET
 * /_origin/stats} and {@code DELETE /_origin/stats} (both need {@code Authorization: Bearer
 * <token>}; 401 with {@code WWW-Authenticate: Bearer} otherwise, RFC 6750 §3).
 */
final class AdminRoutes {

  static final String PREFIX = "/_origin/";

  private final AdminToken token;
  private final RequestCounter counter;

  AdminRoutes(AdminToken token, RequestCounter counter) {
    this.token = token;
    this.counter = counter;
  }

  void mount(Router router) {
    router
        .get(PREFIX + "health")
        .handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get(PREFIX + "stats").handler(authorized(ctx -> json(ctx, 200, stats())));
    router
        .delete(PREFIX + "stats")
        .handler(
            authorized(
                ctx -> {
                  counter.reset();
                  ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
                }));
  }

  /** {@code {"total":N,"paths":{"/a":1,...}}}. */
  JsonObject stats() {
    JsonObject paths = new JsonObject();
    counter.snapshot().forEach(paths::put);
    return new JsonObject().put("total", counter.total()).put("paths", paths);
  }

  private Handler<RoutingContext> authorized(Handler<RoutingContext> next) {
    return ctx -> {
      if (token.accepts(ctx.request().getHeader("Authorization"))) {
        next.handle(ctx);
      } else {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"origin\"");
        json(ctx, 401, new JsonObject().put("error", "missing or wrong bearer token"));
      }
    };
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
