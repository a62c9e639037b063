package io.opencdn.dns.admin;

import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.explain.LiveExplainer;
import io.opencdn.dns.metrics.DnsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operational side of one server, kept out of {@code DnsServer}: the {@link Reloader} of its
 * {@link QueryHandler} and the optional {@link AdminServer} (from the {@code admin} section) with
 * the handler's {@link DnsMetrics} and the server's {@link LiveExplainer}.
 */
public final class Operations {

  private final QueryHandler handler;
  private final Reloader reloader;
  private final AdminServer admin;
  private volatile int adminPort = -1;

  /**
   * @param handler the query path, whose answer stage a reload replaces and whose metrics the admin
   *     listener serves
   * @param build makes the answer stage of a config (zones loaded; may throw); called on every
   *     reload
   * @param explainer explains routing decisions for {@code GET /route}
   * @param clock the admin listener's time
   */
  public Operations(
      Vertx vertx,
      DnsConfig config,
      String configLocation,
      QueryHandler handler,
      Function<DnsConfig, AnswerStage> build,
      LiveExplainer explainer,
      Clock clock) {
    this.handler = handler;
    this.reloader = new Reloader(vertx, config, configLocation, build, handler, handler.metrics());
    this.admin =
        config.admin() == null
            ? null
            : new AdminServer(vertx, config.admin(), handler.metrics(), reloader, explainer, clock);
  }

  public QueryHandler handler() {
    return handler;
  }

  public DnsMetrics metrics() {
    return handler.metrics();
  }

  /** Routes the hosts of a distributions version (blocking; {@link Reloader#applyHosts}). */
  public void applyHosts(java.util.List<String> hosts) {
    reloader.applyHosts(hosts);
  }

  /** Reloads config and zones (see {@link Reloader}). */
  public Future<String> reload() {
    return reloader.reload();
  }

  /**
   * Where the admin listener's {@code /healthz} learns whether the server is ready: the supplier
   * gives null when ready, else what it waits for.
   */
  public void readiness(Supplier<String> notReadyBecause) {
    if (admin != null) {
      admin.readiness(notReadyBecause);
    }
  }

  /** Starts the admin listener if configured. */
  public Future<Void> start() {
    return admin == null
        ? Future.succeededFuture()
        : admin
            .start()
            .map(
                p -> {
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
