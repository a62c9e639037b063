package io.opencdn.edge.fill;

import java.net.URI;

/**
 * Where an origin server listens.
 *
 * @param host host name or IP literal
 * @param port TCP port
 * @param ssl whether to speak TLS (an {@code https} origin)
 */
public record Origin(String host, int port, boolean ssl) {

  /** From an {@code http://host[:port]} or {@code https://host[:port]} URL. */
  public static Origin of(URI uri) {
    boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String host =
        uri.getHost().startsWith("[")
            ? uri.getHost().substring(1, uri.getHost().length() - 1)
            : uri.getHost();
    return new Origin(host, port, ssl);
  }

  @Override
  public String toString() {
    return (ssl ? "https://" : "http://")
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + port;
  }
}
