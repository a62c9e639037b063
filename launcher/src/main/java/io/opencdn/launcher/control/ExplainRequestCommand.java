package io.opencdn.launcher.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.common.distribution.Problems;
import io.opencdn.common.distribution.RequestExplainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./cdn explain-request URL [-H 'Name: value']...}: what the edges do with one request
 * ({@link RequestExplainer}), under a {@code distributions.yaml} read here ({@code --file},
 * offline) or under the cluster's current version (asked of a member, as {@code ./cdn config}
 * does).
 */
@Command(
    name = "explain-request",
    mixinStandardHelpOptions = true,
    description = "Show the distribution, behavior, cache key, target and TTL rule of one request.")
public final class ExplainRequestCommand implements Callable<Integer> {

  @Parameters(paramLabel = "URL", description = "http://host/path?query")
  String url;

  @Option(names = "-H", paramLabel = "'Name: value'", description = "a request header")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "explain under this distributions.yaml (offline)")
  Path file;

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      description = "a cluster member's config; default: the demo's edges")
  String member;

  @Option(names = "--token", description = "admin token (default: CDN_ADMIN_TOKEN)")
  String token;

  @Option(
      names = "--client",
      paramLabel = "ADDRESS",
      description = "the viewer's address (the edge's peer), for the geo restriction's decision")
  String client;

  @Option(
      names = "--geoip-database",
      paramLabel = "FILE",
      description = "GeoIP2/GeoLite2 Country or City database; default: the embedded GeoLite2")
  String geoipDatabase;

  @Override
  public Integer call() {
    Map<String, String> h = new HashMap<>();
    for (String line : headers) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        System.err.println("explain-request: -H expects 'Name: value', got '" + line + "'");
        return 2;
      }
      h.merge(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(),
          (a, b) -> a + "," + b);
    }
    DistributionsDocument doc;
    try {
      doc = file != null ? DistributionsParser.load(file) : current();
    } catch (Problems.DocumentException e) {
      e.problems().forEach(System.err::println);
      return 1;
    } catch (Exception e) {
      System.err.println("explain-request: " + e.getMessage());
      return 2;
    }
    if (doc == null) {
      System.err.println("explain-request: the cluster has no current version; use --file FILE");
      return 2;
    }
    try {
      java.net.InetAddress peer = null;
      if (client != null) {
        peer = io.opencdn.common.distribution.GeoRestriction.Cidr.literal(client.trim());
        if (peer == null) {
          System.err.println(
              "explain-request: --client expects an IP address, got '" + client + "'");
          return 2;
        }
      }
      boolean geo =
          peer != null && doc.distributions().stream().anyMatch(d -> d.geoRestriction() != null);
      java.util.function.Function<java.net.InetAddress, String> countryOf =
          geo ? io.opencdn.edge.http.viewer.GeoCountries.open(geoipDatabase)::country : null;
      RequestExplainer.explain(doc, url, h, peer, countryOf, java.time.Clock.systemUTC())
          .forEach(System.out::println);
    } catch (io.opencdn.common.config.ConfigException e) {
      System.err.println("explain-request: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println("explain-request: not a URL: " + url);
      return 2;
    }
    return 0;
  }

  private DistributionsDocument current() throws Exception {
    AdminClient c = AdminClient.of(member, token);
    AdminClient.Answer status = c.get("/_cdn/config");
    if (status.status() != 200) {
      throw new IllegalStateException("member answered " + status.status() + " " + status.body());
    }
    var cur = new ObjectMapper().readTree(status.body()).path("current");
    if (cur.isNull() || cur.isMissingNode()) {
      return null;
    }
    String hash = cur.path("version").asText();
    AdminClient.Answer text = c.get("/_cdn/config/versions/" + hash);
    return DistributionsParser.parse(text.body(), "version " + hash);
  }
}
