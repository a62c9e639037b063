package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.config.StaticEdge;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.origin.OriginConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The commands change a loaded configuration only through the records' {@code with...} methods
 * (issue 24: a field-by-field rebuild dropped {@code tls} and {@code latency}). Every such method
 * of every configuration record a command loads must change its one component and keep all the
 * others; a new {@code with...} method fails here until it is given an argument below.
 */
class ConfigCopiesTest {

  static final String EDGE =
      """
      id: eu-west
      region: europe
      latitude: 50.11
      longitude: 8.68
      listen: 127.0.0.12:8080
      advertise: {ipv4: 127.0.0.12, ipv6: "::1"}
      capacity: 777
      adminToken: from-the-file-0123456789
      cache: {memoryBytes: 3000000, maxObjectBytes: 100000, staleWhileRevalidateSeconds: 5, staleIfErrorSeconds: 7,
              heuristicMaxSeconds: 9, diskPath: /var/cache/x, diskBytes: 5000000, diskMaxObjectBytes: 200000}
      origin: {connectTimeoutMillis: 300, timeoutMillis: 4000}
      distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9090", trustForwardedHeaders: true, compress: true}]
      connections: {maxConnections: 900, maxConnectionsPerAddress: 9, headerTimeoutMillis: 900, keepAliveTimeoutMillis: 9000,
                    idleTimeoutSeconds: 9, http2MaxConcurrentStreams: 9, http2ResetsPerWindow: 9, http2ResetWindowSeconds: 9}
      tls: {listen: 127.0.0.12:8443, certificates: [{cert: /etc/x.pem, key: /etc/x.key}], http2: false}
      cluster: {name: c, secret: 0123456789abcdef, bind: 127.0.0.12:5701, members: [127.0.0.1:5701], heartbeatMillis: 2000, directoryMaxEntries: 5000,
                failureTimeoutMillis: 9000}
      clusterFill: {peerScope: any, peerTimeoutMillis: 500, leaseMaxAgeMillis: 9000, leaseAttempts: 5}
      latency: {enabled: true, intervalMillis: 700, maxTargets: 3, port: 8053, timeoutMillis: 300, sourceAddress: 127.0.0.12}
      admin: {listen: 127.0.0.1:9080}
      geoipDatabase: %s
      accessLog: {enabled: true, format: text, path: /var/log/x.log, fields: [c-ip], sampleRate: 0.5, queueBytes: 100000}
      live: {rtmp: 127.0.0.12:1935, app: tv, chunkSize: 8192, windowAckBytes: 5000000, maxMessageBytes: 4000000,
             gopCacheBytes: 9000000, viewerBufferBytes: 3000000, maxConnections: 99, publisherGraceMillis: 3000,
             relayLingerMillis: 4000, hls: {enabled: true, segmentMillis: 3000, playlistSegments: 4, pathPrefix: /tv/}}
      """
          .formatted(geoipFile());

