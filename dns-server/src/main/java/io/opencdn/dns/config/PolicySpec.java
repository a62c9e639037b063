package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a routing entry's {@code policies:} list: a policy name, or a map with {@code name}
 * and that policy's parameters. Validated at load time; a parameter that does not belong to the
 * named policy is an error naming it. The routing stage builds the policy an entry describes
 * ({@code PolicyChain.policy}).
 *
 * <pre>{@code
 * policies:
 *   - health                                   # {name: health, panicShare: 0.5}
 *   - {name: geofence, denyCountries: [KP], allowContinents: [EU, NA]}
 *   - {name: distance, bucketKm: 50}
 *   - {name: latency, maxAgeSeconds: 300, toleranceMillis: 5}
 *   - {name: spill, width: 2, threshold: 1.0}
 * }</pre>
 *
 * @param name {@code health}, {@code geofence}, {@code distance}, {@code latency} or {@code spill}
 * @param panicShare health: share of down edges above which it answers from all, 0..1 (default 0.5)
 * @param allowCountries geofence: ISO country codes allowed
 * @param denyCountries geofence: ISO country codes denied
 * @param allowContinents geofence: continent codes allowed (AF AN AS EU NA OC SA)
 * @param denyContinents geofence: continent codes denied
 * @param bucketKm distance: distances within one bucket of this many km count as equal, 0..20000
 *     (default 0)
 * @param maxAgeSeconds latency: measurements older than this are ignored, 1..86400 (default 300)
 * @param toleranceMillis latency: RTTs within this many ms count as equal, 0..1000 (default 5)
 * @param width spill: how many next candidates share spilled clients, 1..16 (default 2)
 * @param threshold spill: utilization at which an edge spills, 0.1..10 (default 1.0)
 */
public record PolicySpec(
    @JsonProperty("name") String name,
    @JsonProperty("panicShare") Double panicShare,
    @JsonProperty("allowCountries") List<String> allowCountries,
    @JsonProperty("denyCountries") List<String> denyCountries,
    @JsonProperty("allowContinents") List<String> allowContinents,
    @JsonProperty("denyContinents") List<String> denyContinents,
    @JsonProperty("bucketKm") Double bucketKm,
    @JsonProperty("maxAgeSeconds") Long maxAgeSeconds,
    @JsonProperty("toleranceMillis") Double toleranceMillis,
    @JsonProperty("width") Integer width,
    @JsonProperty("threshold") Double threshold) {

  /** Default {@code panicShare} of the health policy. */
  public static final double DEFAULT_PANIC_SHARE = 0.5;

  /** Known policy names and the parameters each accepts. */
  public static final Map<String, Set<String>> PARAMETERS =
      Map.of(
          "health", Set.of("panicShare"),
          "geofence",
              Set.of("allowCountries", "denyCountries", "allowContinents", "denyContinents"),
          "distance", Set.of("bucketKm"),
          "latency", Set.of("maxAgeSeconds", "toleranceMillis"),
          "spill", Set.of("width", "threshold"));

  /**
   * The chain used when a routing entry has no {@code policies}: health, distance, latency, spill.
   */
  public static final List<PolicySpec> DEFAULT_CHAIN =
      List.of(of("health"), of("distance"), of("latency"), of("spill"));

  private static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

  @JsonCreator
  public PolicySpec {
    ConfigException.require(
        name != null && PARAMETERS.containsKey(name.trim()),
        "name",
        "one of " + new java.util.TreeSet<>(PARAMETERS.keySet()),
        name);
    name = name.trim();
    Set<String> allowed = PARAMETERS.get(name);
    check(allowed, "panicShare", panicShare);
    check(allowed, "allowCountries", allowCountries);
    check(allowed, "denyCountries", denyCountries);
    check(allowed, "allowContinents", allowContinents);
    check(allowed, "denyContinents", denyContinents);
    check(allowed, "bucketKm", bucketKm);
    check(allowed, "maxAgeSeconds", maxAgeSeconds);
    check(allowed, "toleranceMillis", toleranceMillis);
    check(allowed, "width", width);
    check(allowed, "threshold", threshold);
    panicShare = panicShare == null ? DEFAULT_PANIC_SHARE : panicShare;
    bucketKm = bucketKm == null ? 0.0 : bucketKm;
    maxAgeSeconds = maxAgeSeconds == null ? 300L : maxAgeSeconds;
    toleranceMillis = toleranceMillis == null ? 5.0 : toleranceMillis;
    width = width == null ? 2 : width;
    threshold = threshold == null ? 1.0 : threshold;
    ConfigException.require(panicShare >= 0 && panicShare <= 1, "panicShare", "0..1", panicShare);
    ConfigException.require(bucketKm >= 0 && bucketKm <= 20_000, "bucketKm", "0..20000", bucketKm);
    ConfigException.require(
        maxAgeSeconds >= 1 && maxAgeSeconds <= 86_400, "maxAgeSeconds", "1..86400", maxAgeSeconds);
    ConfigException.require(
        toleranceMillis >= 0 && toleranceMillis <= 1000,
        "toleranceMillis",
        "0..1000",
        toleranceMillis);
    ConfigException.require(width >= 1 && width <= 16, "width", "1..16", width);
    ConfigException.require(threshold >= 0.1 && threshold <= 10, "threshold", "0.1..10", threshold);
    allowCountries = codes("allowCountries", allowCountries, null);
    denyCountries = codes("denyCountries", denyCountries, null);
    allowContinents = codes("allowContinents", allowContinents, CONTINENTS);
    denyContinents = codes("denyContinents", denyContinents, CONTINENTS);
    if (name.equals("geofence")) {
      ConfigException.require(
          !(allowCountries.isEmpty()
              && denyCountries.isEmpty()
              && allowContinents.isEmpty()
              && denyContinents.isEmpty()),
          "geofence",
          "at least one of allowCountries, denyCountries, allowContinents, denyContinents",
          "none");
    }
  }

  /** A spec with only a name (the YAML short form {@code - health}). */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PolicySpec of(String name) {
    return new PolicySpec(name, null, null, null, null, null, null, null, null, null, null);
  }

  private static void check(Set<String> allowed, String key, Object value) {
    if (value != null && !allowed.contains(key)) {
      throw ConfigException.invalid(
          key,
          "no '" + key + "' (it is not a parameter of this policy; it takes " + allowed + ")",
          value);
    }
  }

  private static List<String> codes(String key, List<String> values, Set<String> known) {
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      String c = v == null ? "" : v.trim().toUpperCase(Locale.ROOT);
      ConfigException.require(
          c.matches("[A-Z]{2}") && (known == null || known.contains(c)),
          key,
          known == null
              ? "two-letter ISO country codes"
              : "continent codes " + new java.util.TreeSet<>(known),
          v);
      out.add(c);
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }
}
