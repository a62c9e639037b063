package io.opencdn.edge.cluster.status;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the DNS servers why a client gets the edge it gets: {@code GET /route?client=IP[&name=N]} on
 * a DNS server's admin listener (its live explainer, what {@code ./cdn route} prints), with the
 * edge's admin token. The servers' admin URLs come from their tagged control-plane state in the
 * cluster ({@code config-members}), so only a member holding the cluster secret can name one.
 */
final class DnsRoutes {

  private static final Pattern ADDRESS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.-]{1,253}");
  private static final Pattern ANSWER = Pattern.compile("(?m)^answer\\s+A (.*?)\\s+AAAA (.*)$");
  private static final Pattern EDGE_ID = Pattern.compile("[0-9a-fA-F:.]+ \\(([a-z0-9-]+)\\)");
  private static final Pattern LOCATED =
      Pattern.compile(
          "(?m)^located\\s+by (\\S+)(?: network (\\S+))?: (-?[0-9.]+),(-?[0-9.]+)(?: country"
              + " (\\S+))?");

  private final StatusHttp http;
  private final String token;

  DnsRoutes(StatusHttp http, String token) {
    this.http = http;
    this.token = token;
  }

  /**
   * The explanation for {@code client} and {@code host} (null: the DNS server's first routed name)
   * from the first of {@code admins} that answers; a 400 of the DNS server fails with an {@link
   * IllegalArgumentException} carrying its reason.
   */
  Future<String> explain(List<String> admins, String client, String host) {
    if (client == null || !ADDRESS.matcher(client.trim()).matches()) {
      return Future.failedFuture(
          new IllegalArgumentException("client: an IPv4 or IPv6 address is required"));
    }
    if (host != null && !HOST.matcher(host).matches()) {
      return Future.failedFuture(new IllegalArgumentException("host: not a domain name: " + host));
    }
    if (admins.isEmpty()) {
      return Future.failedFuture(
          new IllegalStateException(
              "no DNS server with an admin listener is in the cluster (admin: or --admin)"));
    }
    String uri =
        "/route?client="
            + URLEncoder.encode(client.trim(), StandardCharsets.UTF_8)
            + (host == null ? "" : "&name=" + URLEncoder.encode(host, StandardCharsets.UTF_8));
    return ask(admins, 0, uri);
  }

  private Future<String> ask(List<String> admins, int i, String uri) {
    return http.get(admins.get(i), uri, token)
        .compose(
            r -> {
              if (r.status() == 200) {
                return Future.succeededFuture(r.body());
              }
              if (r.status() == 400) {
                return Future.failedFuture(new IllegalArgumentException(r.body().trim()));
              }
              return Future.failedFuture(
                  new IllegalStateException(admins.get(i) + " answered " + r.status()));
            })
        .recover(
            t ->
                t instanceof IllegalArgumentException || i + 1 >= admins.size()
                    ? Future.failedFuture(t)
                    : ask(admins, i + 1, uri));
  }

  /**
   * The decision an explanation states, as JSON: {@code client}, {@code edges} (ids of the A
   * answer, in order), {@code source} and {@code network} of the location, {@code latitude}/{@code
   * longitude} and {@code country} when known.
   */
  static JsonObject decision(String client, String text) {
    JsonObject out = new JsonObject().put("client", client);
    io.vertx.core.json.JsonArray edges = new io.vertx.core.json.JsonArray();
    Matcher a = ANSWER.matcher(text);
    if (a.find()) {
      Matcher id = EDGE_ID.matcher(a.group(1));
      while (id.find()) {
        edges.add(id.group(1));
      }
    }
    out.put("edges", edges);
    Matcher l = LOCATED.matcher(text);
    if (l.find()) {
      out.put("source", l.group(1)).put("network", l.group(2));
      out.put("latitude", Double.parseDouble(l.group(3)));
      out.put("longitude", Double.parseDouble(l.group(4)));
      out.put("country", l.group(5));
    }
    return out;
  }
}
