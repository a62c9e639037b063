package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.TestOrigin;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.ClusterFillConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.Ports;
import io.opencdn.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Three Hazelcast members on 127.0.0.1 (a {@link TestCluster}: fresh secret, free port range), each
 * with an edge on a free port (each edge on its own Vert.x), one test origin and one test clock.
 * Edge 0 and 1 are in region {@code eu} with peer scope {@code region}; edge 2 is in region {@code
 * us} with scope {@code any}.
 */
final class ClusterHarness implements AutoCloseable {

  static final String HOST = "www.cdn.test";

  /** A second site whose origin ({@link #down}) tests stop and restart on {@link #downPort}. */
  static final String DOWN_HOST = "down.cdn.test";

  static final String TOKEN = "cluster-admin-token-0123456789";

  record Resp(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  final Vertx vertx = Vertx.vertx();
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final TestOrigin origin = new TestOrigin(vertx);
  final int downPort = Ports.free();
  volatile TestOrigin down = new TestOrigin(vertx, downPort);
  final HttpClientAgent client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(50));

  /** Without keep-alive: every request on a new connection. */
  final HttpClientAgent freshClient =
      vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));

  /** The three members, one per edge, from one {@link TestCluster}. */
  final TestCluster hazelcast;

  final List<HazelcastInstance> members;
  final List<EdgeNode> edges = new ArrayList<>();

  /**
   * One Vert.x per edge, as in production (one process each): listeners on port 0 never share a
   * socket.
   */
  final List<Vertx> edgeVertx = new ArrayList<>();

  final ClusterConfig cluster;

  /**
   * A harness whose three members have met and whose partitions have settled (operations during the
   * first migrations were seen to stall for seconds): the fixture of the cluster tests.
   */
  static ClusterHarness settled(String name) {
    ClusterHarness h = new ClusterHarness(name);
    Await.until(
        Duration.ofSeconds(20), () -> h.members.get(0).getCluster().getMembers().size() == 3);
    Await.until(
        Duration.ofSeconds(30),
        () -> h.members.stream().allMatch(m -> m.getPartitionService().isClusterSafe()));
    return h;
  }

  ClusterHarness(String name) {
    hazelcast = TestCluster.start(name, 3);
    members = hazelcast.members();
    cluster = hazelcast.config(0);
    String[][] layout = {
      {"edge-a", "eu", "region"}, {"edge-b", "eu", "region"}, {"edge-c", "us", "any"}
    };
    for (int i = 0; i < layout.length; i++) {
      ClusterConfig c = hazelcast.config(i);
      HazelcastInstance hz = members.get(i);
      EdgeConfig cfg =
          EdgeConfig.builder()
              .id(layout[i][0])
              .region(layout[i][1])
              .latitude(50.0)
              .longitude(8.0)
              .listen(Endpoint.parse("127.0.0.1:" + Ports.free()))
              .capacity(100)
              .adminToken(TOKEN)
              .cache(new CacheConfig(4L << 20, null))
              .origin(new OriginConfig(1000, 5000))
              .distributions(
                  List.of(
                      new DistributionConfig(HOST, origin.url()),
                      new DistributionConfig(DOWN_HOST, down.url())))
              .cluster(c)
              .clusterFill(new ClusterFillConfig(layout[i][2], 3000, 20_000, 3))
              .build();
      Vertx v = Vertx.vertx();
      edgeVertx.add(v);
      EdgeNode edge = new EdgeNode(v, cfg, hz, clock);
      await(edge.start());
      edges.add(edge);
    }
  }

  /**
   * A free port for an edge's listener: edges deploy one listener instance per core on the
   * configured port, and on a real port (as in production) they share one socket; with port 0 the
   * extra instances were seen to leave some requests unanswered (see the module report).
   */
  EdgeNode edge(int i) {
    return edges.get(i);
  }

  Future<Resp> send(int edge, HttpMethod method, String path, String token, String body) {
    return send(edge, HOST, method, path, token, body);
  }

  Future<Resp> send(
      int edge, String host, HttpMethod method, String path, String token, String body) {
    return send(client, edge, host, method, path, token, body);
  }

  private Future<Resp> send(
      HttpClientAgent client,
      int edge,
      String host,
      HttpMethod method,
      String path,
      String token,
      String body) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(edges.get(edge).port())
            .setURI(path)
            .putHeader("Host", host)
            .setIdleTimeout(10_000)
            .setConnectTimeout(5_000);
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    if (!TOKEN.equals(token) && path.startsWith("/_cdn/") && method == HttpMethod.POST) {
      // refused admin POSTs on a new connection each: a kept-alive connection after a 401 to a
      // POST was seen to stall the next request in this client (see the module report); a
      // pooled connection was seen to stall such a POST too, hence a client without keep-alive
      o.putHeader("Connection", "close");
      client = freshClient;
    }
    // Build the whole chain on an event loop: registered from the test thread, the body
    // callback can be attached after the response has started to flow and lose its chunks
    // (vert.x #5825), which looked like a stalled request.
    HttpClientAgent c = client;
    io.vertx.core.Promise<Resp> result = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                c.request(o)
                    .compose(req -> req.send(Buffer.buffer(body == null ? "" : body)))
                    .compose(
                        res ->
                            res.body()
                                .map(b -> new Resp(res.statusCode(), res.headers(), b.toString())))
                    .onComplete(result));
    return result.future();
  }

  Resp get(int edge, String path) {
    return get(edge, HOST, path);
  }

  Resp get(int edge, String host, String path) {
    return idempotent(edge, host, HttpMethod.GET, path, null);
  }

  Resp admin(int edge, HttpMethod method, String path, String body) {
    return method == HttpMethod.GET
        ? idempotent(edge, HOST, method, path, TOKEN)
        : await(send(edge, method, path, TOKEN, body));
  }

  /**
   * A GET; when it has no answer within 5 s (neither its idle nor its connect timeout fires: a rare
   * stall of this test client on a kept-alive connection, cause not found yet, see the module
   * README), it is logged and retried once on a new client without keep-alive.
   */
  private Resp idempotent(int edge, String host, HttpMethod method, String path, String token) {
    try {
      return send(edge, host, method, path, token, null)
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      org.slf4j.LoggerFactory.getLogger(ClusterHarness.class)
          .warn("GET {} on edge {} stalled; retrying on a new connection", path, edge);
      return await(send(freshClient, edge, host, method, path, token, null));
    } catch (Exception e) {
      throw new AssertionError("request failed: " + e, e);
    }
  }

  @Override
  public void close() {
    for (EdgeNode e : edges) {
      await(e.stop());
    }
    edgeVertx.forEach(v -> await(v.close()));
    await(vertx.close());
    hazelcast.close();
  }
}
