package io.opencdn.edge.cluster.status;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import io.opencdn.common.cluster.ConfigStore;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.admin.status.StatusSource;
import io.opencdn.edge.cluster.EdgeCluster;
import io.opencdn.edge.cluster.purge.PurgeRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status page's picture of the cluster, gathered by this edge from what the cluster shares and
 * from its own checks, every {@value #GATHER_MILLIS} ms while somebody looks (it stops {@value
 * #IDLE_MILLIS} ms after the last look):
 *
 * <ul>
 *   <li>edges: the registry ({@code edges}: coordinates, drain state, capacity) and {@code
 *       edge-load} (requests/s, bytes/s), both only as tagged with the cluster secret; health from
 *       this edge's own {@code GET /_cdn/health} of each edge (down after {@link EdgeRow#FALL}
 *       failures, at once when refused: a killed edge turns red within a gathering); a change of
 *       health or drain state is published at once; hit counters from each edge's {@code
 *       /_cdn/stats} (with this edge's admin token) every {@value #SLOW_EVERY} gatherings; an edge
 *       gone from the registry stays listed, down, for {@value #FORGET_MILLIS} ms;
 *   <li>DNS servers and the distributions version every member runs: {@code config-members};
 *   <li>where clients go: the DNS servers' own decision for each of {@link #SAMPLE_CLIENTS} ({@link
 *       DnsRoutes}), every gathering (a failover shows within a second of the DNS server's own);
 *   <li>failovers: the changes this view saw (an edge down or up, drained or undrained, a sample
 *       client sent to another edge), the last {@value #FAILOVERS_KEPT};
 *   <li>invalidations of the last 10 minutes (this edge's purge log) with their status and receipts
 *       ({@code invalidations}, {@code purge-acks}), every gathering; DNS readiness ({@code
 *       /healthz}) every {@value #SLOW_EVERY}.
 * </ul>
 *
 * Everything is gathered on one Vert.x context; cluster maps are read on a worker.
 */
public final class StatusView implements StatusSource {

  /** How often the picture is gathered while somebody looks. */
  public static final long GATHER_MILLIS = 500;

  /** Gatherings between two reads of stats, routes, DNS readiness and invalidations. */
  static final int SLOW_EVERY = 4;

  static final long IDLE_MILLIS = 30_000;
  static final long FORGET_MILLIS = 600_000;
  static final int FAILOVERS_KEPT = 20;
  static final long INVALIDATIONS_MILLIS = 600_000;

  /**
   * The clients whose routing the page shows: the demo's London, Japan and United States networks,
   * then a few others around the world. Each is located by the DNS server itself.
   */
  public static final List<String> SAMPLE_CLIENTS =
      List.of("81.2.69.1", "1.0.16.1", "8.8.8.1", "200.160.2.3", "196.25.1.1", "1.120.0.1");

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hz;
  private final EdgeCluster cluster;
  private final String self;
  private final String token;
  private final Clock clock;
  private final RecordCheck check;
  private final ConfigStore store;
  private final StatusHttp http;
  private final DnsRoutes routes;
  private final Map<String, EdgeRow> edges = new TreeMap<>();
  private final SampleRoutes samples;
  private final Map<String, Boolean> dnsReady = new HashMap<>();
  private final List<JsonObject> failovers = new ArrayList<>();
  private List<MemberState> members = List.of();
  private Version current;
  private JsonArray invalidations = new JsonArray();
  private String problem;
  private volatile long demandedAt;
  private volatile JsonObject latest = new JsonObject().put("gathering", true);
  private long timer = -1;
  private long ticks;
  private boolean busy;

  /**
   * @param cluster this edge's cluster part (its invalidations and purge log)
   * @param self this edge's id
   * @param secret the cluster secret (records are read only when tagged with it)
   * @param token this edge's admin token, sent to the other edges' stats and the DNS servers'
   *     {@code /route} (a deployment where they share it, as the demo's members do)
   */
  public StatusView(
      Vertx vertx,
      HazelcastInstance hz,
      EdgeCluster cluster,
      String self,
      String secret,
      String token,
      Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hz = hz;
    this.cluster = cluster;
    this.self = self;
    this.token = token;
    this.clock = clock;
    this.check = RecordCheck.of(secret);
    this.store = new ConfigStore(hz, RecordMac.fromSecret(secret), clock);
    this.http = new StatusHttp(vertx, 400);
    this.routes = new DnsRoutes(http, token);
    this.samples = new SampleRoutes(routes, SAMPLE_CLIENTS);
  }

  @Override
  public JsonObject snapshot() {
    demandedAt = clock.millis();
    if (timer < 0) {
      context.runOnContext(v -> startGathering());
    }
    return latest;
  }

  @Override
  public Future<String> explain(String client, String host) {
    List<String> admins = admins();
    return Future.<String>future(
        p -> context.runOnContext(v -> routes.explain(admins, client, host).onComplete(p)));
  }

  /** Stops gathering. */
  public void stop() {
    context.runOnContext(
        v -> {
          if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
          }
          http.close();
        });
  }

  private void startGathering() {
    if (timer >= 0) {
      return;
    }
    timer = vertx.setPeriodic(0, GATHER_MILLIS, id -> tick());
  }

  private void tick() {
    if (clock.millis() - demandedAt > IDLE_MILLIS) {
      vertx.cancelTimer(timer);
      timer = -1;
      return;
    }
    if (busy) {
      return;
    }
    busy = true;
    boolean slow = ticks++ % SLOW_EVERY == 0;
    context
        .executeBlocking(() -> ClusterRead.read(hz, check, store, clock))
        .compose(
            read -> {
              problem = null;
              apply(read);
              latest = compose();
              return Future.join(checks(slow)).mapEmpty();
            },
            t -> {
              problem = "cannot read the cluster: " + t.getMessage();
              return Future.join(checks(slow)).mapEmpty();
            })
        .onComplete(
            ar -> {
              busy = false;
              latest = compose();
            });
  }

  private void apply(ClusterRead read) {
    long now = clock.millis();
    read.records()
        .forEach(
            (id, r) -> {
              EdgeRow row = edges.computeIfAbsent(id, EdgeRow::new);
              if (row.record != null && row.record.state() != r.state()) {
                failover(
                    id
                        + (r.state().name().equals("DRAINING")
                            ? " is draining"
                            : " is active again"));
              }
              row.record = r;
              row.lastSeenMillis = now;
            });
    edges.values().forEach(row -> row.registered = read.records().containsKey(row.id));
    edges.values().forEach(row -> row.load = read.loads().get(row.id));
    edges.values().removeIf(row -> now - row.lastSeenMillis > FORGET_MILLIS);
    members = read.members();
    current = read.current();
  }

  private List<Future<?>> checks(boolean slow) {
    List<Future<?>> all = new ArrayList<>();
    for (EdgeRow row : edges.values()) {
      String host = row.host();
      if (host == null) {
        continue;
      }
      String before = row.health();
      all.add(
          http.get(host, row.record.httpPort(), "/_cdn/health", null)
              .map(r -> r.status() / 100 == 2 ? Boolean.TRUE : Boolean.FALSE)
              // refused: nothing listens there any more (a killed process), not a slow answer
              .otherwise(t -> t instanceof java.net.ConnectException ? null : Boolean.FALSE)
              .onSuccess(
                  ok -> {
                    row.checked(ok);
                    if (!before.equals(row.health())) {
                      if (!before.equals("unknown")) {
                        failover(
                            row.id
                                + (Boolean.TRUE.equals(ok)
                                    ? " is up again"
                                    : ok == null
                                        ? " is down (connection refused)"
                                        : " is down (" + EdgeRow.FALL + " health checks failed)"));
                      }
                      latest = compose(); // a change is shown at once, not after the gathering
                    }
                  }));
      if (slow) {
        all.add(
            http.get(host, row.record.httpPort(), "/_cdn/stats", token)
                .onSuccess(
                    r -> {
                      if (r.status() == 200) {
                        row.stats(new JsonObject(r.body()));
                      }
                    }));
      }
    }
    all.add(samples.refresh(admins(), this::failover));
    all.add(invalidations());
    if (slow) {
      all.add(dnsReadiness());
    }
    return all;
  }

  private Future<?> dnsReadiness() {
    List<Future<?>> all = new ArrayList<>();
    for (MemberState m : members) {
      if ("dns".equals(m.kind()) && m.admin() != null) {
        all.add(
            http.get(m.admin(), "/healthz", null)
                .map(r -> r.status() == 200)
                .otherwise(false)
                .onSuccess(ok -> dnsReady.put(m.member(), ok)));
      }
    }
    return Future.join(all);
  }

  private Future<?> invalidations() {
    List<PurgeRequest> recent = cluster.purgeLog().recent(clock.millis() - INVALIDATIONS_MILLIS, 8);
    List<Future<JsonObject>> all = new ArrayList<>();
    for (PurgeRequest r : recent) {
      all.add(cluster.invalidations().status(r.id()).otherwise((JsonObject) null));
    }
    return Future.join(all)
        .onComplete(
            ar -> {
              JsonArray out = new JsonArray();
              all.stream()
                  .filter(f -> f.succeeded() && f.result() != null)
                  .forEach(f -> out.add(f.result()));
              invalidations = out;
            });
  }

  private List<String> admins() {
    List<String> out = new ArrayList<>();
    for (MemberState m : members) {
      if ("dns".equals(m.kind()) && m.admin() != null) {
        out.add(m.admin());
      }
    }
    return out;
  }

  private void failover(String text) {
    failovers.add(0, new JsonObject().put("time", clock.millis()).put("text", text));
    while (failovers.size() > FAILOVERS_KEPT) {
      failovers.remove(failovers.size() - 1);
    }
  }

  private JsonObject compose() {
    long now = clock.millis();
    JsonArray edgeList = new JsonArray();
    edges.values().forEach(r -> edgeList.add(r.json(now)));
    JsonArray dns = new JsonArray();
    JsonArray versions = new JsonArray();
    for (MemberState m : members) {
      JsonObject v =
          new JsonObject()
              .put("member", m.member())
              .put("kind", m.kind())
              .put("version", m.hash())
              .put("since", m.since())
              .put("current", current != null && current.hash().equals(m.hash()));
      if (m.error() != null) {
        v.put("error", m.error());
      }
      versions.add(v);
      if ("dns".equals(m.kind())) {
        dns.add(
            new JsonObject()
                .put("member", m.member())
                .put("admin", m.admin())
                .put("version", m.hash())
                .put("ready", dnsReady.get(m.member())));
      }
    }
    JsonObject config = new JsonObject().put("members", versions);
    if (current != null) {
      config.put(
          "current",
          new JsonObject()
              .put("version", current.hash())
              .put("message", current.message())
              .put("time", current.time()));
    }
    JsonObject out =
        new JsonObject()
            .put("self", self)
            .put("time", now)
            .put("edges", edgeList)
            .put("dns", dns)
            .put("routes", samples.json())
            .put("failovers", new JsonArray(new ArrayList<>(failovers)))
            .put("invalidations", invalidations)
            .put("config", config);
    if (problem != null) {
      out.put("problem", problem);
    }
    return out;
  }
}
