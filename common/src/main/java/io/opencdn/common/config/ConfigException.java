package io.opencdn.common.config;

/**
 * A configuration problem found at start-up or on reload. The message is one line that names the
 * source (file or resource), the key and what was expected, ready to print to an operator.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A value that failed validation: {@code key 'ttl': expected 1..86400, got 0}. */
  public static ConfigException invalid(String key, String expected, Object actual) {
    return new ConfigException("key '" + key + "': expected " + expected + ", got " + actual);
  }

  /** Fails with {@link #invalid} unless {@code ok}. */
  public static void require(boolean ok, String key, String expected, Object actual) {
    if (!ok) {
      throw invalid(key, expected, actual);
    }
  }
}
