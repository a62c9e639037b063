package io.opencdn.edge.http;

import io.opencdn.edge.cache.Targets;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The target of a request as the cache key and the origin request use it: origin-form in the normal
 * form of {@link Targets#normalize} (RFC 3986 6.2.2). An absolute-form target ({@code GET
 * http://www.cdn.test/x}, RFC 9112 3.2.2) is reduced to origin-form when its host is the one the
 * request's {@code Host} names (the distribution was matched by Host, and the key's host is
 * Host's), and refused otherwise, so an absolute URI can never reach another site's objects or make
 * the origin answer for another host. {@code OPTIONS *} passes as {@code *}.
 */
final class RequestTarget {

  private RequestTarget() {}

  /**
   * The normalised origin-form target of {@code req}, or null when the request must be refused with
   * 400 (invalid target, or an absolute-form target whose host is not {@code hostName}).
   *
   * @param hostName the request's host name as {@link Distributions#requestHostName} gives it
   */
  static String of(HttpServerRequest req, String hostName) {
    String uri = req.uri();
    if (uri == null || uri.isEmpty()) {
      return null;
    }
    if (uri.charAt(0) == '/') {
      return Targets.normalize(uri);
    }
    if (uri.equals("*")) {
      return req.method() == HttpMethod.OPTIONS ? uri : null;
    }
    int start =
        uri.regionMatches(true, 0, "http://", 0, 7)
            ? 7
            : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    if (start < 0) {
      return null;
    }
    int end = start;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    String authority = uri.substring(start, end);
    if (authority.isEmpty() || authority.indexOf('@') >= 0) {
      return null; // no host, or user info (RFC 9110 4.2.4: not sent in http(s) URIs)
    }
    String name = Distributions.hostName(authority);
    if (name == null || !name.equals(hostName)) {
      return null;
    }
    String rest = uri.substring(end);
    return Targets.normalize(rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
  }
}
