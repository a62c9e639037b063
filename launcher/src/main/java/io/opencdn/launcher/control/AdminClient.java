package io.opencdn.launcher.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API of a cluster member as the {@code config} and {@code explain-request} commands
 * reach it: the member is found from its config file ({@code --config}; default: the demo's edges,
 * the first that answers), at its admin listener, else its HTTP listener, with the admin token
 * ({@code --token}, else {@code CDN_ADMIN_TOKEN}, else the file's {@code adminToken}). Only {@code
 * listen}, {@code admin.listen} and {@code adminToken} are read from the file, so the cluster
 * secret need not be set to use these commands.
 */
public final class AdminClient {

  /** The demo's members, tried in turn when no {@code --config} is given. */
  public static final List<String> DEMO_MEMBERS =
      List.of(
          "classpath:demo/edge-us-east.yaml",
          "classpath:demo/edge-eu-west.yaml",
          "classpath:demo/edge-ap-northeast.yaml");

  private final List<URI> bases;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AdminClient(List<URI> bases, String token) {
    this.bases = bases;
    this.token = token;
  }

  /**
   * The client of the member configured in {@code location} (null: the demo's), with {@code token}
   * or the defaults.
   */
  public static AdminClient of(String location, String token) {
    List<String> locations = location == null ? DEMO_MEMBERS : List.of(location);
    List<URI> bases = new ArrayList<>();
    String fileToken = null;
    for (String l : locations) {
      JsonNode cfg = read(l);
      JsonNode admin = cfg.path("admin").path("listen");
      Endpoint e = Endpoint.parse(admin.isTextual() ? admin.asText() : cfg.path("listen").asText());
      String host =
          e.host().equals("0.0.0.0") ? "127.0.0.1" : e.host().equals("::") ? "::1" : e.host();
      bases.add(
          URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + e.port()));
      String t = cfg.path("adminToken").asText("");
      fileToken = fileToken == null && !t.isEmpty() ? t : fileToken;
    }
    String chosen =
        token != null
            ? token
            : System.getenv("CDN_ADMIN_TOKEN") != null
                    && !System.getenv("CDN_ADMIN_TOKEN").isEmpty()
                ? System.getenv("CDN_ADMIN_TOKEN")
                : fileToken;
    if (chosen == null) {
      throw new ConfigException(
          "no admin token: pass --token or set CDN_ADMIN_TOKEN (the demo prints it)");
    }
    return new AdminClient(bases, chosen);
  }

  private static JsonNode read(String location) {
    try (InputStream in = ConfigLocation.open(location)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> env = new HashMap<>(System.getenv());
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
      while (m.find()) {
        env.putIfAbsent(m.group(1), "unset");
      }
      return new ObjectMapper(new YAMLFactory())
          .readTree(ConfigLoader.interpolate(text, location, env));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(location + ": cannot read the member's config: " + e.getMessage());
    }
  }

  /** The admin base URL of the first member asked ({@code http://host:port}). */
  public URI base() {
    return bases.get(0);
  }

  /** An answer of the admin API. */
  public record Answer(int status, String body) {}

  /** {@code GET path}. */
  public Answer get(String path) throws IOException {
    return send("GET", path, null);
  }

  /** {@code POST path} with {@code body} (may be null). */
  public Answer post(String path, String body) throws IOException {
    return send("POST", path, body);
  }

  private Answer send(String method, String path, String body) throws IOException {
    IOException last = null;
    for (URI base : bases) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 503 || bases.size() == 1) {
          return new Answer(r.statusCode(), r.body());
        }
        last = new IOException(base + ": 503 " + r.body());
      } catch (IOException e) {
        last = new IOException(base + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    throw last == null ? new IOException("no member to ask") : last;
  }

  /** {@code s} as a query parameter value. */
  public static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
