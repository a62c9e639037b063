package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * A geo-routed name: its A and AAAA records are the edges the routing policy picks.
 *
 * @param name owner name, absolute or relative to the root
 * @param ttl TTL of the answers in seconds, 1..86400 (default 20)
 * @param answers how many edges one answer lists (top-k), 1..16 (default 1)
 * @param policies the routing policies of the name, in order ({@link PolicySpec}); default {@code
 *     [health, distance, latency, spill]}
 */
public record RouteConfig(
    @JsonProperty("name") String name,
    @JsonProperty("ttl") Integer ttl,
    @JsonProperty("answers") Integer answers,
    @JsonProperty("policies") List<PolicySpec> policies) {
  public RouteConfig {
    DnsConfig.parseName("name", name);
    ttl = ttl == null ? 20 : ttl;
    answers = answers == null ? 1 : answers;
    ConfigException.require(ttl >= 1 && ttl <= 86_400, "ttl", "1..86400 seconds", ttl);
    ConfigException.require(answers >= 1 && answers <= 16, "answers", "1..16", answers);
    policies = policies == null ? PolicySpec.DEFAULT_CHAIN : List.copyOf(policies);
    ConfigException.require(
        !policies.isEmpty(),
        "policies",
        "at least one policy (omit the key for the default chain)",
        "[]");
  }

  /** A route with the default policy chain. */
  public RouteConfig(String name, Integer ttl, Integer answers) {
    this(name, ttl, answers, null);
  }

  /** The name as an absolute name. */
  public Name fqdn() {
    return DnsConfig.parseName("name", name);
  }
}
