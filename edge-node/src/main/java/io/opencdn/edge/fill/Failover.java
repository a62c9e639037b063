package io.opencdn.edge.fill;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * Per-request origin failover, as CloudFront's origin groups do it: the request goes to its origin;
 * when that cannot be connected to, times out, breaks off before answering (a kept-alive connection
 * the origin has closed), or answers one of the group's {@code failoverOn} statuses, the same
 * request goes to the next member ({@link OriginRequest#fallbacks}). The answer of the last member
 * is final. Only requests without a body fail over (a streamed body cannot be sent twice).
 */
public final class Failover {

  private Failover() {}

  /** {@code inner} (the origin, or the origin watched by the cluster's health) with failover. */
  public static Filler filler(Filler inner) {
    return (key, request) -> fetch(request, r -> inner.fetch(key, r));
  }

  /** Sends {@code request} with {@code send}, failing over to its fallbacks in order. */
  public static Future<OriginResponse> fetch(
      OriginRequest request, Function<OriginRequest, Future<OriginResponse>> send) {
    List<OriginRequest> rest = request.fallbacks();
    if (rest.isEmpty() || request.body() != null) {
      return send.apply(request);
    }
    OriginRequest next = withFallbacks(rest.get(0), rest.subList(1, rest.size()), request);
    return send.apply(request)
        .transform(
            ar -> {
              if (ar.succeeded()
                  && ar.result() != null
                  && !request.failoverOn().contains(ar.result().status())) {
                return Future.succeededFuture(ar.result());
              }
              // a failure here came before any response header (refused, timed out, or a kept-alive
              // connection the origin had closed): the bodyless request is safe to send again
              if (ar.succeeded() && ar.result() != null && ar.result().raw() != null) {
                // the failed member's answer is dropped: read and discarded, so its connection is
                // reused
                ar.result().raw().handler(null);
                ar.result().raw().exceptionHandler(t -> {});
                ar.result().raw().resume();
              }
              return fetch(next, send);
            });
  }

  private static OriginRequest withFallbacks(
      OriginRequest r, List<OriginRequest> rest, OriginRequest from) {
    return new OriginRequest(
        r.origin(),
        r.method(),
        r.target(),
        r.authority(),
        r.headers(),
        r.body(),
        r.options(),
        rest,
        from.failoverOn());
  }
}
