package io.opencdn.dns.explain;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.StaticEdge;
import io.opencdn.dns.edges.EdgeDirectory;
import io.opencdn.dns.edges.EdgeProbe;
import io.opencdn.dns.edges.MergedEdgeSource;
import io.opencdn.dns.geo.CountryCentroids;
import io.opencdn.dns.geo.CoverageFile;
import io.opencdn.dns.geo.CoverageZones;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.LatencyTable;
import io.opencdn.dns.routing.Router;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdn route}: prints why a client gets the edges it gets, using the config's location chain
 * and policies over the config's static edges (plus the three demo edges when the config is the
 * embedded demo). With {@code --cluster HOST:PORT} it joins the config's cluster as a lite member
 * and adds the registered edges (fresh heartbeat, live owner), their loads and the latency map.
 * Edges with a health check are checked once; static edges without one count as up ("unchecked").
 * {@code --clients FILE} explains many clients (one address per line, optionally followed by a
 * weight) and prints the share of clients each edge would get: a what-if before a config change.
 */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description =
        "Explain the routing decision for a client: location, candidates, policies, answer, ECS scope and TTL.")
public final class RouteCommand implements Callable<Integer> {

  /** Static edges added when the config is the embedded demo. */
  public static final String DEMO_EDGES = "classpath:demo/dns-static.yaml";

  static final String DEMO_CONFIG = "classpath:demo/dns.yaml";

  @Option(
      names = "--client",
      paramLabel = "IP",
      description = "client address (as if a resolver sent it as EDNS Client Subnet)")
  String client;

