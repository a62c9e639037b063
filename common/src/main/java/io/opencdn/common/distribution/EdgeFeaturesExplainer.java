package io.opencdn.common.distribution;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The lines of {@link RequestExplainer} about what the edge does besides caching: the behavior's
 * response headers policy, the distribution's custom error responses and its geo restriction with
 * the decision for a given client.
 */
final class EdgeFeaturesExplainer {

  private EdgeFeaturesExplainer() {}

  /**
   * @param headers request headers by lower-case name ({@code x-forwarded-for} is read)
   * @param client the viewer's address as the edge sees it (the peer), or null when not given
   * @param countryOf the GeoIP lookup (ISO code or null), or null when there is none
   */
  static List<String> lines(
      Distribution d,
      Behavior b,
      Map<String, String> headers,
      InetAddress client,
      Function<InetAddress, String> countryOf) {
    List<String> out = new ArrayList<>();
    ResponseHeadersPolicy p = b.responseHeadersPolicy();
    out.add(
        "headers:      "
            + (p == null
                ? "no response headers policy (the origin's headers, plus X-Cache, Via, Age)"
                : "response headers policy " + p.describe()));
    if (d.customErrors().isEmpty()) {
      out.add("errors:       no custom error responses (errors cached as the cache policy says)");
    } else {
      out.add(
          "errors:       "
              + d.customErrors().stream()
                  .map(
                      e ->
                          e.describe()
                              + (e.page() == null
                                  ? ""
                                  : " (page through behavior \""
                                      + d.behaviorFor(e.page()).path().text()
                                      + "\")"))
                  .collect(Collectors.joining("; ")));
    }
    GeoRestriction g = d.geoRestriction();
    if (g == null) {
      out.add("geo:          no geo restriction");
      return out;
    }
    String decision;
    if (client == null) {
      decision = "give --client ADDRESS for the decision";
    } else {
      String xff = headers.get("x-forwarded-for");
      InetAddress located = g.client(client, xff == null ? null : Arrays.asList(xff.split(",")));
      String country = countryOf == null ? null : countryOf.apply(located);
      boolean admitted = g.admits(country);
      CustomError page = d.customError(403);
      decision =
          "client "
              + located.getHostAddress()
              + (located.equals(client)
                  ? (xff != null && !g.trusts(client)
                      ? " (X-Forwarded-For ignored: " + client.getHostAddress() + " not trusted)"
                      : "")
                  : " (X-Forwarded-For from trusted " + client.getHostAddress() + ")")
              + " in "
              + (country == null ? "no known country" : country)
              + ": "
              + (admitted
                  ? "served"
                  : "refused, 403"
                      + (page != null && page.page() != null
                          ? " with page " + page.page() + " as " + page.viewerStatus()
                          : ""));
    }
    out.add("geo:          " + g.describe() + "; " + decision);
    return out;
  }
}
