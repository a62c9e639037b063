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
 * <p>A configuration is built in code with {@link #builder()}, which leaves every key it is not
 * given absent (its default). A loaded configuration is changed only through the {@code with...}
 * methods or {@link #toBuilder()}, which keep every other key: a field-by-field rebuild would
 * silently drop the sections it forgets (as {@code tls} and {@code latency} once were).
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

  /** A copy with another {@code id} (the {@code --id} option); every other key is kept. */
  public EdgeConfig withId(String other) {
    return toBuilder().id(other).build();
  }

  /**
   * A copy with another {@code adminToken} (the {@code --admin-token} option); every other key is
   * kept.
   */
  public EdgeConfig withAdminToken(String other) {
    return toBuilder().adminToken(other).build();
  }

  /**
   * A copy with another {@code accessLog} (the {@code --access-log} option); every other key is
   * kept.
   */
  public EdgeConfig withAccessLog(AccessLogConfig other) {
    return toBuilder().accessLog(other).build();
  }

  /**
   * The standalone edge of {@code edge --listen HOST:PORT --origin URL}: id {@code edge}, every
   * Host proxied to {@code origin}, no cluster.
   */
  public static EdgeConfig standalone(
      String id, Endpoint listen, String origin, String adminToken) {
    return builder()
        .id(id)
        .latitude(0.0)
        .longitude(0.0)
        .listen(listen)
        .adminToken(adminToken)
        .distributions(List.of(new DistributionConfig(DistributionConfig.ANY_HOST, origin)))
        .build();
  }

  /** A configuration built key by key; every key left unset is absent (its default). */
  public static Builder builder() {
    return new Builder(null);
  }

  /** A builder holding every key of this configuration, to change some and keep the others. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The keys of an {@link EdgeConfig}, set one by one; {@link #build} validates them all through
   * the canonical constructor, as loading a file does.
   */
  public static final class Builder {
    private String id;
    private String region;
    private Double latitude;
    private Double longitude;
    private Endpoint listen;
    private AdvertiseConfig advertise;
    private Integer capacity;
    private String adminToken;
    private CacheConfig cache;
    private OriginConfig origin;
    private List<DistributionConfig> distributions;
    private ClusterConfig cluster;
    private ClusterFillConfig clusterFill;
    private TlsConfig tls;
    private LatencyConfig latency;
    private ConnectionsConfig connections;
    private AdminConfig admin;
    private LiveConfig live;
    private AccessLogConfig accessLog;
    private String geoipDatabase;

    private Builder(EdgeConfig from) {
      if (from == null) {
        return;
      }
      this.id = from.id;
      this.region = from.region;
      this.latitude = from.latitude;
      this.longitude = from.longitude;
      this.listen = from.listen;
      this.advertise = from.advertise;
      this.capacity = from.capacity;
      this.adminToken = from.adminToken;
      this.cache = from.cache;
      this.origin = from.origin;
      this.distributions = from.distributions;
      this.cluster = from.cluster;
      this.clusterFill = from.clusterFill;
      this.tls = from.tls;
      this.latency = from.latency;
      this.connections = from.connections;
      this.admin = from.admin;
      this.live = from.live;
      this.accessLog = from.accessLog;
      this.geoipDatabase = from.geoipDatabase;
    }

    public Builder id(String value) {
      this.id = value;
      return this;
    }

    public Builder region(String value) {
      this.region = value;
      return this;
    }

    public Builder latitude(Double value) {
      this.latitude = value;
      return this;
    }

    public Builder longitude(Double value) {
      this.longitude = value;
      return this;
    }

    public Builder listen(Endpoint value) {
      this.listen = value;
      return this;
    }

    public Builder advertise(AdvertiseConfig value) {
      this.advertise = value;
      return this;
    }

    public Builder capacity(Integer value) {
      this.capacity = value;
      return this;
    }

    public Builder adminToken(String value) {
      this.adminToken = value;
      return this;
    }

    public Builder cache(CacheConfig value) {
      this.cache = value;
      return this;
    }

    public Builder origin(OriginConfig value) {
      this.origin = value;
      return this;
    }

    public Builder distributions(List<DistributionConfig> value) {
      this.distributions = value;
      return this;
    }

    public Builder cluster(ClusterConfig value) {
      this.cluster = value;
      return this;
    }

    public Builder clusterFill(ClusterFillConfig value) {
      this.clusterFill = value;
      return this;
    }

    public Builder tls(TlsConfig value) {
      this.tls = value;
      return this;
    }

    public Builder latency(LatencyConfig value) {
      this.latency = value;
      return this;
    }

    public Builder connections(ConnectionsConfig value) {
      this.connections = value;
      return this;
    }

    public Builder admin(AdminConfig value) {
      this.admin = value;
      return this;
    }

    public Builder live(LiveConfig value) {
      this.live = value;
      return this;
    }

    public Builder accessLog(AccessLogConfig value) {
      this.accessLog = value;
      return this;
    }

    public Builder geoipDatabase(String value) {
      this.geoipDatabase = value;
      return this;
    }

    public EdgeConfig build() {
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
          accessLog,
          geoipDatabase);
    }
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
