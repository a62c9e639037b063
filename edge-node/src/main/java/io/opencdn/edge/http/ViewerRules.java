package io.opencdn.edge.http;

import io.opencdn.common.distribution.GeoRestriction;
import io.opencdn.edge.http.viewer.GeoCountries;
import io.opencdn.edge.http.viewer.GeoGate;
import io.opencdn.edge.http.viewer.HeaderEdits;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * What a distribution and a behavior of {@code distributions.yaml} decide about a viewer before the
 * cache is asked: the geo restriction (403, through the custom error page of 403 when there is
 * one), a CORS preflight the response headers policy answers at the edge (204, never sent to the
 * origin), and the policy's header edits on whatever response the request gets (installed as the
 * response's headers-end handler, so hits, misses, passes and the edge's errors all get them). A
 * behavior without these features costs one null check.
 */
final class ViewerRules {

  private final Responder responder;
  private final ErrorPages pages;
  private final Supplier<GeoCountries> geo;

  ViewerRules(Responder responder, ErrorPages pages, Supplier<GeoCountries> geo) {
    this.responder = responder;
    this.pages = pages;
    this.geo = geo;
  }

  /**
   * Applies the route's viewer rules to {@code req}; true when the request has been answered here
   * (refused, or a preflight).
   *
   * @param logged the request's access log entry (its first-byte time is taken in the same
   *     headers-end handler: a response has only one)
   */
  boolean answered(HttpServerRequest req, Route route, AccessLog.Entry logged) {
    GeoRestriction g = route.distribution().geoRestriction();
    HeaderEdits edits = route.edits();
    if (edits != null) {
      install(req, edits, logged != null && logged.sampled ? logged.firstByte() : null);
    }
    if (g != null && !admitted(req, g)) {
      refuse(req);
      return true;
    }
    if (edits != null && edits.answersPreflight()) {
      String origin = req.getHeader("Origin");
      String method = req.getHeader("Access-Control-Request-Method");
      if (HeaderEdits.isPreflight(req.method().name(), origin, method)) {
        MultiMap h =
            edits.preflight(origin, method, req.getHeader("Access-Control-Request-Headers"));
        if (h == null) {
          responder.plain(req, 403, "403 Forbidden: CORS preflight refused by the policy");
        } else {
          req.response().headers().setAll(h);
          req.response().setStatusCode(204).end();
        }
        return true;
      }
    }
    return false;
  }

  private boolean admitted(HttpServerRequest req, GeoRestriction g) {
    InetAddress peer = null;
    try {
      peer =
          req.remoteAddress() == null
              ? null
              : InetAddress.getByName(req.remoteAddress().hostAddress());
    } catch (java.net.UnknownHostException e) {
      // an address literal always parses
    }
    return GeoGate.decide(g, geo.get(), peer, req.headers().getAll("X-Forwarded-For")).admitted();
  }

  private void refuse(HttpServerRequest req) {
    Runnable plain =
        () -> responder.plain(req, 403, "403 Forbidden: not served in the client's country");
    if (!pages.serve(req, 403, plain)) {
      plain.run();
    }
  }

  private static void install(
      HttpServerRequest req, HeaderEdits edits, io.vertx.core.Handler<Void> firstByte) {
    HttpServerResponse out = req.response();
    long start = System.nanoTime();
    String origin = edits.perRequest() ? req.getHeader("Origin") : null;
    out.headersEndHandler(
        v -> {
          if (firstByte != null) {
            firstByte.handle(v);
          }
          MultiMap h = out.headers();
          edits.applyStatic(h);
          if (edits.perRequest()) {
            edits.applyPerRequest(h, origin, h.get(ProxyHeaders.X_CACHE), start);
          }
        });
  }
}
