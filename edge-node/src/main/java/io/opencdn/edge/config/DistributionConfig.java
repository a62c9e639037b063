package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One site served by the edge: requests whose Host matches {@code host} are served from the cache
 * or from {@code origin}.
 *
 * @param host host name matched case-insensitively, port ignored; {@code *} matches any Host
 * @param origin {@code http://host[:port]} or {@code https://host[:port]} of the origin server
 * @param trustForwardedHeaders pass the client's {@code Forwarded}, {@code X-Forwarded-Host},
 *     {@code X-Forwarded-Proto} and similar fields, {@code X-Original-URL}, {@code X-Rewrite-URL}
 *     and the method-override fields on to the origin (default false: they are dropped, as a client
 *     could steer the origin with them; set it when a trusted proxy in front of the edge sets them)
 * @param compress compress responses at fill time as a {@code distributions.yaml} behavior with
 *     {@code compress: true} does ({@link io.opencdn.common.distribution.Compression}: CloudFront's
 *     types and sizes, gzip and Brotli stored as variants); default false ({@link
 *     io.opencdn.common.distribution.Compression#IMPLICIT}): the origin's bytes as they are
 */
public record DistributionConfig(
    @JsonProperty("host") String host,
    @JsonProperty("origin") String origin,
    @JsonProperty("trustForwardedHeaders") Boolean trustForwardedHeaders,
    @JsonProperty("compress") Boolean compress) {

  /** The host pattern matching every Host. */
  public static final String ANY_HOST = "*";

  /** A distribution that drops the client's forwarding fields (the default). */
  public DistributionConfig(String host, String origin) {
    this(host, origin, null, null);
  }

  /** A distribution that does not compress. */
  public DistributionConfig(String host, String origin, Boolean trustForwardedHeaders) {
    this(host, origin, trustForwardedHeaders, null);
  }

  public DistributionConfig {
    trustForwardedHeaders = trustForwardedHeaders != null && trustForwardedHeaders;
    compress = compress == null ? io.opencdn.common.distribution.Compression.IMPLICIT : compress;
    ConfigException.require(
        host != null
            && (host.equals(ANY_HOST) || host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")),
        "host",
        "a host name or *",
        host);
    ConfigException.require(
        origin != null && validOrigin(origin),
        "origin",
        "http://host[:port] or https://host[:port] without path",
        origin);
  }

  /** The parsed origin URL. */
  public URI originUri() {
    return URI.create(origin);
  }

  private static boolean validOrigin(String s) {
    try {
      URI u = new URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null
          && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
          && u.getQuery() == null
          && u.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
