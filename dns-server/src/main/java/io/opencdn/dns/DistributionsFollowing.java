package io.opencdn.dns;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ConfigFollower;
import io.opencdn.common.cluster.ConfigStore;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.admin.Operations;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The DNS server's side of the control plane: follows the cluster's distributions version (their
 * hosts inside this server's zones are answered geo-routed, {@link Operations#applyHosts}) and
 * reports this server as member {@code dns@LISTEN} ({@code dns-UUID8} when listening on port 0),
 * with its admin listener's URL once bound, where the edges' status page finds the {@code /route}
 * it asks. The cluster calls run on worker threads.
 */
final class DistributionsFollowing {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DistributionsFollowing.class);

  private final Vertx vertx;
  private final Endpoint listen;
  private final String clusterSecret;
  private final String adminHost;
  private final Operations ops;
  private final Clock clock;
  private volatile ConfigFollower follower;

  DistributionsFollowing(Vertx vertx, DnsConfig config, Operations ops, Clock clock) {
    this.vertx = vertx;
    this.listen = config.listen();
    this.clusterSecret = config.cluster() == null ? null : config.cluster().secret();
    this.adminHost = config.admin() == null ? null : config.admin().listen().host();
    this.ops = ops;
    this.clock = clock;
  }

  /** Starts following the versions once the server's member has joined. */
  void follow(HazelcastInstance member) {
    ConfigStore store = new ConfigStore(member, RecordMac.fromSecret(clusterSecret), clock);
    String uuid = member.getLocalEndpoint().getUuid().toString();
    String name = listen.port() == 0 ? "dns-" + uuid.substring(0, 8) : "dns@" + listen;
    follower =
        new ConfigFollower(store, name, "dns", uuid, clock, doc -> ops.applyHosts(doc.hosts()));
    vertx
        .executeBlocking(
            () -> {
              follower.admin(adminUrl());
              follower.start();
              return null;
            })
        .onFailure(
            t -> LOG.warn("dns: cannot follow the distributions versions: {}", t.toString()));
  }

  /**
   * The admin listener's base URL once bound (null before, or without one, or on a wildcard
   * address, which names no host the edges could reach).
   */
  private String adminUrl() {
    int p = ops.adminPort();
    if (adminHost == null || p <= 0 || adminHost.equals("0.0.0.0") || adminHost.equals("::")) {
      return null;
    }
    return "http://" + (adminHost.contains(":") ? "[" + adminHost + "]" : adminHost) + ":" + p;
  }

  /** Publishes the admin URL once the admin listener is bound (if following already). */
  void publishAdmin() {
    ConfigFollower f = follower;
    if (f != null && adminUrl() != null) {
      vertx.executeBlocking(
          () -> {
            f.admin(adminUrl());
            return null;
          });
    }
  }

  /** The version answered for: {@code local} before any, or without a cluster. */
  String version() {
    ConfigFollower f = follower;
    return f == null ? "local" : f.activeHash();
  }

  /** Stops following (on a worker thread). */
  void stop() {
    ConfigFollower f = follower;
    if (f != null) {
      vertx.executeBlocking(
          () -> {
            f.stop();
            return null;
          });
    }
  }
}
