package io.opencdn.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A host and port written {@code host:port} (IPv6 as {@code [::1]:53}). Port 0 asks the system for
 * a free port.
 */
public record Endpoint(String host, int port) {

  public Endpoint {
    if (host == null || host.isBlank()) {
      throw new ConfigException("key '?': expected host:port, got an empty host");
    }
    if (port < 0 || port > 65535) {
      throw ConfigException.invalid("?", "a port 0..65535", port);
    }
  }

  /** Parses {@code host:port} or {@code [v6]:port}. */
  @JsonCreator
  public static Endpoint parse(String text) {
    if (text == null) {
      throw ConfigException.invalid("?", "host:port", "nothing");
    }
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw ConfigException.invalid("?", "host:port", "'" + text + "'");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw ConfigException.invalid("?", "host:port with IPv6 in brackets", "'" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw ConfigException.invalid("?", "host:port with a numeric port", "'" + text + "'");
    }
    return new Endpoint(host, port);
  }

  @JsonValue
  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