  @Option(
      names = "--clients",
      paramLabel = "FILE",
      description = "file of client addresses, one per line, optional weight after it")
  Path clients;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "geo-routed name (default: the first one of the config)")
  String name;

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      defaultValue = DEMO_CONFIG,
      description = "DNS config file or classpath:NAME (default: ${DEFAULT-VALUE})")
  String config;

  @Option(
      names = "--prefix",
      paramLabel = "BITS",
      description = "ECS source prefix (default 24 for IPv4, 56 for IPv6)")
  Integer prefix;

  @Option(names = "--no-check", description = "do not run health checks; count every edge as up")
  boolean noCheck;

  @Option(
      names = "--cluster",
      paramLabel = "HOST:PORT",
      description =
          "join the config's cluster as a lite member bound to HOST:PORT and use its edges, loads and latency map")
  String cluster;

  @Spec CommandSpec spec;

  /** The {@code edges:} list of a static-edges file. */
  record StaticEdges(@JsonProperty("edges") List<StaticEdge> edges) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new RouteCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      if ((client == null) == (clients == null)) {
        throw new IllegalArgumentException("give exactly one of --client IP or --clients FILE");
      }
      DnsConfig cfg = withDemoEdges(load(config), config);
      Clock clock = Clock.systemUTC();
      try (GeoDatabase db =
          GeoDatabase.openOrEmbedded(
              cfg.geo().cityDatabase().isEmpty()
                  ? null
                  : ConfigLocation.resolve(config, cfg.geo().cityDatabase()))) {
        LocationChain chain =
            new LocationChain(
                cfg.geo().coverage().isEmpty()
                    ? CoverageZones.EMPTY
                    : new CoverageFile(ConfigLocation.resolve(config, cfg.geo().coverage())),
                db::lookup,
                CountryCentroids.embedded(),
                LocationChain.defaultLocation(cfg.geo().defaultLocation()));
        ClusterView view =
            cluster == null ? ClusterView.NONE : ClusterView.read(cfg, cluster, clock);
        LatencyTable latency = view.latency();
        Explainer explainer =
            new Explainer(
                cfg.routing(), chain, Router.of(cfg.routing(), () -> latency, clock), clock);
        explainer.route(name);
        Map<String, String> checked = new LinkedHashMap<>();
        EdgeSnapshot snapshot = snapshot(cfg, view.records(), clock, checked);
        if (snapshot.isEmpty()) {
          out.println(
              "note: the config declares no static edges (edges:), so no edge is known; geo-routed names answer SERVFAIL");
        }
        if (client != null) {
          InetAddress a = address(client);
          out.print(
              ExplanationText.render(explainer.explain(a, prefixFor(a), name, snapshot, checked)));
        } else {
          List<Explanation> xs = new ArrayList<>();
          List<Double> weights = new ArrayList<>();
          for (String[] line : readClients(clients)) {
            InetAddress a = address(line[0]);
            xs.add(explainer.explain(a, prefixFor(a), name, snapshot, checked));
            weights.add(line.length > 1 ? Double.parseDouble(line[1]) : 1.0);
          }
          out.print(ExplanationText.renderBulk(xs, explainer.shares(xs, weights)));
        }
      }
      out.flush();
      return 0;
    } catch (ConfigException | IllegalArgumentException | IOException e) {
      System.err.println("route: " + e.getMessage());
      return 2;
    }
  }

  /**
   * Loads the config like the server does, except that an unset {@code CDN_CLUSTER_SECRET} gets a
   * placeholder: {@code route} never joins the cluster, so it should not need the secret.
   */
  static DnsConfig load(String location) throws IOException {
    String text;
    try (java.io.InputStream in = ConfigLocation.open(location)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putIfAbsent("CDN_CLUSTER_SECRET", "route-command-does-not-join-the-cluster");
    return io.opencdn.common.config.ConfigLoader.parse(
        io.opencdn.common.config.ConfigLoader.interpolate(text, location, env),
        location,
        DnsConfig.class);
  }

  /** The config plus the demo's static edges when it is the embedded demo config. */
  static DnsConfig withDemoEdges(DnsConfig cfg, String location) {
    if (!DEMO_CONFIG.equals(location)) {
      return cfg;
    }
    Set<String> ids = new HashSet<>();
    cfg.edges().forEach(e -> ids.add(e.id()));
    List<StaticEdge> all = new ArrayList<>(cfg.edges());
    ConfigLocation.load(DEMO_EDGES, StaticEdges.class).edges().stream()
        .filter(e -> !ids.contains(e.id()))
        .forEach(all::add);
    return cfg.withEdges(all);
  }

  private EdgeSnapshot snapshot(
      DnsConfig cfg, List<EdgeRecord> clusterRecords, Clock clock, Map<String, String> checked) {
    List<EdgeRecord> records = new MergedEdgeSource(null, cfg.edges(), clock).merge(clusterRecords);
    Map<String, StaticEdge> statics = new java.util.HashMap<>();
    cfg.edges().forEach(s -> statics.put(s.id(), s));
    List<Edge> edges = new ArrayList<>();
    boolean anyChecked =
        !noCheck
            && (!clusterRecords.isEmpty() || cfg.edges().stream().anyMatch(StaticEdge::checked));
    Vertx vertx = anyChecked ? Vertx.vertx() : null;
    try {
      EdgeProbe probe =
          anyChecked ? new EdgeProbe(vertx, cfg.health().timeoutMillis(), cfg.edges()) : null;
      for (EdgeRecord r : records) {
        StaticEdge s = r.memberUuid() == null ? statics.get(r.id()) : null;
        boolean up = true;
        if (probe != null && (s == null || s.checked())) {
          up = await(probe.probe(r));
          checked.put(r.id(), up ? "up" : "down");
        } else {
          checked.put(r.id(), "unchecked");
        }
        Edge e = EdgeDirectory.toEdge(r, up);
        if (e != null) {
          edges.add(e);
        }
      }
    } finally {
      if (vertx != null) {
        vertx.close();
      }
    }
    return new EdgeSnapshot(edges);
  }

  private static boolean await(Future<Boolean> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private int prefixFor(InetAddress a) {
    int max = a.getAddress().length * 8;
    int p = prefix != null ? prefix : max == 32 ? 24 : 56;
    if (p < 1 || p > max) {
      throw new IllegalArgumentException(
          "--prefix " + p + ": expected 1.." + max + " for " + a.getHostAddress());
    }
    return p;
  }

  static InetAddress address(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    if (!host.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
    try {
      return InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
  }

  static List<String[]> readClients(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      String t = line.replaceAll("#.*", "").trim();
      if (t.isEmpty()) {
        continue;
      }
      String[] f = t.split("[\\s,]+");
      if (f.length > 2 || (f.length == 2 && !f[1].matches("[0-9]+(\\.[0-9]+)?"))) {
        throw new IllegalArgumentException(
            file + ":line " + n + ": expected ADDRESS [WEIGHT], got '" + t + "'");
      }
      out.add(f);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no client addresses");
    }
    return out;
  }
}
