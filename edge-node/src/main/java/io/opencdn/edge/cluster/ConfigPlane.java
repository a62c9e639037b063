package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ConfigFollower;
import io.opencdn.common.cluster.ConfigStore;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.admin.ConfigEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The edge's part of the control plane: it follows the cluster's current {@code distributions.yaml}
 * version ({@link ConfigFollower}, activating each through {@code activator}) and serves the {@code
 * /_cdn/config} endpoints ({@link ConfigEndpoints}) that publish, list and roll back versions.
 */
public final class ConfigPlane {

  private final Vertx vertx;
  private final ConfigStore store;
  private final ConfigFollower follower;

  public ConfigPlane(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      String secret,
      Clock clock,
      ConfigFollower.Activator activator) {
    this.vertx = vertx;
    this.store = new ConfigStore(hz, RecordMac.fromSecret(secret), clock);
    this.follower =
        new ConfigFollower(
            store, edgeId, "edge", hz.getLocalEndpoint().getUuid().toString(), clock, activator);
  }

  /** The {@code /_cdn/config} route. */
  public AdminRoute route() {
    return new ConfigEndpoints(vertx, store).route();
  }

  /** Activates the cluster's current version (off the event loop), then follows it. */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          follower.start();
          return null;
        });
  }

  /** Stops following. */
  public Future<Void> stop() {
    return vertx.executeBlocking(
        () -> {
          follower.stop();
          return null;
        });
  }

  /** The version this edge runs. */
  public String activeVersion() {
    return follower.activeHash();
  }
}
