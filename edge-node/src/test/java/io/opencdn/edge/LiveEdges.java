package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.Ports;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edges with {@code live} on in one cluster (in this JVM, each on its own Vert.x), for the live
 * tests of the edge: HTTP on a free loopback port, RTMP on port 0, the admin token {@link #TOKEN}.
 */
final class LiveEdges implements AutoCloseable {

  static final String TOKEN = "live-edge-admin-token-0123456789";
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final String secret;
  final List<EdgeNode> edges = new ArrayList<>();
  private final List<Vertx> vertxes = new ArrayList<>();
  private final TestCluster members;

  private LiveEdges(String name, int count, String originUrl) throws Exception {
    this.secret = name + "-secret-" + System.nanoTime();
    this.members = TestCluster.builder(name).secret(secret).members(count).start();
    for (int i = 0; i < count; i++) {
      ClusterConfig c = members.config(i);
      HazelcastInstance hz = members.member(i);
      EdgeConfig cfg =
          EdgeConfig.builder()
              .id("edge-" + i)
              .region("eu")
              .latitude(50.0)
              .longitude(8.0)
              .listen(Endpoint.parse("127.0.0.1:" + Ports.free()))
              .capacity(100)
              .adminToken(TOKEN)
              .cache(new CacheConfig(64L << 20, 8L << 20))
              .origin(new OriginConfig(1000, 5000))
              .distributions(
                  List.of(new DistributionConfig(DistributionConfig.ANY_HOST, originUrl)))
              .cluster(c)
              .live(LiveConfig.on(new Endpoint("127.0.0.1", 0)))
              .build();
      Vertx v = Vertx.vertx();
      vertxes.add(v);
      EdgeNode edge = new EdgeNode(v, cfg, hz, Clock.systemUTC());
      edges.add(edge);
      Await.await(edge.start());
    }
  }

  /** {@code count} live edges whose distribution sends every host to {@code originUrl}. */
  static LiveEdges start(String name, int count, String originUrl) throws Exception {
    return new LiveEdges(name, count, originUrl);
  }

  EdgeNode edge(int i) {
    return edges.get(i);
  }

  /** The RTMP publish URL of {@code stream} at edge {@code i}, with the cluster's stream key. */
  String publishUrl(int i, String stream) {
    return "rtmp://127.0.0.1:"
        + edge(i).live().rtmpPort()
        + "/live/"
        + stream
        + "?key="
        + io.opencdn.live.cluster.StreamKeys.hmac(secret).keyFor(stream);
  }

  /** GET {@code path} at edge {@code i} with header name/value pairs. */
  HttpResponse<byte[]> get(int i, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge(i).port() + path))
            .timeout(Duration.ofSeconds(10));
    for (int h = 0; h < headers.length; h += 2) {
      b.header(headers[h], headers[h + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The segment names of an HLS playlist, in order. */
  static List<String> segments(String playlist) {
    Matcher m = Pattern.compile("(?m)^([0-9]+-[0-9a-f]+\\.ts)$").matcher(playlist);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Override
  public void close() {
    edges.forEach(e -> Await.await(e.stop()));
    vertxes.forEach(v -> Await.await(v.close()));
    members.close();
  }
}
