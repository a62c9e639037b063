package io.opencdn.edge.http;

import io.opencdn.common.distribution.CacheKeyParts;
import io.opencdn.common.distribution.OriginRequestPolicy;
import io.opencdn.common.distribution.OriginSpec;
import io.opencdn.common.distribution.Selection;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.fill.OriginRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The origin request of a {@link Route}: to the first member of the behavior's target that the
 * cluster does not report failing (the others follow as {@link OriginRequest#fallbacks}, so a
 * failing primary is skipped at once by every edge and a request still fails over per request),
 * with each origin's path prefix, Host, custom headers and options; what is forwarded follows the
 * behavior's policies (the cache key's values, plus what the origin request policy names).
 */
final class OriginRequests {

  /**
   * Fields the edge itself sets or normalises, conditionals, ranges and body framing: kept whatever
   * the policies say.
   */
  private static final List<String> ALWAYS =
      List.of(
          "Via",
          "X-Forwarded-For",
          "Accept-Encoding",
          "If-None-Match",
          "If-Modified-Since",
          "If-Match",
          "If-Unmodified-Since",
          "If-Range",
          "Range",
          "Content-Length",
          "Content-Type",
          "Transfer-Encoding");

  private OriginRequests() {}

  /**
   * @param d the request's distribution, with a route
   * @param headers what {@link ProxyHeaders} would forward to a single origin
   * @param keyHost the cache key's host (the viewer's host name)
   * @param failing whether the cluster reports an origin failing
   */
  static OriginRequest of(
      Distribution d,
      HttpMethod method,
      MultiMap headers,
      ReadStream<Buffer> body,
      String keyHost,
      Predicate<Origin> failing) {
    Route r = d.route();
    List<OriginSpec> order = new ArrayList<>(r.failoverOrder());
    List<OriginSpec> healthy =
        order.stream().filter(o -> !failing.test(r.origins().get(o.id()))).toList();
    List<OriginSpec> sorted = new ArrayList<>(healthy);
    order.stream().filter(o -> !healthy.contains(o)).forEach(sorted::add);
    MultiMap forwarded = forwarded(r, headers);
    List<OriginRequest> all = new ArrayList<>();
    for (OriginSpec o : sorted) {
      all.add(one(r, o, method, forwarded, body, keyHost));
    }
    OriginRequest first = all.get(0);
    return new OriginRequest(
        first.origin(),
        first.method(),
        first.target(),
        first.authority(),
        first.headers(),
        body,
        first.options(),
        all.subList(1, all.size()),
        r.distribution().failoverOn(r.behavior().target()));
  }

  private static OriginRequest one(
      Route r,
      OriginSpec o,
      HttpMethod method,
      MultiMap forwarded,
      ReadStream<Buffer> body,
      String keyHost) {
    Origin origin = r.origins().get(o.id());
    MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(forwarded);
    o.headers().forEach(h::set);
    return new OriginRequest(
        origin,
        method,
        r.originTarget(o),
        authority(r, o, origin, keyHost),
        h,
        body,
        Route.options(o),
        List.of(),
        java.util.Set.of());
  }

  /**
   * The Host sent to {@code o}: its override, else the viewer's when forwarded, else the origin's
   * authority.
   */
  static String authority(Route r, OriginSpec o, Origin origin, String keyHost) {
    if (o.hostHeader() != null) {
      return o.hostHeader();
    }
    OriginRequestPolicy orp = r.behavior().originRequestPolicy();
    if (orp != null && orp.forwardsHost() && keyHost != null && !keyHost.isEmpty()) {
      return keyHost.indexOf(':') >= 0 ? "[" + keyHost + "]" : keyHost;
    }
    int defaultPort = origin.ssl() ? 443 : 80;
    String host = origin.host().indexOf(':') >= 0 ? "[" + origin.host() + "]" : origin.host();
    return origin.port() == defaultPort ? host : host + ":" + origin.port();
  }

  /** The headers of the cache key and the origin request policy, and those the edge always sets. */
  private static MultiMap forwarded(Route r, MultiMap headers) {
    Selection keyHeaders = r.behavior().cachePolicy().headers();
    Selection keyCookies = r.behavior().cachePolicy().cookies();
    OriginRequestPolicy orp = r.behavior().originRequestPolicy();
    Selection more = orp == null ? Selection.NONE : orp.headers();
    Selection moreCookies = orp == null ? Selection.NONE : orp.cookies();
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> e : headers) {
      String n = e.getKey();
      if (n.equalsIgnoreCase("Cookie")) {
        continue;
      }
      if (ALWAYS.stream().anyMatch(n::equalsIgnoreCase)
          || keyHeaders.includes(n, true)
          || more.includes(n, true)) {
        out.add(n, e.getValue());
      }
    }
    if (keyCookies.kind() != Selection.Kind.NONE || moreCookies.kind() != Selection.Kind.NONE) {
      List<String> kept = new ArrayList<>();
      CacheKeyParts.cookies(String.join("; ", headers.getAll("Cookie")))
          .forEach(
              (n, v) -> {
                if (keyCookies.includes(n, false) || moreCookies.includes(n, false)) {
                  kept.add(n + "=" + v);
                }
              });
      if (!kept.isEmpty()) {
        out.set("Cookie", String.join("; ", kept));
      }
    }
    return out;
  }
}
