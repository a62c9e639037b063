package io.opencdn.common.config;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * Example tokens and secrets are refused where they would protect something: the values the
 * documentation and {@code docker-compose.yml} show ({@code local-trial-secret-change-me}, {@code
 * change-me-0123456789}, ...) all contain the marker {@value #MARKER}, and a token or secret
 * containing it is accepted only while every listener of the process binds a loopback address
 * (127.0.0.0/8, ::1, {@code localhost}). A listener on any other address (a wildcard, a container's
 * address, a host name) makes it a {@link ConfigException} naming the key, so a copied example
 * never guards an admin API or a cluster that others can reach.
 */
public final class ExampleSecrets {

  /** What makes a token or secret an example (compared without regard to case). */
  public static final String MARKER = "change-me";

  private ExampleSecrets() {}

  /** True when {@code value} is an example value. */
  public static boolean isExample(String value) {
    return value != null && value.toLowerCase(Locale.ROOT).contains(MARKER);
  }

  /**
   * True when {@code host} is a loopback address literal or {@code localhost}; a host name is never
   * looked up (it counts as not loopback).
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    boolean literal =
        h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":") && h.matches("[0-9a-fA-F:.%\\w]+");
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /**
   * Fails with a {@link ConfigException} naming {@code key} when {@code value} is an example and a
   * listener of {@code listeners} (nulls skipped) binds a non-loopback address.
   */
  public static void refuseExposed(String key, String value, Collection<Endpoint> listeners) {
    if (!isExample(value)) {
      return;
    }
    Endpoint exposed =
        listeners.stream()
            .filter(Objects::nonNull)
            .filter(e -> !isLoopback(e.host()))
            .findFirst()
            .orElse(null);
    if (exposed != null) {
      throw ConfigException.invalid(
          key,
          "a value of your own (e.g. openssl rand -hex 16): values containing '"
              + MARKER
              + "' are examples, refused while a listener binds a non-loopback address ("
              + exposed
              + ")",
          "an example value");
    }
  }
}
