package io.opencdn.origin;

import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigException;
import io.opencdn.origin.files.FileValidators;
import io.opencdn.origin.gen.SyntheticHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small origin HTTP/1.1 server for demos, tests and benchmarks.
 *
 * <ul>
 *   <li>{@code /gen/<anything>?size=N&...}: deterministic synthetic objects with configurable cache
 *       headers, delay, status, Vary, truncation ({@link SyntheticHandler}).
 *   <li>{@code /_origin/health}, {@code /_origin/stats} (GET, DELETE; bearer token): liveness and
 *       per-path request counts ({@link AdminRoutes}).
 *   <li>everything else: files under {@link OriginConfig#root()} through vertx-web's {@code
 *       StaticHandler} with ETag, Last-Modified, Range and conditional requests ({@link
 *       FileValidators}); 404 when absent.
 * </ul>
 *
 * Every request except those under {@code /_origin/} is counted per path, including 404s and 400s,
 * so tests can assert how often an edge went to the origin.
 *
 * <pre>{@code
 * OriginServer origin = new OriginServer(vertx, new OriginConfig(Endpoint.parse("127.0.0.1:0"), null, null));
 * int port = origin.start().await();
 * ... origin.requests("/gen/a") ...
 * origin.stop().await();
 * }</pre>
 */
public final class OriginServer {

  private static final Logger LOG = LoggerFactory.getLogger(OriginServer.class);

  private final Vertx vertx;
  private final OriginConfig config;
  private final AdminToken token;
  private final RequestCounter counter = new RequestCounter();
  private final Clock clock;
  private HttpServer server;

  public OriginServer(Vertx vertx, OriginConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  /**
   * @param clock source of the {@code Date} headers
   */
  public OriginServer(Vertx vertx, OriginConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.token = AdminToken.of(config.adminToken());
  }

  /**
   * Binds the server; the future holds the bound port (useful with port 0). Fails with a {@link
   * ConfigException} when the root is not a directory.
   */
  public Future<Integer> start() {
    if (server != null) {
      return Future.failedFuture(new IllegalStateException("origin already started"));
    }
    Router router;
    try {
      router = router();
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    if (config.adminToken() == null) {
      LOG.info("origin admin token (generated, none configured): {}", token.value());
    }
    HttpServer created =
        vertx
            .createHttpServer(new HttpServerOptions().setCompressionSupported(false))
            .requestHandler(router);
    server = created;
    return created
        .listen(config.listen().port(), config.listen().host())
        .map(HttpServer::actualPort)
        .onFailure(e -> server = null);
  }

  /** Closes the listening socket and open connections. */
  public Future<Void> stop() {
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** Requests seen for {@code path} (without query string) since start or the last reset. */
  public long requests(String path) {
    return counter.count(path);
  }

  /** All counted requests since start or the last reset. */
  public long totalRequests() {
    return counter.total();
  }

  /** Forgets all request counts (what {@code DELETE /_origin/stats} does). */
  public void resetRequests() {
    counter.reset();
  }

  /** The bearer token of the admin endpoints (configured or generated). */
  public String adminToken() {
    return token.value();
  }

  /** The bound port, or -1 when not started. */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              if (!ctx.request().path().startsWith(AdminRoutes.PREFIX)) {
                counter.record(ctx.request().path());
              }
              ctx.next();
            });
    new AdminRoutes(token, counter).mount(router);
    router
        .route("/gen/*")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(new SyntheticHandler(clock));
    router
        .route("/gen/*")
        .handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end());
    if (config.root() != null) {
      Path root = Path.of(config.root()).toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        throw ConfigException.invalid("root", "an existing directory", root);
      }
      FileValidators validators = new FileValidators(root, config.fileCacheControl(), clock);
      router.get().handler(validators);
      router.head().handler(validators);
      router
          .route()
          .handler(
              StaticHandler.create(FileSystemAccess.ROOT, root.toString())
                  .setCachingEnabled(false)
                  .setFilesReadOnly(false)
                  .setDirectoryListing(false)
                  .setIncludeHidden(false)
                  .setSendVaryHeader(false));
    }
    router.route().handler(OriginServer::notFound);
    router.route().failureHandler(OriginServer::failure);
    return router;
  }

  private static void notFound(RoutingContext ctx) {
    ctx.response().headers().clear();
    ctx.response()
        .setStatusCode(404)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("not found: " + ctx.request().path() + "\n");
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    if (status == 404) {
      notFound(ctx);
      return;
    }
    if (status == 500) {
      LOG.warn("origin: {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(status == 416 ? "" : "error " + status + "\n");
  }
}
