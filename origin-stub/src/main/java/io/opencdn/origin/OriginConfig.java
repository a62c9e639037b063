package io.opencdn.origin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;

/**
 * Configuration of the origin stub, loaded with {@code ConfigLocation.load(location,
 * OriginConfig.class)}:
 *
 * <pre>{@code
 * listen: 127.0.0.1:9090          # host:port; port 0 picks a free port
 * root: ./www                     # directory served at /; omit for synthetic objects only
 * adminToken: ${CDN_ADMIN_TOKEN:-} # bearer token of /_origin/stats; empty: random, logged
 * fileCacheControl: max-age=60    # Cache-Control of files; "" for none
 * }</pre>
 *
 * @param listen address the HTTP server binds (default {@code 127.0.0.1:9090})
 * @param root directory served at {@code /}, or null to serve only synthetic objects; a relative
 *     path is resolved by the caller (the command resolves it against the config file)
 * @param adminToken bearer token guarding the admin endpoints (at least 16 characters), or null to
 *     generate a random one at start; an example value (containing {@code change-me}) is refused
 *     unless {@code listen} is a loopback address ({@link io.opencdn.common.config.ExampleSecrets})
 * @param fileCacheControl {@code Cache-Control} sent with every file (default {@code max-age=60};
 *     empty for none)
 */
public record OriginConfig(
    @JsonProperty("listen") Endpoint listen,
    @JsonProperty("root") String root,
    @JsonProperty("adminToken") String adminToken,
    @JsonProperty("fileCacheControl") String fileCacheControl) {

  public static final Endpoint DEFAULT_LISTEN = new Endpoint("127.0.0.1", 9090);
  public static final String DEFAULT_FILE_CACHE_CONTROL = "max-age=60";

  public OriginConfig {
    listen = listen == null ? DEFAULT_LISTEN : listen;
    root = root == null || root.isBlank() ? null : root;
    adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    ConfigException.require(
        adminToken == null || adminToken.length() >= 16,
        "adminToken",
        "at least 16 characters",
        adminToken == null ? "nothing" : adminToken.length() + " characters");
    io.opencdn.common.config.ExampleSecrets.refuseExposed(
        "adminToken", adminToken, java.util.List.of(listen));
    fileCacheControl =
        fileCacheControl == null ? DEFAULT_FILE_CACHE_CONTROL : fileCacheControl.trim();
    ConfigException.require(
        fileCacheControl.chars().noneMatch(c -> c < 0x20 || c == 0x7f),
        "fileCacheControl",
        "a header value without control characters",
        "'" + fileCacheControl + "'");
  }

  /** A config with the default file {@code Cache-Control}. */
  public OriginConfig(Endpoint listen, String root, String adminToken) {
    this(listen, root, adminToken, null);
  }

  /** All defaults: 127.0.0.1:9090, no root, random admin token. */
  public static OriginConfig defaults() {
    return new OriginConfig(null, null, null, null);
  }

  public OriginConfig withListen(Endpoint value) {
    return new OriginConfig(value, root, adminToken, fileCacheControl);
  }

  public OriginConfig withRoot(String value) {
    return new OriginConfig(listen, value, adminToken, fileCacheControl);
  }

  public OriginConfig withAdminToken(String value) {
    return new OriginConfig(listen, root, value, fileCacheControl);
  }

  /**
   * {@link io.opencdn.common.config.Redacted}: every component but {@code adminToken}, which is
   * never printed.
   */
  @Override
  public String toString() {
    return io.opencdn.common.config.Redacted.text(this, java.util.Set.of("adminToken"));
  }
}
