package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Configuration of the DNS server, read from YAML with {@link
 * io.opencdn.common.config.ConfigLocation#load}. Every record validates itself; the top-level
 * record also checks that every geo-routed name lies inside a configured zone.
 *
 * <pre>{@code
 * listen: 127.0.0.1:8053
 * zones: [{origin: cdn.test., file: cdn.test.zone}]
 * geo: {cityDatabase: ""}
 * routing: [{name: www.cdn.test., ttl: 20, answers: 1, policies: [health, distance, latency, spill]}]
 * health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
 * edges: [{id: eu-west, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12, healthUrl: http://127.0.0.12:8080/_cdn/health}]
 * cluster: {...}
 * threads: 2
 * }</pre>
 *
 * @param listen UDP and TCP address (the same port for both; port 0 picks a free one)
 * @param zones authoritative zones, each a BIND master file
 * @param geo where the GeoIP2 City database comes from
 * @param routing names answered by the routing policy instead of the zone data
 * @param health HTTP health checks of the edges
 * @param cluster Hazelcast cluster the server joins as a lite member (no partitions), or null to
 *     run without one
 * @param edges static edges declared here ({@link StaticEdge}), merged with the cluster's
 * @param rrl Response Rate Limiting of UDP responses ({@link RrlConfig}); absent = on with defaults
 * @param admin admin HTTP listener ({@code /metrics}, {@code POST /reload}), or null for none
 * @param threads threads serving DNS, 1..64: as many UDP sockets on the port (SO_REUSEPORT, Linux),
 *     each read by its own thread, and TCP servers on as many event loops; default {@link
 *     #DEFAULT_THREADS}. Read at start (like {@code listen}: a reload does not change it). gdnsd's
 *     {@code udp_threads}/{@code tcp_threads}.
 * @param tcp DNS over TCP caps and timeouts ({@link TcpConfig}); absent = defaults. Read at start.
 * @param probeTargets which client addresses become latency probe targets ({@link
 *     ProbeTargetsConfig}); absent = public addresses only
 * @param decisionLog the sampled log of routing decisions ({@link
 *     io.opencdn.dns.config.DecisionLogConfig}); absent = off. Read at start.
 * @param dnssec online DNSSEC signing of every zone ({@link DnssecConfig}), or null for unsigned
 *     zones
 */
public record DnsConfig(
    @JsonProperty("listen") Endpoint listen,
    @JsonProperty("zones") List<ZoneSource> zones,
    @JsonProperty("geo") GeoConfig geo,
    @JsonProperty("routing") List<RouteConfig> routing,
    @JsonProperty("health") HealthConfig health,
    @JsonProperty("cluster") ClusterConfig cluster,
    @JsonProperty("edges") List<StaticEdge> edges,
    @JsonProperty("rrl") RrlConfig rrl,
    @JsonProperty("admin") AdminConfig admin,
    @JsonProperty("threads") Integer threads,
    @JsonProperty("tcp") TcpConfig tcp,
    @JsonProperty("probeTargets") ProbeTargetsConfig probeTargets,
    @JsonProperty("decisionLog") io.opencdn.dns.config.DecisionLogConfig decisionLog,
    @JsonProperty("dnssec") DnssecConfig dnssec) {

  /** Default {@code threads}: one per available processor, at most 8. */
  public static final int DEFAULT_THREADS =
      Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

  public DnsConfig {
    listen = listen == null ? Endpoint.parse("127.0.0.1:8053") : listen;
    ConfigException.require(
        zones != null && !zones.isEmpty(), "zones", "at least one zone", "nothing");
    zones = List.copyOf(zones);
    geo = geo == null ? new GeoConfig(null) : geo;
    routing = routing == null ? List.of() : List.copyOf(routing);
    health = health == null ? new HealthConfig(null, null, null, null) : health;
    edges = edges == null ? List.of() : List.copyOf(edges);
    rrl = rrl == null ? RrlConfig.DEFAULT : rrl;
    threads = threads == null ? DEFAULT_THREADS : threads;
    tcp = tcp == null ? TcpConfig.DEFAULT : tcp;
    probeTargets = probeTargets == null ? ProbeTargetsConfig.DEFAULT : probeTargets;
    decisionLog =
        decisionLog == null ? io.opencdn.dns.config.DecisionLogConfig.DEFAULT : decisionLog;
    ConfigException.require(threads >= 1 && threads <= 64, "threads", "1..64 event loops", threads);
    Set<String> edgeIds = new HashSet<>();
    for (int i = 0; i < edges.size(); i++) {
      ConfigException.require(
          edgeIds.add(edges.get(i).id()),
          "edges[" + i + "].id",
          "an id used once",
          edges.get(i).id());
    }
    Set<Name> origins = new HashSet<>();
    for (int i = 0; i < zones.size(); i++) {
      ConfigException.require(
          origins.add(zones.get(i).name()),
          "zones[" + i + "].origin",
          "a zone configured once",
          zones.get(i).origin());
    }
    Set<Name> routed = new HashSet<>();
    for (int i = 0; i < routing.size(); i++) {
      Name n = routing.get(i).fqdn();
      ConfigException.require(
          origins.stream().anyMatch(n::subdomain),
          "routing[" + i + "].name",
          "a name inside one of the zones " + origins,
          routing.get(i).name());
      ConfigException.require(
          routed.add(n), "routing[" + i + "].name", "a name routed once", routing.get(i).name());
    }
    // an example token or secret only while nothing but loopback is bound
    List<Endpoint> listeners =
        java.util.Arrays.asList(
            listen, admin == null ? null : admin.listen(), cluster == null ? null : cluster.bind());
    io.opencdn.common.config.ExampleSecrets.refuseExposed(
        "admin.token", admin == null ? null : admin.token(), listeners);
    io.opencdn.common.config.ExampleSecrets.refuseExposed(
        "cluster.secret", cluster == null ? null : cluster.secret(), listeners);
  }

  /** A copy listening elsewhere (CLI override). */
  public DnsConfig withListen(Endpoint other) {
    return new DnsConfig(
        other,
        zones,
        geo,
        routing,
        health,
        cluster,
        edges,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /** A copy with another {@code admin} section (the {@code --admin} option). */
  public DnsConfig withAdmin(AdminConfig other) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        routing,
        health,
        cluster,
        edges,
        rrl,
        other,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /** A copy with {@code n} threads (UDP sockets and TCP servers). */
  public DnsConfig withThreads(int n) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        routing,
        health,
        cluster,
        edges,
        rrl,
        admin,
        n,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /** A copy using another City database file (CLI override). */
  public DnsConfig withCityDatabase(String file) {
    return new DnsConfig(
        listen,
        zones,
        new GeoConfig(file, geo.coverage(), geo.coverageReloadSeconds(), geo.defaultLocation()),
        routing,
        health,
        cluster,
        edges,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /** A copy in another cluster (tests, tools); every other key is kept. */
  public DnsConfig withCluster(ClusterConfig other) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        routing,
        health,
        other,
        edges,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /** A copy signing with {@code other} (null: unsigned); every other key is kept. */
  public DnsConfig withDnssec(DnssecConfig other) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        routing,
        health,
        cluster,
        edges,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        other);
  }

  /**
   * A copy with other routed names (the hosts of the distributions, {@link
   * #withDistributionHosts}).
   */
  public DnsConfig withRouting(List<RouteConfig> other) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        other,
        health,
        cluster,
        edges,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  /**
   * A copy that also geo-routes the {@code hosts} of the current distributions version that fall
   * inside one of its zones (below the apex, which keeps its SOA and NS) and are not routed
   * already, each like the first {@code routing} entry (TTL, answers, policies): adding a
   * distribution needs no separate DNS edit. Unchanged without a routing entry to copy.
   */
  public DnsConfig withDistributionHosts(List<String> hosts) {
    if (routing.isEmpty() || hosts.isEmpty()) {
      return this;
    }
    RouteConfig template = routing.get(0);
    java.util.Set<Name> routed = new java.util.HashSet<>();
    routing.forEach(r -> routed.add(r.fqdn()));
    List<RouteConfig> all = new java.util.ArrayList<>(routing);
    for (String h : hosts) {
      Name n;
      try {
        n = Name.fromString(h.endsWith(".") ? h : h + ".");
      } catch (org.xbill.DNS.TextParseException e) {
        continue;
      }
      boolean inZone = zones.stream().anyMatch(z -> n.subdomain(z.name()) && !n.equals(z.name()));
      if (inZone && routed.add(n)) {
        all.add(
            new RouteConfig(n.toString(), template.ttl(), template.answers(), template.policies()));
      }
    }
    return withRouting(all);
  }

  /** A copy with other static edges (the {@code route} command adds the demo's). */
  public DnsConfig withEdges(List<StaticEdge> other) {
    return new DnsConfig(
        listen,
        zones,
        geo,
        routing,
        health,
        cluster,
        other,
        rrl,
        admin,
        threads,
        tcp,
        probeTargets,
        decisionLog,
        dnssec);
  }

  static Name parseName(String key, String text) {
    ConfigException.require(text != null && !text.isBlank(), key, "a domain name", "nothing");
    try {
      return Name.fromString(text.trim(), Name.root);
    } catch (TextParseException e) {
      throw ConfigException.invalid(
          key, "a domain name", "'" + text + "' (" + e.getMessage() + ")");
    }
  }

  /** Names of the zones, for logging. */
  public List<String> zoneNames() {
    List<String> out = new ArrayList<>();
    zones.forEach(z -> out.add(z.name().toString()));
    return out;
  }
}
