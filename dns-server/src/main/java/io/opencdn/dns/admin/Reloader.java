package io.opencdn.dns.admin;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.metrics.DnsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the configuration and the zone files (SIGHUP or {@code POST /reload}): reads the
 * config file again, loads every zone into a new {@link AnswerStage} on a worker thread (never on
 * an event loop), then swaps it into the {@link QueryHandler} in one volatile write. Queries never
 * wait and never see a half-loaded state. Anything wrong (YAML, a zone file that does not parse, a
 * missing SOA) refuses the whole reload with one ERROR line; the previous state keeps serving.
 * Reloads run one at a time. Zones and the {@code routing} entries (names, TTL, answers, policies)
 * are reloaded; the other keys ({@link #RESTART_ONLY}) are read at start only: a reload whose file
 * changes one of them says so (WARN line and the summary) instead of ignoring it silently.
 */
public final class Reloader {

  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  /** Top-level keys a reload does not apply. */
  public static final List<String> RESTART_ONLY =
      List.of(
          "listen",
          "geo",
          "health",
          "cluster",
          "edges",
          "rrl",
          "admin",
          "threads",
          "tcp",
          "probeTargets",
          "decisionLog",
          "dnssec");

  private final Vertx vertx;
  private final DnsConfig running;
  private final String configLocation;
  private final Function<DnsConfig, AnswerStage> build;
  private final QueryHandler handler;
  private final DnsMetrics metrics;
  private DnsConfig last;
  private List<String> hosts = List.of();

  /**
   * @param running the configuration the server started with (command-line overrides applied)
   * @param build makes the answer stage of a config (loads its zones; may throw)
   */
  public Reloader(
      Vertx vertx,
      DnsConfig running,
      String configLocation,
      Function<DnsConfig, AnswerStage> build,
      QueryHandler handler,
      DnsMetrics metrics) {
    this.vertx = vertx;
    this.running = running;
    this.configLocation = configLocation;
    this.build = build;
    this.handler = handler;
    this.metrics = metrics;
    this.last = running;
  }

  /**
   * Routes the hosts of a distributions version (blocking; see {@link
   * DnsConfig#withDistributionHosts}): a new answer stage from the last loaded config plus those
   * hosts, swapped in with one volatile write. Throws, the old stage kept, when it cannot be built.
   */
  public synchronized void applyHosts(List<String> distributionHosts) {
    AnswerStage stage = build.apply(last.withDistributionHosts(distributionHosts));
    handler.swap(stage);
    this.hosts = List.copyOf(distributionHosts);
    LOG.info("distribution hosts applied: {}", hosts);
  }

  /** Reloads now; completes with a one-line summary, or fails (old state kept) with the reason. */
  public Future<String> reload() {
    return vertx
        .executeBlocking(this::reloadBlocking, true)
        .onSuccess(
            summary -> {
              metrics.reload(true);
              LOG.info("reload: {}", summary);
            })
        .onFailure(
            e -> {
              metrics.reload(false);
              LOG.error("reload refused, still serving the previous zones: {}", e.getMessage());
            });
  }

  /** The blocking part; public for callers that already run on a worker thread. */
  public synchronized String reloadBlocking() {
    DnsConfig next = ConfigLocation.load(configLocation, DnsConfig.class);
    AnswerStage stage = build.apply(next.withDistributionHosts(hosts));
    handler.swap(stage);
    last = next;
    List<String> notApplied = notApplied(running, next);
    if (!notApplied.isEmpty()) {
      LOG.warn(
          "reload: {}: {} differ from the running values and are not applied (read at start only: restart to apply)",
          configLocation,
          notApplied);
    }
    return "serving zones "
        + stage.describeZones()
        + ", "
        + next.routing().size()
        + " routed names"
        + (notApplied.isEmpty()
            ? ""
            : "; not applied until a restart: " + String.join(", ", notApplied));
  }

  /** The {@link #RESTART_ONLY} keys whose value in {@code next} differs from the running one. */
  static List<String> notApplied(DnsConfig running, DnsConfig next) {
    List<String> out = new ArrayList<>();
    List<Object> was =
        List.of(
            running.listen(),
            running.geo(),
            running.health(),
            Optional.ofNullable(running.cluster()),
            running.edges(),
            running.rrl(),
            Optional.ofNullable(running.admin()),
            running.threads(),
            running.tcp(),
            running.probeTargets(),
            running.decisionLog(),
            Optional.ofNullable(running.dnssec()));
    List<Object> now =
        List.of(
            next.listen(),
            next.geo(),
            next.health(),
            Optional.ofNullable(next.cluster()),
            next.edges(),
            next.rrl(),
            Optional.ofNullable(next.admin()),
            next.threads(),
            next.tcp(),
            next.probeTargets(),
            next.decisionLog(),
            Optional.ofNullable(next.dnssec()));
    for (int i = 0; i < RESTART_ONLY.size(); i++) {
      if (!was.get(i).equals(now.get(i))) {
        out.add(RESTART_ONLY.get(i));
      }
    }
    return out;
  }
}
