package io.opencdn.edge.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * An endpoint under {@code /_cdn/} that another stage serves (the cluster's drain, invalidation,
 * cluster and peer endpoints), handed to {@link AdminEndpoints} when it is built.
 *
 * @param prefix path prefix it answers, e.g. {@code /_cdn/invalidations}
 * @param needsToken whether the admin token is required first; without it the handler authenticates
 *     by itself (the peer endpoint takes the cluster's peer token)
 * @param handler what answers the request
 */
public record AdminRoute(String prefix, boolean needsToken, Handler<HttpServerRequest> handler) {

  /**
   * A route behind the admin token that answers every request with {@code body} as indented JSON,
   * marked {@code Cache-Control: no-store}.
   */
  public static AdminRoute json(String prefix, Supplier<JsonObject> body) {
    return new AdminRoute(
        prefix,
        true,
        req ->
            req.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.get().encodePrettily()));
  }
}
