package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * Response Rate Limiting settings (the {@code rrl} section; see {@link
 * io.opencdn.dns.answer.ResponseRateLimiter}).
 *
 * @param enabled on by default; applies to UDP only (TCP proves the source address)
 * @param responsesPerSecond responses per second one client network may receive, 1..100000 (default
 *     20)
 * @param slip every Nth limited response is sent as an empty truncated (TC) answer so real clients
 *     behind a spoofed network retry over TCP; 0 = drop all, 1 = slip all, 0..10 (default 2)
 * @param window seconds a network that went over the limit stays in debt, 1..3600 (default 15)
 * @param ipv4Prefix client network length for IPv4, 8..32 (default 24)
 * @param ipv6Prefix client network length for IPv6, 16..63 (default 56)
 */
public record RrlConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("responsesPerSecond") Integer responsesPerSecond,
    @JsonProperty("slip") Integer slip,
    @JsonProperty("window") Integer window,
    @JsonProperty("ipv4Prefix") Integer ipv4Prefix,
    @JsonProperty("ipv6Prefix") Integer ipv6Prefix) {

  /** The defaults: enabled, 20/s, slip 2, window 15 s, /24 and /56. */
  public static final RrlConfig DEFAULT = new RrlConfig(null, null, null, null, null, null);

  public RrlConfig {
    enabled = enabled == null || enabled;
    responsesPerSecond = responsesPerSecond == null ? 20 : responsesPerSecond;
    slip = slip == null ? 2 : slip;
    window = window == null ? 15 : window;
    ipv4Prefix = ipv4Prefix == null ? 24 : ipv4Prefix;
    ipv6Prefix = ipv6Prefix == null ? 56 : ipv6Prefix;
    ConfigException.require(
        responsesPerSecond >= 1 && responsesPerSecond <= 100_000,
        "responsesPerSecond",
        "1..100000",
        responsesPerSecond);
    ConfigException.require(slip >= 0 && slip <= 10, "slip", "0..10", slip);
    ConfigException.require(window >= 1 && window <= 3600, "window", "1..3600 seconds", window);
    ConfigException.require(ipv4Prefix >= 8 && ipv4Prefix <= 32, "ipv4Prefix", "8..32", ipv4Prefix);
    ConfigException.require(
        ipv6Prefix >= 16 && ipv6Prefix <= 63, "ipv6Prefix", "16..63", ipv6Prefix);
  }
}
