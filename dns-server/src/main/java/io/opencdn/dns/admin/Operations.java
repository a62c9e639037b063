package io.opencdn.dns.admin;

import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.answer.ResponseRateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The operational side of one server, kept out of {@code DnsServer}: the {@link QueryHandler} with
 * its {@link DnsMetrics} and {@link ResponseRateLimiter} (from the {@code rrl} section), the
 * {@link Reloader}, and the optional {@link AdminServer} (from the {@code admin} section).
 */
public final class Operations {

  private final DnsMetrics metrics = new DnsMetrics();
  private final QueryHandler handler;
  private final Reloader reloader;
  private final AdminServer admin;
  private volatile int adminPort = -1;

  /**
   * @param clock the rate limiter's and the admin listener's time
   * @param build makes the answer stage of a config (zones loaded); called now and on every reload
   * @param routed told the client of every geo-routed answer (see {@link QueryHandler}), or null
   */
  public Operations(Vertx vertx, DnsConfig config, String configLocation, Clock clock, Function<DnsConfig, AnswerStage> build,
      Consumer<InetAddress> routed) {
    ResponseRateLimiter rrl = config.rrl().enabled() ? new ResponseRateLimiter(config.rrl(), clock) : null;
    this.handler = new QueryHandler(build.apply(config), rrl, metrics, routed);
    this.reloader = new Reloader(vertx, config, configLocation, build, handler, metrics);
    this.admin = config.admin() == null ? null : new AdminServer(vertx, config.admin(), metrics, reloader, clock);
  }

  public QueryHandler handler() {
    return handler;
  }

  public DnsMetrics metrics() {
    return metrics;
  }

  /** Reloads config and zones (see {@link Reloader}). */
  public Future<String> reload() {
    return reloader.reload();
  }

  /**
   * Where the admin listener's {@code /healthz} learns whether the server is ready: the supplier
   * gives null when ready, else what it waits for.
   */
  public void readiness(java.util.function.Supplier<String> notReadyBecause) {
    if (admin != null) {
      admin.readiness(notReadyBecause);
    }
  }

  /** Starts the admin listener if configured. */
  public Future<Void> start() {
    return admin == null ? Future.succeededFuture() : admin.start().map(p -> {
      adminPort = p;
      return null;
    });
  }

  /** Stops the admin listener. */
  public Future<Void> stop() {
    return admin == null ? Future.succeededFuture() : admin.stop();
  }

  /** Port of the admin listener once started, -1 without one. */
  public int adminPort() {
    return adminPort;
  }

  /** The admin listener, or null. */
  public AdminServer admin() {
    return admin;
  }
}
