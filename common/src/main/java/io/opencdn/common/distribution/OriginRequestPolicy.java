package io.opencdn.common.distribution;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What reaches the origin beyond the cache key (CloudFront's origin request policy): the headers,
 * cookies and query strings named here are forwarded in addition to those of the cache policy.
 * Without one, only the cache key's values are forwarded. The viewer's {@code Host} goes to the
 * origin only when {@code headers} selects it ({@link #forwardsHost}); otherwise the origin's own
 * host (or the origin's {@code hostHeader}) is sent.
 *
 * @param name unique name; the built-in names cannot be redefined
 * @param headers viewer headers forwarded
 * @param cookies viewer cookies forwarded
 * @param queryStrings viewer query strings forwarded
 */
public record OriginRequestPolicy(
    String name, Selection headers, Selection cookies, Selection queryStrings) {

  /** {@code Managed-AllViewer}: every header (Host included), cookie and query string. */
  public static final OriginRequestPolicy ALL_VIEWER =
      new OriginRequestPolicy("AllViewer", Selection.ALL, Selection.ALL, Selection.ALL);

  /** {@code Managed-AllViewerExceptHostHeader}: all of them but Host, which names the origin. */
  public static final OriginRequestPolicy ALL_VIEWER_EXCEPT_HOST_HEADER =
      new OriginRequestPolicy(
          "AllViewerExceptHostHeader", Selection.deny("Host"), Selection.ALL, Selection.ALL);

  /** {@code Managed-CORS-S3Origin}: the CORS request headers only, no cookies or query strings. */
  public static final OriginRequestPolicy CORS_S3_ORIGIN =
      new OriginRequestPolicy(
          "CORS-S3Origin",
          Selection.allow(
              "Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"),
          Selection.NONE,
          Selection.NONE);

  /** The built-in policies by name. */
  public static final Map<String, OriginRequestPolicy> BUILT_IN =
      List.of(ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST_HEADER, CORS_S3_ORIGIN).stream()
          .collect(Collectors.toUnmodifiableMap(OriginRequestPolicy::name, Function.identity()));

  /** Whether the viewer's Host is forwarded. */
  public boolean forwardsHost() {
    return headers.includes("Host", true);
  }
}