  /** The config checks that the database is a file (it is opened only when a geo rule is used). */
  static String geoipFile() {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("geoip", ".mmdb");
      f.toFile().deleteOnExit();
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static final String DNS =
      """
      listen: 127.0.0.1:8053
      zones: [{origin: cdn.test., file: cdn.test.zone}]
      geo: {cityDatabase: city.mmdb, coverage: coverage.txt, coverageReloadSeconds: 3,
            defaultLocation: {latitude: 1.0, longitude: 2.0, country: DE, continent: EU}}
      routing: [{name: www.cdn.test., ttl: 7, answers: 2, policies: [health, {name: distance, bucketKm: 10}]}]
      health: {intervalMillis: 300, timeoutMillis: 200, fall: 3, rise: 4}
      cluster: {name: c, secret: 0123456789abcdef, bind: 127.0.0.1:5701}
      edges: [{id: far, latitude: 1, longitude: 2, ipv4: 192.0.2.9, healthPort: 80}]
      rrl: {enabled: true, responsesPerSecond: 5, slip: 1, window: 2, ipv4Prefix: 28, ipv6Prefix: 60}
      admin: {listen: 127.0.0.1:8054, token: admin-token-0123456789}
      threads: 3
      tcp: {maxConnections: 90, maxConnectionsPerClient: 3, idleSeconds: 4, writeQueueBytes: 9000}
      probeTargets: {allowPrivate: true}
      decisionLog: {enabled: true, path: /var/log/d.log, sampleRate: 0.5, queueBytes: 100000}
      dnssec: {keyDirectory: keys, algorithm: ED25519, keys: ksk+zsk, dnskeyTtl: 600}
      """;

  static final String ORIGIN =
      """
      listen: 127.0.0.1:9090
      root: ./www
      adminToken: origin-token-0123456789
      fileCacheControl: max-age=5
      """;

  /** The argument each with-method is called with (a value different from the fixture's). */
  static final Map<String, Object> ARGUMENTS =
      Map.ofEntries(
          Map.entry("EdgeConfig.withId", "other-id"),
          Map.entry("EdgeConfig.withAdminToken", "another-token-0123456789"),
          Map.entry(
              "EdgeConfig.withAccessLog",
              new io.opencdn.edge.config.AccessLogConfig(false, null, null, null, null, null)),
          Map.entry("DnsConfig.withListen", new Endpoint("127.0.0.2", 53)),
          Map.entry("DnsConfig.withThreads", 5),
          Map.entry(
              "DnsConfig.withAdmin",
              new io.opencdn.dns.config.AdminConfig(
                  new Endpoint("127.0.0.2", 8054), "another-token-0123456789")),
          Map.entry(
              "DnsConfig.withDnssec", io.opencdn.dns.config.DnssecConfig.defaults("other-keys")),
          Map.entry("DnsConfig.withRouting", List.of(new RouteConfig("other.cdn.test.", 30, 1))),
          Map.entry("DnsConfig.withDistributionHosts", List.of("shop.cdn.test")),
          Map.entry("DnsConfig.withCityDatabase", "/srv/other.mmdb"),
          Map.entry(
              "DnsConfig.withEdges",
              List.of(
                  new StaticEdge(
                      "near", null, 3.0, 4.0, "192.0.2.10", null, null, null, null, null, null))),
          Map.entry(
              "DnsConfig.withCluster",
              new io.opencdn.common.cluster.ClusterConfig(
                  "other",
                  "another-secret-0123456789",
                  new Endpoint("127.0.0.1", 5702),
                  null,
                  null,
                  null)),
          Map.entry("OriginConfig.withListen", new Endpoint("127.0.0.2", 80)),
          Map.entry("OriginConfig.withRoot", "/srv/site"),
          Map.entry("OriginConfig.withAdminToken", "another-token-0123456789"),
          Map.entry("ClusterConfig.withBind", new Endpoint("127.0.0.2", 5799)));

  /** Which component a with-method changes when its name does not say it. */
  static final Map<String, String> COMPONENT =
      Map.of("DnsConfig.withCityDatabase", "geo", "DnsConfig.withDistributionHosts", "routing");

  @Test
  void everyWithMethodChangesItsComponentAndKeepsTheOthers() throws Exception {
    EdgeConfig edge = ConfigLoader.parse(EDGE, "edge.yaml", EdgeConfig.class);
    List<Object> configs =
        List.of(
            edge,
            ConfigLoader.parse(DNS, "dns.yaml", DnsConfig.class),
            ConfigLoader.parse(ORIGIN, "origin.yaml", OriginConfig.class),
            edge.cluster());
    List<String> checked = new ArrayList<>();
    for (Object config : configs) {
      for (Method m : config.getClass().getMethods()) {
        if (!m.getName().startsWith("with")
            || Modifier.isStatic(m.getModifiers())
            || m.getParameterCount() != 1) {
          continue;
        }
        String name = config.getClass().getSimpleName() + "." + m.getName();
        assertThat(ARGUMENTS).as("an argument for " + name).containsKey(name);
        Object copy = m.invoke(config, ARGUMENTS.get(name));
        String changed =
            COMPONENT.getOrDefault(
                name, Character.toLowerCase(m.getName().charAt(4)) + m.getName().substring(5));
        List<String> differing = new ArrayList<>();
        for (RecordComponent rc : config.getClass().getRecordComponents()) {
          if (!java.util.Objects.equals(
              rc.getAccessor().invoke(config), rc.getAccessor().invoke(copy))) {
            differing.add(rc.getName());
          }
        }
        assertThat(differing).as(name + " changes only '" + changed + "'").containsExactly(changed);
        checked.add(name);
      }
    }
    assertThat(checked)
        .as("with-methods found")
        .containsExactlyInAnyOrderElementsOf(ARGUMENTS.keySet());
  }

  @Test
  void theEdgeBuilderKeepsEveryKeyOfALoadedConfiguration() {
    EdgeConfig edge = ConfigLoader.parse(EDGE, "edge.yaml", EdgeConfig.class);
    assertThat(edge.toBuilder().build()).isEqualTo(edge);
    for (RecordComponent rc : EdgeConfig.class.getRecordComponents()) {
      assertThat(EdgeConfig.Builder.class.getMethods())
          .as("a builder method for " + rc.getName())
          .anyMatch(m -> m.getName().equals(rc.getName()) && m.getParameterCount() == 1);
    }
  }

  @Test
  void theFixturesSetEveryKey() {
    // a null component would make "kept" trivially true for it
    EdgeConfig edge = ConfigLoader.parse(EDGE, "edge.yaml", EdgeConfig.class);
    for (Object config :
        List.of(
            edge,
            ConfigLoader.parse(DNS, "dns.yaml", DnsConfig.class),
            ConfigLoader.parse(ORIGIN, "origin.yaml", OriginConfig.class),
            edge.cluster())) {
      Arrays.stream(config.getClass().getRecordComponents())
          .forEach(
              rc -> {
                try {
                  assertThat(rc.getAccessor().invoke(config))
                      .as(config.getClass().getSimpleName() + "." + rc.getName())
                      .isNotNull();
                } catch (ReflectiveOperationException e) {
                  throw new AssertionError(e);
                }
              });
    }
  }
}
