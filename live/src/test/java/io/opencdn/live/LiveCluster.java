package io.opencdn.live;

import static io.opencdn.testing.Await.await;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.live.config.LiveConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Edges of a test: each a {@link LiveServer} with its own Vert.x and Hazelcast member on loopback
 * (RTMP on port 0; the members from one {@link TestCluster}), so killing one closes both without a
 * goodbye, like SIGKILL.
 */
final class LiveCluster implements AutoCloseable {

  /** One edge. */
  static final class Edge {
    final String id;
    final Vertx vertx;
    final HazelcastInstance hz;
    final LiveServer live;
    final int rtmpPort;

    Edge(String id, Vertx vertx, HazelcastInstance hz, LiveServer live, int rtmpPort) {
      this.id = id;
      this.vertx = vertx;
      this.hz = hz;
      this.live = live;
      this.rtmpPort = rtmpPort;
    }

    String rtmp(String path) {
      return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + path;
    }

    /** Kills the edge: Vert.x closed, the member terminated, no goodbye. */
    void kill() throws Exception {
      hz.getLifecycleService().terminate();
      await(vertx.close());
    }
  }

  final String secret = "live-cluster-" + System.nanoTime() + "-secret";
  final List<Edge> edges = new ArrayList<>();
  final TestCluster members;

  LiveCluster(LiveConfig config, String... ids) throws Exception {
    members = TestCluster.builder("live-test").secret(secret).members(ids.length).start();
    try {
      for (int i = 0; i < ids.length; i++) {
        String id = ids[i];
        HazelcastInstance hz = members.member(i);
        Vertx v = Vertx.vertx();
        LiveServer live =
            LiveServer.create(v, config, id, "127.0.0.1", hz, secret, Clock.systemUTC());
        int port = await(live.start(0), Duration.ofSeconds(30));
        edges.add(new Edge(id, v, hz, live, port));
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  Edge edge(String id) {
    return edges.stream().filter(e -> e.id.equals(id)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (Edge e : edges) {
      try {
        e.kill();
      } catch (Exception ignored) {
        // already gone
      }
    }
    members.close();
  }
}
