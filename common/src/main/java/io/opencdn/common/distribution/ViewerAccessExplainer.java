package io.opencdn.common.distribution;

import io.opencdn.common.signing.SignatureCheck;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The lines {@link RequestExplainer} prints about a behavior's viewers: the viewer protocol and
 * what it does to this URL, and whether a signature is needed; when the URL or a {@code Cookie}
 * header carries one, whether it passes now (by this machine's clock; the client's address is not
 * known here, so an {@code IpAddress} condition is not checked).
 */
final class ViewerAccessExplainer {

  private ViewerAccessExplainer() {}

  static List<String> lines(Behavior b, URI u, Map<String, String> headers, Clock clock) {
    String scheme =
        u.getScheme() == null ? "http" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
    String target =
        (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
            + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    String protocol =
        switch (b.viewerProtocol()) {
          case ALLOW_ALL -> "allow-all (http and https)";
          case REDIRECT_TO_HTTPS ->
              "redirect-to-https"
                  + (scheme.equals("http")
                      ? ": this http request gets 301 to https://" + u.getHost() + target
                      : " (http requests get 301 to https)");
          case HTTPS_ONLY ->
              "https-only" + (scheme.equals("http") ? ": this http request gets 403" : "");
        };
    String line = "viewer:       " + protocol;
    if (b.trustedKeyGroups().isEmpty()) {
      return List.of(line, "signed:       not required");
    }
    String groups =
        b.trustedKeyGroups().stream()
            .map(g -> g.id() + " (keys " + String.join(", ", g.keys().keySet()) + ")")
            .collect(Collectors.joining(", "));
    SignatureCheck.Verdict v =
        SignatureCheck.check(
            b.trustedKeyGroups(),
            scheme,
            authority,
            target,
            headers.get("cookie"),
            null,
            clock.instant().getEpochSecond());
    return List.of(
        line,
        "signed:       required: a signed URL or signed cookies by a key of "
            + groups
            + "; signing parameters and cookies are left out of the cache key and the origin"
            + " request",
        "signature:    "
            + (v.allowed()
                ? "valid now" + (v.byCookie() ? " (cookies)" : " (URL)")
                : "403 now: " + v.refusal()));
  }

  /** The query without the signing parameters, for a behavior that trusts key groups. */
  static String unsignedQuery(Behavior b, String query) {
    if (b.trustedKeyGroups().isEmpty() || query == null) {
      return query;
    }
    String t = SignatureCheck.withoutSigningParameters("/?" + query);
    int q = t.indexOf('?');
    return q < 0 ? null : t.substring(q + 1);
  }
}
