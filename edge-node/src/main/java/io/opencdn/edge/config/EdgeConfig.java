package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import io.opencdn.common.config.ExampleSecrets;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.config.StreamKeyMode;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Configuration of one edge node, read from YAML with {@link
 * io.opencdn.common.config.ConfigLocation#load}. Optional values may be absent and get their
 * defaults here; every invalid value is a {@link ConfigException} naming its key.
 *
 * <p>A loaded configuration is changed only through the {@code with...} methods, which copy every
 * other component through the canonical constructor: the shorter constructors below build new
 * configurations with defaults for what they leave out, so rebuilding a loaded one with them would
 * silently drop its later sections (as {@code tls} and {@code latency} once were).
 *
 * @param id unique edge id, {@code [a-z0-9-]+}
 * @param region region label; defaults to the id
 * @param latitude degrees north, -90..90
 * @param longitude degrees east, -180..180
 * @param listen address of the HTTP listener, which also serves {@code /_cdn/*} unless {@code
 *     admin} is set
 * @param advertise addresses DNS answers with; defaults to the listen host when it is an IP
 * @param capacity requests per second the edge is sized for (default 1000)
 * @param adminToken bearer token of the admin endpoints; empty means generate one at start
 * @param cache memory cache budget
 * @param origin origin connection timeouts
 * @param distributions the sites this edge serves, matched by Host (at least one without a
 *     cluster); replaced by the cluster's current {@code distributions.yaml} version once one is
 *     published
 * @param cluster Hazelcast cluster to register in; null runs the edge standalone
 * @param clusterFill peer scope and fill lease settings, used with a cluster (default {@link
 *     ClusterFillConfig#defaults()})
 * @param tls the HTTPS (and HTTP/2) listener; null = plain HTTP only
 * @param latency active RTT probes to client networks, used with a cluster (default {@link
 *     LatencyConfig#defaults()}: disabled)
 * @param connections caps and timeouts of client connections (default {@link
 *     ConnectionsConfig#DEFAULTS})
 * @param admin a listener of its own for {@code /_cdn/*} ({@link AdminConfig}); null = the content
 *     listeners serve it
 * @param live live streaming: RTMP publish and play, relays, live HLS ({@link LiveConfig}, module
 *     {@code live}); null = off. Stream keys {@code hmac} (the default) need a cluster section
 * @param accessLog the access log (default {@link AccessLogConfig#defaults()}: JSON lines on
 *     standard output)
 * @param geoipDatabase the MaxMind GeoIP2/GeoLite2 Country or City database file that locates
 *     clients for a distribution's {@code geoRestriction}; null = the embedded GeoLite2 Country of
 *     2019-11-19
 *     <p>An example {@code adminToken} or {@code cluster.secret} (containing {@value
 *     io.opencdn.common.config.ExampleSecrets#MARKER}) is refused when any listener (HTTP, HTTPS,
 *     admin, cluster) binds a non-loopback address ({@link
 *     io.opencdn.common.config.ExampleSecrets}).
 */
public record EdgeConfig(
    @JsonProperty("id") String id,
    @JsonProperty("region") String region,
    @JsonProperty("latitude") Double latitude,
    @JsonProperty("longitude") Double longitude,
    @JsonProperty("listen") Endpoint listen,
    @JsonProperty("advertise") AdvertiseConfig advertise,
    @JsonProperty("capacity") Integer capacity,
    @JsonProperty("adminToken") String adminToken,
    @JsonProperty("cache") CacheConfig cache,
    @JsonProperty("origin") OriginConfig origin,
    @JsonProperty("distributions") List<DistributionConfig> distributions,
    @JsonProperty("cluster") ClusterConfig cluster,
    @JsonProperty("clusterFill") ClusterFillConfig clusterFill,
    @JsonProperty("tls") TlsConfig tls,
    @JsonProperty("latency") LatencyConfig latency,
    @JsonProperty("connections") ConnectionsConfig connections,
    @JsonProperty("admin") AdminConfig admin,
    @JsonProperty("live") LiveConfig live,
    @JsonProperty("accessLog") AccessLogConfig accessLog,
    @JsonProperty("geoipDatabase") String geoipDatabase) {

  public static final int DEFAULT_CAPACITY = 1000;

  public EdgeConfig {
    ConfigException.require(
        id != null && id.matches("[a-z0-9-]{1,63}"), "id", "1-63 characters of a-z 0-9 -", id);
    region = region == null || region.isBlank() ? id : region;
    ConfigException.require(
        latitude != null && latitude >= -90 && latitude <= 90,
        "latitude",
        "degrees -90..90",
        latitude);
    ConfigException.require(
        longitude != null && longitude >= -180 && longitude <= 180,
        "longitude",
        "degrees -180..180",
        longitude);
    ConfigException.require(listen != null, "listen", "host:port of the HTTP listener", "nothing");
    if (advertise == null) {
      advertise = AdvertiseConfig.fromListenHost(listen.host());
    }
    capacity = capacity == null ? DEFAULT_CAPACITY : capacity;
    ConfigException.require(capacity >= 1, "capacity", "requests/s >= 1", capacity);
    adminToken = adminToken == null ? "" : adminToken;
    ConfigException.require(
        adminToken.isEmpty() || adminToken.length() >= 16,
        "adminToken",
        "empty (generate one) or at least 16 characters",
        adminToken.length() + " characters");
    cache = cache == null ? new CacheConfig(null, null) : cache;
    origin = origin == null ? new OriginConfig(null, null) : origin;
    ConfigException.require(
        cluster != null || distributions != null && !distributions.isEmpty(),
        "distributions",
        "at least one {host, origin} (none only with a cluster: then ./cdn config apply publishes them)",
        "none");
    distributions = distributions == null ? List.of() : List.copyOf(distributions);
    Set<String> hosts = new HashSet<>();
    for (DistributionConfig d : distributions) {
      ConfigException.require(
          d != null, "distributions", "{host, origin} entries", "an empty entry");
      ConfigException.require(
          hosts.add(d.host().toLowerCase(Locale.ROOT)),
          "distributions",
          "distinct hosts",
          "'" + d.host() + "' twice");
    }
    clusterFill = clusterFill == null ? ClusterFillConfig.defaults() : clusterFill;
    ConfigException.require(
        cluster != null || clusterFill.equals(ClusterFillConfig.defaults()),
        "clusterFill",
        "no settings without a cluster section (they tune fills through the cluster)",
        "settings and no cluster");
    latency = latency == null ? LatencyConfig.defaults() : latency;
    ConfigException.require(
        !latency.enabled() || cluster != null,
        "latency.enabled",
        "false without a cluster section (probes publish into the cluster's latency map)",
        "true and no cluster");
    ConfigException.require(
        tls == null || tls.acme() == null || cluster != null,
        "tls.acme",
        "a cluster section (challenges and certificates go through the cluster)",
        "acme and no cluster");
    connections = connections == null ? ConnectionsConfig.DEFAULTS : connections;
    accessLog = accessLog == null ? AccessLogConfig.defaults() : accessLog;
    geoipDatabase = geoipDatabase == null || geoipDatabase.isBlank() ? null : geoipDatabase;
    ConfigException.require(
        geoipDatabase == null || new java.io.File(geoipDatabase).isFile(),
        "geoipDatabase",
        "a readable GeoIP2/GeoLite2 Country or City database file",
        geoipDatabase);
    ConfigException.require(
        cluster == null || advertise.ipv4() != null || advertise.ipv6() != null,
        "advertise",
        "an IPv4 or IPv6 address (required with a cluster when listen is not an IP)",
        "nothing");
    ConfigException.require(
        live == null || cluster != null || live.keyMode() != StreamKeyMode.HMAC,
        "live.streamKeys",
        "static (with live.keys) without a cluster section (hmac keys derive from cluster.secret)",
        "hmac and no cluster");
    java.util.List<Endpoint> listeners =
        java.util.Arrays.asList(
            listen,
            tls == null ? null : tls.listen(),
            admin == null ? null : admin.listen(),
            cluster == null ? null : cluster.bind(),
            live == null ? null : live.rtmp());
    ExampleSecrets.refuseExposed("adminToken", adminToken, listeners);
    ExampleSecrets.refuseExposed(
        "cluster.secret", cluster == null ? null : cluster.secret(), listeners);
  }

  /** The configuration without {@code geoipDatabase}: the embedded one. */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill,
      TlsConfig tls,
      LatencyConfig latency,
      ConnectionsConfig connections,
      AdminConfig admin,
      LiveConfig live,
      AccessLogConfig accessLog) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        live,
        accessLog,
        null);
  }

  /** The configuration without {@code accessLog}: its defaults. */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill,
      TlsConfig tls,
      LatencyConfig latency,
      ConnectionsConfig connections,
      AdminConfig admin,
      LiveConfig live) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        live,
        null);
  }

  /**
   * The configuration without a {@code live} section (live streaming off) and without {@code
   * accessLog}.
   */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill,
      TlsConfig tls,
      LatencyConfig latency,
      ConnectionsConfig connections,
      AdminConfig admin) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        null,
        null);
  }

  /** The configuration without {@code connections} and {@code admin} sections: their defaults. */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill,
      TlsConfig tls,
      LatencyConfig latency) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        null,
        null,
        null);
  }

  /** The configuration without latency probes ({@code latency} absent). */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill,
      TlsConfig tls) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        null);
  }

  /** The configuration without an HTTPS listener ({@code tls} absent). */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster,
      ClusterFillConfig clusterFill) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        null);
  }

  /** The configuration as it was before {@code clusterFill} existed: cluster fill defaults. */
  public EdgeConfig(
      String id,
      String region,
      Double latitude,
      Double longitude,
      Endpoint listen,
      AdvertiseConfig advertise,
      Integer capacity,
      String adminToken,
      CacheConfig cache,
      OriginConfig origin,
      List<DistributionConfig> distributions,
      ClusterConfig cluster) {
    this(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        null);
  }

  /** A copy with another {@code id} (the {@code --id} option); every other key is kept. */
  public EdgeConfig withId(String other) {
    return new EdgeConfig(
        other,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        live,
        accessLog,
        geoipDatabase);
  }

  /**
   * A copy with another {@code adminToken} (the {@code --admin-token} option); every other key is
   * kept.
   */
  public EdgeConfig withAdminToken(String other) {
    return new EdgeConfig(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        other,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        live,
        accessLog,
        geoipDatabase);
  }

  /**
   * A copy with another {@code accessLog} (the {@code --access-log} option); every other key is
   * kept.
   */
  public EdgeConfig withAccessLog(AccessLogConfig other) {
    return new EdgeConfig(
        id,
        region,
        latitude,
        longitude,
        listen,
        advertise,
        capacity,
        adminToken,
        cache,
        origin,
        distributions,
        cluster,
        clusterFill,
        tls,
        latency,
        connections,
        admin,
        live,
        other,
        geoipDatabase);
  }

  /**
   * The standalone edge of {@code edge --listen HOST:PORT --origin URL}: id {@code edge}, every
   * Host proxied to {@code origin}, no cluster.
   */
  public static EdgeConfig standalone(
      String id, Endpoint listen, String origin, String adminToken) {
    return new EdgeConfig(
        id,
        null,
        0.0,
        0.0,
        listen,
        null,
        null,
        adminToken,
        null,
        null,
        List.of(new DistributionConfig(DistributionConfig.ANY_HOST, origin)),
        null);
  }

  /**
   * {@link io.opencdn.common.config.Redacted}: every component but {@code adminToken}, which is
   * never printed.
   */
  @Override
  public String toString() {
    return io.opencdn.common.config.Redacted.text(this, java.util.Set.of("adminToken"));
  }
}
