package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The docker-compose deployment must not depend on paths of the Docker host: a daemon that cannot
 * see the checkout (CI's, for one) mounts an empty directory for a missing bind source, and every
 * service then fails on its missing config and restarts forever. So the config and the demo site go
 * into the images, and this checks the file, the Dockerfiles and the .dockerignore agree on that
 * (the container tests themselves need Docker: profile e2e).
 */
class ComposeFileTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void noServiceMountsAPathOfTheHost() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    List<String> mounts = new ArrayList<>();
    collectVolumes(compose, mounts);
    assertThat(mounts)
        .as("bind mounts of host paths")
        .noneMatch(v -> v.startsWith(".") || v.startsWith("/") || v.startsWith("~"));
    assertThat(compose.path("services").size()).as("services").isEqualTo(7);
    // Prometheus only with --profile monitoring
    assertThat(compose.path("services").path("prometheus").path("profiles").toString())
        .isEqualTo("[\"monitoring\"]");
  }

  @Test
  void everyConfigAServiceReadsIsCopiedIntoItsImage() throws Exception {
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(ROOT.resolve("docker-compose.yml").toFile())
            .path("services");
    Map<String, String> dockerfiles =
        Map.of(
            "opencdn/dns:latest",
            "dns-server/Dockerfile",
            "opencdn/edge:latest",
            "edge-node/Dockerfile",
            "opencdn/origin:latest",
            "origin-stub/Dockerfile",
            "opencdn/prometheus:latest",
            "monitoring/Dockerfile");
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    int checked = 0;
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      List<String> command = new ArrayList<>();
      service.getValue().path("command").forEach(c -> command.add(c.asText()));
      String dockerfile =
          Files.readString(
              ROOT.resolve(dockerfiles.get(service.getValue().path("image").asText())));
      int config = command.indexOf("--config");
      if (config >= 0) {
        String path = command.get(config + 1);
        assertThat(path).as(service.getKey()).startsWith("/etc/cdn/");
        assertThat(ROOT.resolve("docker/config").resolve(path.substring("/etc/cdn/".length())))
            .as(service.getKey())
            .exists();
        assertThat(dockerfile).as(service.getKey()).contains("COPY docker/config/ /etc/cdn/");
        assertThat(ignore).contains("!docker/config/");
        checked++;
      }
      int root = command.indexOf("--root");
      if (root >= 0) {
        assertThat(command.get(root + 1)).isEqualTo("/srv/site");
        assertThat(dockerfile)
            .as(service.getKey())
            .contains("COPY launcher/src/main/resources/demo/site/ /srv/site/");
        assertThat(ignore).contains("!launcher/src/main/resources/demo/site/");
        checked++;
      }
    }
    assertThat(checked).as("services with a config or a site").isEqualTo(6);
    // the monitoring profile's image copies its Prometheus files, which the build context must hold
    assertThat(Files.readString(ROOT.resolve("monitoring/Dockerfile")))
        .contains(
            "COPY monitoring/prometheus/prometheus.yml monitoring/prometheus/alerts.yml /etc/opencdn-prometheus/");
    assertThat(ignore).contains("!monitoring/prometheus/");
  }

  /**
   * HTTPS in docker-compose: the TLS files docker/config/edge.yaml names are made by the edge image
   * build.
   */
  @Test
  void theEdgesTlsFilesAreMadeWhenTheEdgeImageIsBuilt() throws Exception {
    // the file with the environment docker-compose.yml gives edge-eu
    String text =
        ConfigLoader.interpolate(
            Files.readString(ROOT.resolve("docker/config/edge.yaml")),
            "edge.yaml",
            Map.of(
                "EDGE_ID",
                "eu-west",
                "EDGE_LAT",
                "50.11",
                "EDGE_LON",
                "8.68",
                "EDGE_IP",
                "172.28.0.12",
                "CDN_ADMIN_TOKEN",
                "compose-test-token-0123456789",
                "CDN_CLUSTER_SECRET",
                "compose-test-secret-0123456789",
                "CDN_CLUSTER_MEMBERS",
                "dns-1:5701,dns-2:5701,edge-us:5701,edge-eu:5701,edge-ap:5701"));
    TlsConfig tls = ConfigLoader.parse(text, "edge.yaml", EdgeConfig.class).tls();
    String dockerfile = Files.readString(ROOT.resolve("edge-node/Dockerfile"));
    String script = Files.readString(ROOT.resolve("docker/tls/make-demo-certs.sh"));
    assertThat(tls.listen().toString()).isEqualTo("172.28.0.12:8443");
    assertThat(dockerfile)
        .contains(
            "COPY docker/tls/make-demo-certs.sh /tmp/make-demo-certs.sh",
            "RUN sh /tmp/make-demo-certs.sh /opt/cdn/tls");
    assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("!docker/tls/");
    List<String> files = new ArrayList<>();
    tls.certificates().forEach(c -> files.addAll(List.of(c.cert(), c.key())));
    assertThat(files)
        .isNotEmpty()
        .allSatisfy(
            f -> {
              assertThat(f).startsWith("/opt/cdn/tls/");
              assertThat(script).contains("$out/" + f.substring("/opt/cdn/tls/".length()));
            });
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(ROOT.resolve("docker-compose.yml").toFile())
            .path("services");
    for (String s : List.of("edge-us", "edge-eu", "edge-ap")) {
      List<String> ports = new ArrayList<>();
      services.path(s).path("ports").forEach(p -> ports.add(p.asText()));
      assertThat(ports)
          .as(s)
          .anyMatch(p -> p.startsWith("${CDN_PUBLISH_ADDR:-127.0.0.1}:844") && p.endsWith(":8443"));
    }
  }

  /**
   * The example token and secret the file falls back to are refused by every service, each naming
   * the key (its listeners bind compose addresses, not loopback); values of one's own are taken.
   */
  @Test
  void theComposeFilesExampleTokenAndSecretAreRefusedByEveryService() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    JsonNode env = compose.path("x-java").path("environment");
    Map<String, String> examples =
        Map.of(
            "CDN_ADMIN_TOKEN",
            fallback(env.path("CDN_ADMIN_TOKEN").asText()),
            "CDN_CLUSTER_SECRET",
            fallback(env.path("CDN_CLUSTER_SECRET").asText()));
    assertThat(examples.values()).allMatch(io.opencdn.common.config.ExampleSecrets::isExample);
    Map<String, String> own =
        Map.of(
            "CDN_ADMIN_TOKEN",
            "compose-test-token-0123456789",
            "CDN_CLUSTER_SECRET",
            "compose-test-secret-0123456789");
    Map<String, String> members =
        Map.of("CDN_CLUSTER_MEMBERS", env.path("CDN_CLUSTER_MEMBERS").asText());
    JsonNode services = compose.path("services");

    Map<String, String> edgeEnv = new java.util.HashMap<>(members);
    services
        .path("edge-eu")
        .path("environment")
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isValueNode()) {
                edgeEnv.put(f.getKey(), f.getValue().asText());
              }
            });
    String edge = Files.readString(ROOT.resolve("docker/config/edge.yaml"));
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    ConfigLoader.interpolate(edge, "edge.yaml", merged(edgeEnv, examples)),
                    "/etc/cdn/edge.yaml",
                    EdgeConfig.class))
        .hasMessageStartingWith(
            "/etc/cdn/edge.yaml: key 'adminToken': expected a value of your own")
        .hasMessageContaining("172.28.0.12:8080");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    ConfigLoader.interpolate(
                        edge,
                        "edge.yaml",
                        merged(
                            merged(edgeEnv, examples),
                            Map.of("CDN_ADMIN_TOKEN", own.get("CDN_ADMIN_TOKEN")))),
                    "/etc/cdn/edge.yaml",
                    EdgeConfig.class))
        .hasMessageStartingWith(
            "/etc/cdn/edge.yaml: key 'cluster.secret': expected a value of your own");
    assertThat(
            ConfigLoader.parse(
                    ConfigLoader.interpolate(edge, "edge.yaml", merged(edgeEnv, own)),
                    "edge.yaml",
                    EdgeConfig.class)
                .adminToken())
        .isEqualTo(own.get("CDN_ADMIN_TOKEN"));

    Map<String, String> dnsEnv =
        merged(
            members,
            Map.of("DNS_IP", services.path("dns-1").path("environment").path("DNS_IP").asText()));
    String dns = Files.readString(ROOT.resolve("docker/config/dns.yaml"));
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    ConfigLoader.interpolate(dns, "dns.yaml", merged(dnsEnv, examples)),
                    "/etc/cdn/dns.yaml",
                    io.opencdn.dns.config.DnsConfig.class))
        .hasMessageStartingWith(
            "/etc/cdn/dns.yaml: key 'admin.token': expected a value of your own");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    ConfigLoader.interpolate(
                        dns,
                        "dns.yaml",
                        merged(
                            merged(dnsEnv, examples),
                            Map.of("CDN_ADMIN_TOKEN", own.get("CDN_ADMIN_TOKEN")))),
                    "/etc/cdn/dns.yaml",
                    io.opencdn.dns.config.DnsConfig.class))
        .hasMessageStartingWith(
            "/etc/cdn/dns.yaml: key 'cluster.secret': expected a value of your own");
    assertThat(
            ConfigLoader.parse(
                    ConfigLoader.interpolate(dns, "dns.yaml", merged(dnsEnv, own)),
                    "dns.yaml",
                    io.opencdn.dns.config.DnsConfig.class)
                .cluster())
        .isNotNull();

    // the origin: --listen 0.0.0.0:9090 from its command, the token from CDN_ADMIN_TOKEN
    List<String> command = new ArrayList<>();
    services.path("origin").path("command").forEach(c -> command.add(c.asText()));
    io.opencdn.common.config.Endpoint listen =
        io.opencdn.common.config.Endpoint.parse(command.get(command.indexOf("--listen") + 1));
    assertThatThrownBy(
            () ->
                new io.opencdn.origin.OriginConfig(
                    listen, "/srv/site", examples.get("CDN_ADMIN_TOKEN")))
        .hasMessageStartingWith("key 'adminToken': expected a value of your own");
    assertThat(
            new io.opencdn.origin.OriginConfig(listen, "/srv/site", own.get("CDN_ADMIN_TOKEN"))
                .adminToken())
        .isNotNull();
  }

  /** The origin is reached by the edges on the compose network; nothing publishes its port. */
  @Test
  void theOriginsPortIsNotPublished() throws Exception {
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(ROOT.resolve("docker-compose.yml").toFile())
            .path("services");
    assertThat(services.path("origin").has("ports")).isFalse();
    assertThat(services.path("origin").has("network_mode")).isFalse();
    assertThat(services.path("edge-eu").path("ports").toString()).doesNotContain("9090");
  }

  /**
   * Every image runs as an unprivileged user, and what the edge reads that the build made is its
   * own.
   */
  @Test
  void theContainersRunAsAnUnprivilegedUser() throws Exception {
    for (String dockerfile :
        List.of("dns-server/Dockerfile", "edge-node/Dockerfile", "origin-stub/Dockerfile")) {
      List<String> lines = Files.readAllLines(ROOT.resolve(dockerfile));
      List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
      assertThat(users).as(dockerfile).containsExactly("USER 10001:10001");
      assertThat(lines.indexOf("USER 10001:10001"))
          .as(dockerfile + ": USER before ENTRYPOINT")
          .isLessThan(
              lines.stream()
                  .filter(l -> l.startsWith("ENTRYPOINT"))
                  .findFirst()
                  .map(lines::indexOf)
                  .orElse(-1));
      assertThat(String.join("\n", lines)).as(dockerfile).contains("cdn:x:10001:10001:");
    }
    assertThat(Files.readString(ROOT.resolve("edge-node/Dockerfile")))
        .contains("chown -R 10001:10001 /opt/cdn/tls");
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(ROOT.resolve("docker-compose.yml").toFile())
            .path("services");
    for (String s : List.of("dns-1", "dns-2")) {
      // port 53 without root
      assertThat(
              services
                  .path(s)
                  .path("sysctls")
                  .path("net.ipv4.ip_unprivileged_port_start")
                  .asInt(-1))
          .as(s)
          .isZero();
      assertThat(services.path(s).has("user")).as(s + " keeps the image's user").isFalse();
    }
  }

  /** {@code X} of {@code ${NAME:-X}}. */
  private static String fallback(String reference) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(reference);
    assertThat(m.matches()).as(reference).isTrue();
    return m.group(1);
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new java.util.HashMap<>(a);
    out.putAll(b);
    return out;
  }

  private static void collectVolumes(JsonNode node, List<String> out) {
    node.fields()
        .forEachRemaining(
            f -> {
              if (f.getKey().equals("volumes") && f.getValue().isArray()) {
                f.getValue()
                    .forEach(v -> out.add(v.isTextual() ? v.asText() : v.path("source").asText()));
              } else {
                collectVolumes(f.getValue(), out);
              }
            });
  }
}
