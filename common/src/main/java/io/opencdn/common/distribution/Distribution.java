package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.List;

/**
 * A distribution: the names it serves, its origins and origin groups, and its ordered behaviors,
 * the last of which matches every path.
 *
 * @param id unique in the document
 * @param hosts lower-case host names served (each in one distribution only)
 * @param origins its origins
 * @param originGroups its origin groups
 * @param behaviors first match wins; the last is {@code *}
 * @param trustForwardedHeaders pass the viewer's {@code Forwarded}/{@code X-Forwarded-*} fields on
 * @param customErrors custom error responses, at most one per status
 * @param geoRestriction the countries served or refused, or null
 * @param certificate where its HTTPS certificate comes from ({@code certificate:}), or null for the
 *     edges' own {@code tls} certificates
 */
public record Distribution(
    String id,
    List<String> hosts,
    List<OriginSpec> origins,
    List<OriginGroup> originGroups,
    List<Behavior> behaviors,
    boolean trustForwardedHeaders,
    List<CustomError> customErrors,
    GeoRestriction geoRestriction,
    CertificateSource certificate) {

  public Distribution {
    hosts = List.copyOf(hosts);
    origins = List.copyOf(origins);
    originGroups = List.copyOf(originGroups);
    behaviors = List.copyOf(behaviors);
    customErrors = List.copyOf(customErrors);
  }

  /** A distribution whose certificate is the edges' own. */
  public Distribution(
      String id,
      List<String> hosts,
      List<OriginSpec> origins,
      List<OriginGroup> originGroups,
      List<Behavior> behaviors,
      boolean trustForwardedHeaders,
      List<CustomError> customErrors,
      GeoRestriction geoRestriction) {
    this(
        id,
        hosts,
        origins,
        originGroups,
        behaviors,
        trustForwardedHeaders,
        customErrors,
        geoRestriction,
        null);
  }

  /** A distribution without custom errors or geo restriction. */
  public Distribution(
      String id,
      List<String> hosts,
      List<OriginSpec> origins,
      List<OriginGroup> originGroups,
      List<Behavior> behaviors,
      boolean trustForwardedHeaders) {
    this(id, hosts, origins, originGroups, behaviors, trustForwardedHeaders, List.of(), null);
  }

  /** The custom error response of {@code status}, or null. */
  public CustomError customError(int status) {
    for (CustomError e : customErrors) {
      if (e.status() == status) {
        return e;
      }
    }
    return null;
  }

  /** The first behavior whose pattern matches {@code path} (the default one at worst). */
  public Behavior behaviorFor(String path) {
    for (Behavior b : behaviors) {
      if (b.path().matches(path)) {
        return b;
      }
    }
    return behaviors.get(behaviors.size() - 1);
  }

  /** The origin with {@code id}, or null. */
  public OriginSpec origin(String id) {
    return origins.stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
  }

  /** The origin group with {@code id}, or null. */
  public OriginGroup group(String id) {
    return originGroups.stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
  }

  /** The origins a request to {@code target} may go to, in failover order. */
  public List<OriginSpec> failoverOrder(String target) {
    OriginGroup g = group(target);
    List<OriginSpec> out = new ArrayList<>();
    if (g == null) {
      out.add(origin(target));
    } else {
      g.members().forEach(m -> out.add(origin(m)));
    }
    return out;
  }

  /** The failover status codes of {@code target} (empty for a single origin). */
  public java.util.Set<Integer> failoverOn(String target) {
    OriginGroup g = group(target);
    return g == null ? java.util.Set.of() : g.failoverOn();
  }
}
