package io.opencdn.common.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.List;

/**
 * How a process joins the CDN's Hazelcast cluster.
 *
 * @param name cluster name; only members with the same name and secret form one cluster
 * @param secret shared secret (at least 16 characters); members without it cannot join
 * @param bind address and port this member listens on; the port is incremented when taken
 * @param members TCP-IP join list, {@code host:port} or {@code host:port-port}; default: the bind
 *     address, ports bind..bind+2
 * @param heartbeatMillis interval of member heartbeats, whole seconds 1000..60000 (Hazelcast counts
 *     heartbeats in seconds: a value it would round is refused rather than changed)
 * @param failureTimeoutMillis a member silent this long is declared dead, whole seconds, at least
 *     twice {@code heartbeatMillis} (Hazelcast's default is 60 s; we default to 5 s: faster
 *     failover at the cost of evicting a member stalled by a long GC pause)
 * @param directoryMaxEntries most entries of the cache directory a member keeps, least recently
 *     used evicted first (default {@value ClusterMaps#CACHE_DIRECTORY_MAX_PER_MEMBER}; about 300
 *     bytes each): the bound on what distinct URLs can make the cluster hold
 */
public record ClusterConfig(
    @JsonProperty("name") String name,
    @JsonProperty("secret") String secret,
    @JsonProperty("bind") Endpoint bind,
    @JsonProperty("members") List<String> members,
    @JsonProperty("heartbeatMillis") Integer heartbeatMillis,
    @JsonProperty("failureTimeoutMillis") Integer failureTimeoutMillis,
    @JsonProperty("directoryMaxEntries") Integer directoryMaxEntries) {

  public static final int DEFAULT_PORT = 5701;

  public ClusterConfig {
    ConfigException.require(
        name != null && name.matches("[A-Za-z0-9._-]{1,64}"),
        "name",
        "1-64 characters of A-Z a-z 0-9 . _ -",
        name);
    ConfigException.require(
        secret != null && secret.length() >= 16,
        "secret",
        "a shared secret of at least 16 characters",
        secret == null ? "nothing" : secret.length() + " characters");
    ConfigException.require(bind != null, "bind", "host:port to listen on", "nothing");
    members =
        members == null || members.isEmpty()
            ? List.of(bind.host() + ":" + bind.port() + "-" + (bind.port() + 2))
            : List.copyOf(members);
    heartbeatMillis = heartbeatMillis == null ? 1000 : heartbeatMillis;
    failureTimeoutMillis = failureTimeoutMillis == null ? 5000 : failureTimeoutMillis;
    ConfigException.require(
        heartbeatMillis >= 1000 && heartbeatMillis <= 60_000 && heartbeatMillis % 1000 == 0,
        "heartbeatMillis",
        "whole seconds 1000..60000 (Hazelcast counts heartbeats in seconds)",
        heartbeatMillis);
    ConfigException.require(
        failureTimeoutMillis >= 2 * heartbeatMillis && failureTimeoutMillis % 1000 == 0,
        "failureTimeoutMillis",
        "whole seconds, at least twice heartbeatMillis (" + 2 * heartbeatMillis + ")",
        failureTimeoutMillis);
    directoryMaxEntries =
        directoryMaxEntries == null
            ? ClusterMaps.CACHE_DIRECTORY_MAX_PER_MEMBER
            : directoryMaxEntries;
    ConfigException.require(
        directoryMaxEntries >= 1000 && directoryMaxEntries <= 100_000_000,
        "directoryMaxEntries",
        "1000..100000000",
        directoryMaxEntries);
  }

  /** A config with the default directory bound. */
  public ClusterConfig(
      String name,
      String secret,
      Endpoint bind,
      List<String> members,
      Integer heartbeatMillis,
      Integer failureTimeoutMillis) {
    this(name, secret, bind, members, heartbeatMillis, failureTimeoutMillis, null);
  }

  /**
   * A copy listening on {@code other} (e.g. {@code ./cdn route --cluster}); every other key is
   * kept.
   */
  public ClusterConfig withBind(Endpoint other) {
    return new ClusterConfig(
        name, secret, other, members, heartbeatMillis, failureTimeoutMillis, directoryMaxEntries);
  }

  /**
   * {@link io.opencdn.common.config.Redacted}: every component but {@code secret}, which is never
   * printed.
   */
  @Override
  public String toString() {
    return io.opencdn.common.config.Redacted.text(this, java.util.Set.of("secret"));
  }
}
