package io.opencdn.edge.http;

import io.opencdn.common.distribution.Behavior;
import io.opencdn.common.distribution.ViewerProtocol;
import io.opencdn.common.signing.SignatureCheck;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The viewer checks of a behavior, run before the cache is looked up so that hits are guarded too:
 * the {@code viewerProtocol} (plain HTTP redirected to https with 301, or refused with 403) and,
 * for a behavior with {@code trustedKeyGroups}, CloudFront's signed URLs and signed cookies ({@link
 * SignatureCheck}; 403 with the reason). A request that passes goes on without its signing query
 * parameters and cookies, so they are in neither the cache key nor the origin request. Behaviors
 * with neither ({@link Behavior#guarded()} false) never get here.
 */
final class ViewerAccess {

  private static final java.util.regex.Pattern IP_LITERAL =
      java.util.regex.Pattern.compile("[0-9A-Fa-f.:]+");

  private final Clock clock;
  private final IntSupplier httpsPort;
  private final Responder responder;
  private final VerifiedSignatures verified = new VerifiedSignatures();

  /**
   * @param clock the clock signed policies are checked against
   * @param httpsPort the port of the edge's HTTPS listener (redirects name it unless 443), or -1
   *     when the edge has none (then 443: TLS is terminated in front of it)
   */
  ViewerAccess(Clock clock, IntSupplier httpsPort, Responder responder) {
    this.clock = clock;
    this.httpsPort = httpsPort;
    this.responder = responder;
    SignatureCheck.warmUp();
  }

  /**
   * Checks {@code req} against {@code b}: the target to go on with (without signing parameters), or
   * null when the request has been answered (301 or 403).
   *
   * @param target the normalised origin-form target
   */
  String check(HttpServerRequest req, Behavior b, String target) {
    if (!req.isSSL() && b.viewerProtocol() != ViewerProtocol.ALLOW_ALL) {
      if (b.viewerProtocol() == ViewerProtocol.HTTPS_ONLY) {
        responder.plain(req, 403, "403 Forbidden: this path is served over https only");
        return null;
      }
      String location = "https://" + hostForUrl(req) + port() + target;
      req.response().putHeader("Location", location);
      HttpMethod m = req.method();
      boolean safe = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
      // 307 keeps the method and body of other methods, which 301 lets clients turn into GET
      responder.plain(req, safe ? 301 : 307, (safe ? "301" : "307") + " Moved: " + location);
      return null;
    }
    if (b.trustedKeyGroups().isEmpty()) {
      return target;
    }
    List<String> cookies = req.headers().getAll("Cookie");
    String cookieHeader = cookies.isEmpty() ? null : String.join("; ", cookies);
    SignatureCheck.Verdict v =
        SignatureCheck.check(
            b.trustedKeyGroups(),
            req.isSSL() ? "https" : "http",
            authority(req),
            target,
            cookieHeader,
            client(req),
            clock.instant().getEpochSecond(),
            verified);
    if (!v.allowed()) {
      responder.plain(req, 403, "403 Forbidden: " + v.refusal());
      return null;
    }
    if (cookieHeader != null && cookieHeader.contains("CloudFront-")) {
      String rest = SignatureCheck.withoutSigningCookies(cookieHeader);
      req.headers().remove("Cookie");
      if (rest != null) {
        req.headers().set("Cookie", rest);
      }
    }
    return v.target();
  }

  private String port() {
    int p = httpsPort.getAsInt();
    return p <= 0 || p == 443 ? "" : ":" + p;
  }

  /** The viewer's host as a URL names it: lower case, IPv6 in brackets, without port. */
  private static String hostForUrl(HttpServerRequest req) {
    String h = Distributions.hostName(Distributions.requestHost(req));
    return h == null ? "" : h.indexOf(':') >= 0 ? "[" + h + "]" : h;
  }

  /** The viewer's {@code Host} as sent: host (lower case) and its port when it sent one. */
  private static String authority(HttpServerRequest req) {
    HostAndPort a = req.authority();
    if (a == null || a.host() == null) {
      String h = req.getHeader("Host");
      return h == null ? "" : h.toLowerCase(java.util.Locale.ROOT);
    }
    String host = a.host().toLowerCase(java.util.Locale.ROOT);
    host = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return a.port() > 0 ? host + ":" + a.port() : host;
  }

  private static InetAddress client(HttpServerRequest req) {
    if (req.remoteAddress() == null || req.remoteAddress().hostAddress() == null) {
      return null;
    }
    String ip = req.remoteAddress().hostAddress();
    if (!IP_LITERAL.matcher(ip).matches()) {
      return null; // a literal only: never a name lookup
    }
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
