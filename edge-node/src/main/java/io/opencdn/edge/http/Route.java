package io.opencdn.edge.http;

import io.opencdn.common.distribution.Behavior;
import io.opencdn.common.distribution.CacheKeyParts;
import io.opencdn.common.distribution.OriginSpec;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.fill.OriginOptions;
import java.util.List;
import java.util.Map;

/**
 * What a request to a distribution of {@code distributions.yaml} matched: the distribution, the
 * first behavior whose path pattern matches, and the request's normalised target. Immutable and
 * built per request from one {@link Distributions} version, so a request finishes under the version
 * it started with however many versions are activated meanwhile.
 *
 * @param distribution the matched distribution
 * @param behavior the matched behavior
 * @param target the viewer's normalised target (path and query)
 * @param origins the distribution's origins, resolved, by id
 * @param version the content hash of the document it comes from
 * @param edits the behavior's response headers policy compiled, or null
 */
public record Route(
    io.opencdn.common.distribution.Distribution distribution,
    Behavior behavior,
    String target,
    Map<String, Origin> origins,
    String version,
    io.opencdn.edge.http.viewer.HeaderEdits edits) {

  /** A route whose behavior has no response headers policy. */
  public Route(
      io.opencdn.common.distribution.Distribution distribution,
      Behavior behavior,
      String target,
      Map<String, Origin> origins,
      String version) {
    this(distribution, behavior, target, origins, version, null);
  }

  /** The path of {@link #target}. */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The query of {@link #target} without {@code ?}, or null. */
  public String query() {
    int q = target.indexOf('?');
    return q < 0 ? null : target.substring(q + 1);
  }

  /** The target sent to {@code o}: its path prefix, the path, and the query strings forwarded. */
  public String originTarget(OriginSpec o) {
    var orp = behavior.originRequestPolicy();
    String q =
        CacheKeyParts.query(
            query(),
            behavior.cachePolicy().queryStrings(),
            orp == null ? io.opencdn.common.distribution.Selection.NONE : orp.queryStrings());
    return o.pathPrefix() + path() + (q.isEmpty() ? "" : "?" + q);
  }

  /** The behavior's target in failover order (one origin, or the group's members). */
  public List<OriginSpec> failoverOrder() {
    return distribution.failoverOrder(behavior.target());
  }

  /** Whether the cache is bypassed (a cache policy with {@code maxTtl} 0). */
  public boolean uncached() {
    return behavior.cachePolicy().maxTtl() == 0;
  }

  /** The connection options of {@code o}. */
  public static OriginOptions options(OriginSpec o) {
    return new OriginOptions(
        o.connectTimeoutMillis(), o.readTimeoutMillis(), o.attempts(), o.poolSize());
  }
}
