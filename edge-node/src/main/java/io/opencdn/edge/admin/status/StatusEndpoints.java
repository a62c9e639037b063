package io.opencdn.edge.admin.status;

import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.admin.AdminRoute;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The status page under {@code /_cdn/status} (issue 21):
 *
 * <ul>
 *   <li>{@code POST /_cdn/status/links} with the admin bearer token: 201 {@code {"path":
 *       "/_cdn/status/login?code=..", "expiresMillis": ..}}, a one-time login link ({@link
 *       StatusSessions}); {@code ./cdn demo} prints one.
 *   <li>{@code GET /_cdn/status/login?code=C}: trades the code for a session cookie ({@value
 *       #COOKIE}, HttpOnly, SameSite=Strict, path {@code /_cdn/status}) and redirects to the page;
 *       403 when the code is unknown, used or expired.
 *   <li>With the session cookie or the bearer token: {@code GET /_cdn/status} (the page), {@code
 *       /_cdn/status/assets/NAME} (its files, {@link StatusAssets}), {@code /_cdn/status/snapshot}
 *       (the picture as JSON, {@link StatusSource#snapshot}), {@code /_cdn/status/events}
 *       (server-sent events: the picture again each time it changes, checked every {@value
 *       #PUSH_MILLIS} ms) and {@code /_cdn/status/explain?client=IP&host=NAME} (the DNS server's
 *       explanation, text). 401 otherwise.
 * </ul>
 *
 * The admin log names the path only (never the query, so never a login code), and no header.
 */
public final class StatusEndpoints {

  /** Path of the page; every endpoint is under it. */
  public static final String PREFIX = "/_cdn/status";

  /** Name of the session cookie. */
  public static final String COOKIE = "cdn_status";

  /** How often an event stream checks for a new picture. */
  static final long PUSH_MILLIS = 250;

  private static final long KEEP_ALIVE_MILLIS = 15_000;

  private final Vertx vertx;
  private final AdminToken token;
  private final StatusSessions sessions;
  private final StatusSource source;
  private final StatusAssets assets = new StatusAssets();

  public StatusEndpoints(
      Vertx vertx, AdminToken token, StatusSessions sessions, StatusSource source) {
    this.vertx = vertx;
    this.token = token;
    this.sessions = sessions;
    this.source = source;
  }

  /** The route to hand to {@link io.opencdn.edge.admin.AdminEndpoints}. */
  public AdminRoute route() {
    return new AdminRoute(PREFIX, false, this::handle);
  }

  void handle(HttpServerRequest req) {
    String path = req.path();
    boolean bearer = token.accepts(req.getHeader("Authorization"));
    if (path.equals(PREFIX + "/links")) {
      if (!bearer) {
        text(req, 401, "401 Unauthorized: Bearer token required\n");
      } else if (req.method() != HttpMethod.POST) {
        text(req, 405, "use POST\n");
      } else {
        json(
            req,
            201,
            new JsonObject()
                .put("path", PREFIX + "/login?code=" + sessions.issue())
                .put("expiresMillis", StatusSessions.CODE_MILLIS));
      }
      return;
    }
    if (path.equals(PREFIX + "/login")) {
      login(req);
      return;
    }
    if (!bearer && !sessions.valid(cookie(req))) {
      req.response()
          .setStatusCode(401)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(
              "<!doctype html><title>OpenCDN status</title><p>Open the status page with a login"
                  + " link: <code>./cdn demo</code> prints one, or ask an edge for one with the"
                  + " admin token: <code>curl -X POST -H 'Authorization: Bearer $TOKEN'"
                  + " http://EDGE/_cdn/status/links</code>.</p>\n");
      return;
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      text(req, 405, "use GET\n");
    } else if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      asset(req, "index.html");
    } else if (path.startsWith(PREFIX + "/assets/")) {
      asset(req, path.substring((PREFIX + "/assets/").length()));
    } else if (path.equals(PREFIX + "/snapshot")) {
      json(req, 200, source.snapshot());
    } else if (path.equals(PREFIX + "/events")) {
      events(req);
    } else if (path.equals(PREFIX + "/explain")) {
      explain(req);
    } else {
      text(req, 404, "404 Not Found\n");
    }
  }

  private void login(HttpServerRequest req) {
    String session = sessions.redeem(req.getParam("code"));
    if (session == null) {
      req.response()
          .setStatusCode(403)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(
              "<!doctype html><title>OpenCDN status</title><p>This login link was used already"
                  + " or has expired: ask for a new one (<code>POST /_cdn/status/links</code> with"
                  + " the admin token).</p>\n");
      return;
    }
    req.response()
        .setStatusCode(303)
        .putHeader("Location", PREFIX)
        .putHeader("Cache-Control", "no-store")
        .putHeader(
            "Set-Cookie",
            COOKIE
                + "="
                + session
                + "; Path="
                + PREFIX
                + "; Max-Age="
                + StatusSessions.SESSION_MILLIS / 1000
                + "; HttpOnly; SameSite=Strict"
                + (req.isSSL() ? "; Secure" : ""))
        .end();
  }

  private void events(HttpServerRequest req) {
    HttpServerResponse r = req.response();
    r.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store");
    String[] last = {null};
    long[] lastWrite = {0};
    Runnable push =
        () -> {
          if (r.closed() || r.ended()) {
            return;
          }
          String now = source.snapshot().encode();
          long t = System.nanoTime();
          if (!now.equals(last[0])) {
            last[0] = now;
            lastWrite[0] = t;
            r.write("data: " + now + "\n\n");
          } else if (t - lastWrite[0] > KEEP_ALIVE_MILLIS * 1_000_000) {
            lastWrite[0] = t;
            r.write(": keep-alive\n\n");
          }
        };
    push.run();
    long timer = vertx.setPeriodic(PUSH_MILLIS, id -> push.run());
    r.closeHandler(v -> vertx.cancelTimer(timer));
    r.exceptionHandler(t -> vertx.cancelTimer(timer));
  }

  private void explain(HttpServerRequest req) {
    String client = req.getParam("client");
    String host = req.getParam("host");
    source
        .explain(client, host == null || host.isBlank() ? null : host.trim())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                text(req, 200, ar.result());
              } else if (ar.cause() instanceof IllegalArgumentException) {
                text(req, 400, ar.cause().getMessage() + "\n");
              } else {
                text(req, 502, "no DNS server answered: " + ar.cause().getMessage() + "\n");
              }
            });
  }

  private void asset(HttpServerRequest req, String name) {
    String type = assets.type(name);
    if (type == null) {
      text(req, 404, "404 Not Found\n");
      return;
    }
    req.response()
        .putHeader("Content-Type", type)
        .putHeader(
            "Cache-Control", name.equals("index.html") ? "no-store" : "private, max-age=3600")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(assets.read(name));
  }

  /** The session id of the request's {@value #COOKIE} cookie, or null. */
  static String cookie(HttpServerRequest req) {
    String header = req.getHeader("Cookie");
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.startsWith(COOKIE + "=")) {
        return p.substring(COOKIE.length() + 1);
      }
    }
    return null;
  }

  private static void text(HttpServerRequest req, int status, String body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
