package io.opencdn.common.distribution;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A response headers policy with CloudFront's meaning: CORS, security headers, custom headers,
 * headers removed and {@code Server-Timing}, applied by the edge to every response of the behaviors
 * that name it (hits, misses, passes and the edge's own answers). Security and custom headers are
 * one list of {@link HeaderRule}s in the order given; a rule without {@code override} only adds its
 * header when the origin's response has none.
 *
 * @param name unique name; the built-in names ({@link #BUILT_IN}) cannot be redefined
 * @param cors the CORS settings, or null
 * @param headers headers set (security headers first, then custom headers)
 * @param remove header names removed from responses (compared case-insensitively)
 * @param serverTiming {@code Server-Timing} percentage of responses 0..100 (0: off)
 */
public record ResponseHeadersPolicy(
    String name, Cors cors, List<HeaderRule> headers, List<String> remove, double serverTiming) {

  public ResponseHeadersPolicy {
    headers = List.copyOf(headers);
    remove = List.copyOf(remove);
  }

  /**
   * CORS settings (Fetch standard, CORS protocol).
   *
   * @param allowOrigins origins allowed, or {@code ["*"]}
   * @param allowMethods methods a preflight allows
   * @param allowHeaders request headers a preflight allows, or {@code ["*"]}
   * @param exposeHeaders response headers exposed to scripts ({@code ["*"]}: all)
   * @param allowCredentials {@code Access-Control-Allow-Credentials: true}
   * @param maxAgeSec {@code Access-Control-Max-Age} of preflights, -1: not sent
   * @param originOverride the policy's values replace the origin's CORS headers
   * @param preflightAtEdge an {@code OPTIONS} preflight is answered by the edge (204), never sent
   *     to the origin
   */
  public record Cors(
      List<String> allowOrigins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      boolean allowCredentials,
      long maxAgeSec,
      boolean originOverride,
      boolean preflightAtEdge) {

    public Cors {
      allowOrigins = List.copyOf(allowOrigins);
      allowMethods = List.copyOf(allowMethods);
      allowHeaders = List.copyOf(allowHeaders);
      exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** Whether any origin is allowed ({@code *}). */
    public boolean anyOrigin() {
      return allowOrigins.contains("*");
    }
  }

  /**
   * A header the policy sets.
   *
   * @param name the field name
   * @param value the field value
   * @param override replace the origin's value; false: only add when the response has none
   */
  public record HeaderRule(String name, String value, boolean override) {}

  private static final List<String> ALL_METHODS =
      List.of("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE");

  private static final Cors SIMPLE =
      new Cors(List.of("*"), List.of(), List.of(), List.of(), false, -1, false, false);
  private static final Cors PREFLIGHT =
      new Cors(List.of("*"), ALL_METHODS, List.of("*"), List.of("*"), false, 600, false, true);

  /** The headers of CloudFront's {@code Managed-SecurityHeadersPolicy}, none overriding. */
  public static final List<HeaderRule> SECURITY_HEADERS =
      List.of(
          new HeaderRule("Referrer-Policy", "strict-origin-when-cross-origin", false),
          new HeaderRule("Strict-Transport-Security", "max-age=31536000", false),
          new HeaderRule("X-Content-Type-Options", "nosniff", false),
          new HeaderRule("X-Frame-Options", "SAMEORIGIN", false),
          new HeaderRule("X-XSS-Protection", "1; mode=block", false));

  /** CloudFront's managed response headers policies, by their names without {@code Managed-}. */
  public static final Map<String, ResponseHeadersPolicy> BUILT_IN =
      Stream.of(
              new ResponseHeadersPolicy("SimpleCORS", SIMPLE, List.of(), List.of(), 0),
              new ResponseHeadersPolicy("CORS-With-Preflight", PREFLIGHT, List.of(), List.of(), 0),
              new ResponseHeadersPolicy(
                  "SecurityHeadersPolicy", null, SECURITY_HEADERS, List.of(), 0),
              new ResponseHeadersPolicy(
                  "CORS-and-SecurityHeadersPolicy", SIMPLE, SECURITY_HEADERS, List.of(), 0),
              new ResponseHeadersPolicy(
                  "CORS-with-preflight-and-SecurityHeadersPolicy",
                  PREFLIGHT,
                  SECURITY_HEADERS,
                  List.of(),
                  0))
          .collect(Collectors.toUnmodifiableMap(ResponseHeadersPolicy::name, Function.identity()));

  /** One line for {@code explain-request}. */
  public String describe() {
    StringBuilder s = new StringBuilder(name);
    if (cors != null) {
      s.append("; CORS origins ")
          .append(cors.allowOrigins())
          .append(cors.allowMethods().isEmpty() ? "" : ", methods " + cors.allowMethods())
          .append(cors.allowCredentials() ? ", credentials" : "")
          .append(
              cors.preflightAtEdge()
                  ? ", OPTIONS preflight answered at the edge"
                  : ", preflight goes to the origin")
          .append(cors.originOverride() ? ", overrides the origin's" : "");
    }
    for (HeaderRule h : headers) {
      s.append("; ").append(h.name()).append(h.override() ? " (override)" : " (unless set)");
    }
    if (!remove.isEmpty()) {
      s.append("; removes ").append(remove);
    }
    if (serverTiming > 0) {
      s.append("; Server-Timing on ").append(serverTiming).append("% of responses");
    }
    return s.toString();
  }
}
