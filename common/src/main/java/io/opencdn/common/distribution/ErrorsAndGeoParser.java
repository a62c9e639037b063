package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The part of {@link DistributionsParser} that reads a distribution's {@code customErrors} and
 * {@code geoRestriction}. Each mistake goes to the same {@link Problems} as {@code FILE:LINE: key
 * 'PATH': what}.
 */
final class ErrorsAndGeoParser {

  private static final Set<String> ERROR =
      Set.of("status", "errorCachingMinTtl", "page", "responseCode");
  private static final Set<String> GEO = Set.of("type", "countries", "trustForwardedFrom");

  private final YamlTree y;

  ErrorsAndGeoParser(YamlTree y) {
    this.y = y;
  }

  /** A distribution's {@code customErrors} (absent: none). */
  List<CustomError> customErrors(Map<String, Node> dist, String key) {
    List<CustomError> out = new ArrayList<>();
    List<Node> items = y.sequence(dist.get("customErrors"), key + ".customErrors");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String ek = key + ".customErrors[" + i + "]";
      Node n = items.get(i);
      Map<String, Node> m = y.mapping(n, ek, ERROR);
      if (!m.containsKey("status")) {
        y.problems.add(YamlTree.line(n), ek + ".status", "required, missing");
        continue;
      }
      int status = (int) y.number(m, "status", ek, 0, 999, 0);
      if (!CustomError.STATUSES.contains(status)) {
        y.problems.add(
            YamlTree.line(m.get("status")),
            ek + ".status",
            "one of "
                + new java.util.TreeSet<>(CustomError.STATUSES)
                + ", got "
                + YamlTree.describe(m.get("status")));
        continue;
      }
      if (!seen.add(status)) {
        y.problems.add(
            YamlTree.line(m.get("status")),
            ek + ".status",
            "a status listed once, got " + status + " twice");
      }
      long ttl = y.number(m, "errorCachingMinTtl", ek, 0, 31_536_000, CustomError.DEFAULT_MIN_TTL);
      String page = y.text(m, "page", ek, n, false);
      if (page != null
          && (!page.startsWith("/")
              || page.contains("?")
              || page.contains("#")
              || page.length() > 4096)) {
        y.problems.add(
            YamlTree.line(m.get("page")),
            ek + ".page",
            "a path starting with / without ? or #, got '" + page + "'");
        page = null;
      }
      int code = 0;
      if (m.containsKey("responseCode")) {
        code = (int) y.number(m, "responseCode", ek, 0, 999, 0);
        if (!CustomError.RESPONSE_CODES.contains(code)) {
          y.problems.add(
              YamlTree.line(m.get("responseCode")),
              ek + ".responseCode",
              "one of "
                  + new java.util.TreeSet<>(CustomError.RESPONSE_CODES)
                  + ", got "
                  + YamlTree.describe(m.get("responseCode")));
          code = 0;
        } else if (page == null) {
          y.problems.add(
              YamlTree.line(m.get("responseCode")),
              ek + ".responseCode",
              "a page to send with it (CloudFront's rule), got no page");
        }
      }
      out.add(new CustomError(status, ttl, page, code, YamlTree.line(n)));
    }
    return out;
  }

  /** A distribution's {@code geoRestriction}, or null when absent (or wrong: reported). */
  GeoRestriction geoRestriction(Map<String, Node> dist, String key) {
    Node n = dist.get("geoRestriction");
    if (n == null) {
      return null;
    }
    String gk = key + ".geoRestriction";
    Map<String, Node> m = y.mapping(n, gk, GEO);
    String type = y.text(m, "type", gk, n, true);
    if (type != null && !type.equals("allow") && !type.equals("block")) {
      y.problems.add(
          YamlTree.line(m.get("type")), gk + ".type", "allow or block, got '" + type + "'");
      type = null;
    }
    List<String> raw = y.texts(m, "countries", gk, List.of());
    Set<String> countries = new HashSet<>();
    if (raw.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.getOrDefault("countries", n)),
          gk + ".countries",
          "at least one ISO 3166-1 alpha-2 country code, got none");
    }
    Set<String> iso = Set.of(Locale.getISOCountries());
    for (int i = 0; i < raw.size(); i++) {
      String c = raw.get(i).toUpperCase(Locale.ROOT);
      if (!iso.contains(c) && !c.equals("XK")) {
        y.problems.add(
            YamlTree.line(m.get("countries")),
            gk + ".countries[" + i + "]",
            "an ISO 3166-1 alpha-2 country code (GB, US, KP...), got '" + raw.get(i) + "'");
      } else {
        countries.add(c);
      }
    }
    List<GeoRestriction.Cidr> trusted = new ArrayList<>();
    List<String> rawNets = y.texts(m, "trustForwardedFrom", gk, List.of());
    for (int i = 0; i < rawNets.size(); i++) {
      GeoRestriction.Cidr c = GeoRestriction.Cidr.parse(rawNets.get(i).trim());
      if (c == null) {
        y.problems.add(
            YamlTree.line(m.get("trustForwardedFrom")),
            gk + ".trustForwardedFrom[" + i + "]",
            "a network address/prefix (10.0.0.0/8, 2001:db8::/32), got '" + rawNets.get(i) + "'");
      } else {
        trusted.add(c);
      }
    }
    return type == null || countries.isEmpty()
        ? null
        : new GeoRestriction(type.equals("allow"), countries, trusted);
  }
}
