package io.opencdn.dns.admin;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.DnsConfig;
import io.opencdn.dns.QueryHandler;
import io.opencdn.dns.answer.Answerer;
import io.opencdn.dns.metrics.DnsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the configuration and the zone files (SIGHUP or {@code POST /reload}): reads the
 * config file again, loads every zone into a new {@link Answerer} on a worker thread (never on an
 * event loop), then swaps it into the {@link QueryHandler} in one volatile write. Queries never
 * wait and never see a half-loaded state. Anything wrong (YAML, a zone file that does not parse,
 * a missing SOA) refuses the whole reload with one ERROR line; the previous state keeps serving.
 * Reloads run one at a time. Zones, routed names and their TTL/answers are reloaded; {@code listen},
 * {@code admin}, {@code rrl}, {@code cluster}, {@code health} and the GeoIP database need a restart.
 */
public final class Reloader {

  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  private final Vertx vertx;
  private final String configLocation;
  private final Function<DnsConfig, Answerer> build;
  private final QueryHandler handler;
  private final DnsMetrics metrics;

  /**
   * @param build makes the answer stage of a config (loads its zones; may throw)
   */
  public Reloader(Vertx vertx, String configLocation, Function<DnsConfig, Answerer> build, QueryHandler handler, DnsMetrics metrics) {
    this.vertx = vertx;
    this.configLocation = configLocation;
    this.build = build;
    this.handler = handler;
    this.metrics = metrics;
  }

  /** Reloads now; completes with a one-line summary, or fails (old state kept) with the reason. */
  public Future<String> reload() {
    return vertx.executeBlocking(this::reloadBlocking, true)
        .onSuccess(summary -> {
          metrics.reload(true);
          LOG.info("reload: {}", summary);
        })
        .onFailure(e -> {
          metrics.reload(false);
          LOG.error("reload refused, still serving the previous zones: {}", e.getMessage());
        });
  }

  /** The blocking part; public for callers that already run on a worker thread. */
  public String reloadBlocking() {
    DnsConfig next = ConfigLocation.load(configLocation, DnsConfig.class);
    Answerer answerer = build.apply(next);
    handler.swap(answerer);
    return "serving zones " + answerer.describeZones() + ", " + next.routing().size() + " routed names";
  }
}
