package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

public class EdgeConfigTest {

  public static final String MINIMAL =
      """
      id: eu-west
      latitude: 50.11
      longitude: 8.68
      listen: 127.0.0.12:8080
      distributions:
        - host: www.cdn.test
          origin: http://127.0.0.1:9090
      """;

  static EdgeConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "edge.yaml", EdgeConfig.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"us-east", "eu-west", "ap-northeast"})
  void demoConfigsLoadAndValidate(String id) throws IOException {
    String text;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("demo/edge-" + id + ".yaml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String yaml =
        ConfigLoader.interpolate(
            text,
            "demo",
            Map.of(
                "CDN_CLUSTER_SECRET",
                "demo-secret-0123456789",
                "CDN_TLS_CERT",
                "edge.pem",
                "CDN_TLS_KEY",
                "edge.key"));

    EdgeConfig c = parse(yaml);

    assertThat(c.id()).isEqualTo(id);
    assertThat(c.region()).isEqualTo(id);
    assertThat(c.listen().port()).isEqualTo(8080);
    assertThat(c.advertise().ipv4()).isEqualTo(c.listen().host()).startsWith("127.0.0.1");
    assertThat(c.distributions())
        .extracting(DistributionConfig::host)
        .containsExactly("www.cdn.test", "cdn.test");
    assertThat(c.distributions())
        .extracting(DistributionConfig::origin)
        .containsOnly("http://127.0.0.1:9090");
    assertThat(c.cluster().name()).isEqualTo("opencdn-demo");
    assertThat(c.cluster().bind().host()).isEqualTo(c.listen().host());
    assertThat(c.cluster().members()).hasSize(4);
    assertThat(c.adminToken()).isEmpty();
    assertThat(c.tls().listen().host()).isEqualTo(c.listen().host());
    assertThat(c.tls().listen().port()).isEqualTo(8443);
    assertThat(c.tls().certificates())
        .containsExactly(new io.opencdn.edge.config.TlsConfig.Certificate("edge.pem", "edge.key"));
    assertThat(c.tls().acme()).as("no ACME without ./cdn demo --acme-directory").isNull();
  }

  @Test
  void demoCoordinates() throws IOException {
    Map<String, double[]> expected =
        Map.of(
            "us-east",
            new double[] {39.04, -77.49},
            "eu-west",
            new double[] {50.11, 8.68},
            "ap-northeast",
            new double[] {35.68, 139.69});
    for (var e : expected.entrySet()) {
      String text;
      try (InputStream in =
          getClass().getClassLoader().getResourceAsStream("demo/edge-" + e.getKey() + ".yaml")) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      EdgeConfig c =
          parse(
              ConfigLoader.interpolate(
                  text,
                  "demo",
                  Map.of(
                      "CDN_CLUSTER_SECRET",
                      "demo-secret-0123456789",
                      "CDN_TLS_CERT",
                      "edge.pem",
                      "CDN_TLS_KEY",
                      "edge.key")));
      assertThat(new double[] {c.latitude(), c.longitude()}).containsExactly(e.getValue());
    }
  }

  @Test
  void otherEdgesReachTheAdvertisedIpv4ElseTheIpv6ElseTheListenHost() {
    assertThat(new AdvertiseConfig("192.0.2.1", "2001:db8::1").hostOr("0.0.0.0"))
        .isEqualTo("192.0.2.1");
    assertThat(new AdvertiseConfig(null, "2001:db8::1").hostOr("0.0.0.0")).isEqualTo("2001:db8::1");
    assertThat(new AdvertiseConfig(null, null).hostOr("edge.example")).isEqualTo("edge.example");
  }

  @Test
  void defaults() {
    EdgeConfig c = parse(MINIMAL);

    assertThat(c.region()).isEqualTo("eu-west");
    assertThat(c.capacity()).isEqualTo(1000);
    assertThat(c.advertise()).isEqualTo(new AdvertiseConfig("127.0.0.12", null));
    assertThat(c.cache()).isEqualTo(new CacheConfig(256L << 20, 16L << 20));
    assertThat(c.origin()).isEqualTo(new OriginConfig(2000, 10_000));
    assertThat(c.adminToken()).isEmpty();
    assertThat(c.cluster()).isNull();
    assertThat(c.distributions().get(0).compress()).isFalse();
    assertThat(c.distributions().get(0).trustForwardedHeaders()).isFalse();
  }

  @Test
  void aDistributionOfTheEdgesOwnFileMayCompress() {
    EdgeConfig c = parse(MINIMAL + "    compress: true\n");
    assertThat(c.distributions().get(0).compress()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "id: EU_West|key 'id'",
        "latitude: 91|key 'latitude'",
        "longitude: -181|key 'longitude'",
        "capacity: 0|key 'capacity'",
        "adminToken: short|key 'adminToken'",
        "listen: nowhere|key 'listen'",
        "advertise: {ipv4: 300.1.1.1}|key 'advertise.ipv4'",
        "cache: {memoryBytes: 100000, maxObjectBytes: 200000}|key 'cache.maxObjectBytes'",
        "cache: {staleIfErrorSeconds: -1}|key 'cache.staleIfErrorSeconds'",
        "tls: {listen: 127.0.0.1:8443, certificates: []}|key 'tls.certificates'",
        "tls: {certificates: [{cert: a.pem, key: b.pem}]}|key 'tls.listen'",
        "tls: {listen: 127.0.0.1:8443, certificates: [{cert: a.pem}]}|key 'tls.certificates[0].key'",
        "cache: {staleWhileRevalidateSeconds: -5}|key 'cache.staleWhileRevalidateSeconds'",
        "cache: {heuristicMaxSeconds: -1}|key 'cache.heuristicMaxSeconds'",
        "cache: {maxObjectBytes: 100000, diskPath: /tmp/x, diskBytes: 10}|key 'cache.diskBytes'",
        "origin: {timeoutMillis: 0}|key 'origin.timeoutMillis'",
        "distributions: []|key 'distributions'",
        "distributions: [{host: www.cdn.test, origin: ftp://x}]|key 'distributions[0].origin'",
        "distributions: [{host: 'bad host', origin: http://x}]|key 'distributions[0].host'",
        "colour: blue|key 'colour': unknown key",
        "clusterFill: {peerScope: any}|key 'clusterFill': expected no settings without a cluster section",
        "latency: {enabled: true}|key 'latency.enabled': expected false without a cluster section",
        "accessLog: {format: xml}|key 'accessLog.format': expected json or text, got xml",
        "accessLog: {fields: [timestamp, cs-cookie]}|key 'accessLog.fields': expected names among",
        "accessLog: {fields: [c-ip, c-ip]}|key 'accessLog.fields': expected each name once, got c-ip twice",
        "accessLog: {fields: []}|key 'accessLog.fields': expected at least one",
        "accessLog: {sampleRate: 1.5}|key 'accessLog.sampleRate': expected 0..1",
        "accessLog: {queueBytes: 10}|key 'accessLog.queueBytes': expected 65536..1073741824",
        "accessLog: {colour: red}|key 'accessLog.colour': unknown key",
        "geoipDatabase: no/such.mmdb|key 'geoipDatabase': expected a readable GeoIP2/GeoLite2 Country or City database file, got no/such.mmdb",
      })
  void badValuesNameTheirKey(String override, String expectedMessage) {
    String key = override.substring(0, override.indexOf(':'));
    StringBuilder yaml = new StringBuilder();
    boolean skipping = false;
    for (String line : MINIMAL.split("\n")) {
      if (line.startsWith(key + ":")) {
        skipping = true;
        continue;
      }
      if (skipping && line.startsWith("  ")) {
        continue;
      }
      skipping = false;
      yaml.append(line).append('\n');
    }
    yaml.append(override).append('\n');

    assertThatThrownBy(() -> parse(yaml.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("edge.yaml: ")
        .hasMessageContaining(expectedMessage);
  }

  @Test
  void cacheKeysForStaleServingAndTheDiskTier() {
    String yaml =
        MINIMAL
            + """
        cache: {memoryBytes: 1048576, staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 600,
                heuristicMaxSeconds: 3600, diskPath: /var/cache/opencdn, diskBytes: 2097152}
        """;

    CacheConfig c = parse(yaml).cache();

    assertThat(c)
        .isEqualTo(
            new CacheConfig(1048576L, 262144L, 30L, 600L, 3600L, "/var/cache/opencdn", 2097152L));
    assertThat(parse(MINIMAL).cache())
        .isEqualTo(
            new CacheConfig(null, null, 0L, 86400L, 86400L, null, CacheConfig.DEFAULT_DISK_BYTES));
  }

  @Test
  void tlsSection() {
    TlsConfig tls =
        parse(
                MINIMAL
                    + """
        tls:
          listen: 127.0.0.12:8443
          certificates:
            - {cert: /etc/opencdn/www.pem, key: /etc/opencdn/www.key}
        """)
            .tls();

    assertThat(tls.listen().port()).isEqualTo(8443);
    assertThat(tls.certificates())
        .containsExactly(new TlsConfig.Certificate("/etc/opencdn/www.pem", "/etc/opencdn/www.key"));
    assertThat(tls.http2()).isTrue();
    assertThat(parse(MINIMAL).tls()).isNull();
  }

  @Test
  void adminSection() {
    EdgeConfig c = parse(MINIMAL + "admin: {listen: \"127.0.0.1:9080\"}\n");
    assertThat(c.admin().listen().toString()).isEqualTo("127.0.0.1:9080");
    assertThat(parse(MINIMAL).admin()).isNull();
    assertThat(c.withId("other").admin()).isEqualTo(c.admin());
    assertThatThrownBy(() -> parse(MINIMAL + "admin: {}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("admin.listen");
  }

  /**
   * The example values of the docs and docker-compose.yml only while every listener is loopback.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "listen: 0.0.0.0:8080                                  | adminToken",
        "admin: {listen: \"10.0.0.5:9080\"}                  | adminToken",
        "tls: {listen: \"[::]:8443\", certificates: [{cert: c.pem, key: k.pem}]} | adminToken"
      })
  void anExampleAdminTokenIsRefusedOnANonLoopbackListener(String section, String key) {
    String yaml =
        MINIMAL.replace(
                "listen: 127.0.0.12:8080\n",
                section.startsWith("listen:") ? section + "\n" : "listen: 127.0.0.12:8080\n")
            + (section.startsWith("listen:") ? "" : section + "\n")
            + "adminToken: local-trial-token-change-me\n";
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("edge.yaml: key '" + key + "': expected a value of your own")
        .hasMessageNotContaining("local-trial-token-change-me");
    assertThat(parse(MINIMAL + "adminToken: local-trial-token-change-me\n").adminToken())
        .as("loopback only")
        .isNotEmpty();
  }

  @Test
  void anExampleClusterSecretIsRefusedWhenTheClusterBindsANonLoopbackAddress() {
    String cluster =
        "advertise: {ipv4: 127.0.0.12}\ncluster: {name: c, secret: change-me-0123456789, bind: \"%s:5701\"}\n";
    assertThatThrownBy(() -> parse(MINIMAL + cluster.formatted("192.168.1.2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("edge.yaml: key 'cluster.secret': expected a value of your own")
        .hasMessageContaining("192.168.1.2:5701");
    assertThat(parse(MINIMAL + cluster.formatted("127.0.0.12")).cluster().secret())
        .isEqualTo("change-me-0123456789");
    // the command-line override goes through the same check
    EdgeConfig loopback = parse(MINIMAL);
    assertThatThrownBy(
            () ->
                EdgeConfig.standalone(
                    "edge",
                    io.opencdn.common.config.Endpoint.parse("0.0.0.0:8080"),
                    "http://127.0.0.1:9090",
                    "change-me-0123456789"))
        .hasMessageContaining("'adminToken'");
    assertThat(loopback.withAdminToken("change-me-0123456789").adminToken())
        .isEqualTo("change-me-0123456789");
  }

  @Test
  void clusterNeedsAnAdvertisedAddress() {
    String yaml =
        MINIMAL.replace("127.0.0.12:8080", "0.0.0.0:8080")
            + """
        cluster: {name: demo, secret: 0123456789abcdef0123, bind: 127.0.0.1:5701}
        """;

    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 'advertise'");
  }

  @Test
  void standaloneProxiesEveryHost() {
    EdgeConfig c =
        EdgeConfig.standalone(
            "edge",
            io.opencdn.common.config.Endpoint.parse("127.0.0.1:8080"),
            "http://127.0.0.1:9090",
            null);

    assertThat(c.distributions())
        .containsExactly(new DistributionConfig("*", "http://127.0.0.1:9090"));
    assertThat(c.cluster()).isNull();
  }
}
