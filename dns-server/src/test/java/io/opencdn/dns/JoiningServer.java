package io.opencdn.dns;

import static io.opencdn.testing.Await.await;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * The fixture of the tests of a DNS server started before its cluster member has joined, as the
 * demo starts it ({@link DnsServer#joining}): a cluster with its one member slot still empty, the
 * server started on it with the keys the test gives, and {@link #startMember} starting the member
 * later, the edges registered through Hazelcast before {@link #completeJoin} hands it to the
 * server. Closing it stops the server, its Vert.x and the cluster.
 */
public final class JoiningServer implements AutoCloseable {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  public static final Duration SLOW = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private final TestCluster cluster;
  private final Promise<HazelcastInstance> member = Promise.promise();
  private DnsServer server;
  private HazelcastInstance hz;
  private int port;

  /**
   * Starts the server of a cluster named {@code name} with {@code yaml}'s keys (listen, zones,
   * routing and the rest; its {@code cluster} key is added here).
   */
  public JoiningServer(String name, String yaml) {
    // the member is started later, in the spare slot: the server joins while it is missing
    cluster = TestCluster.builder(name).members(0).spare(1).start();
    try {
      int hzPort = cluster.config(0).bind().port();
      DnsConfig cfg =
          ConfigLoader.parse(
              yaml
                  + "cluster: {name: %s, secret: %s, bind: 127.0.0.1:%d, members: [127.0.0.1:%d]}\n"
                      .formatted(name, cluster.secret(), hzPort, hzPort),
              name + "-dns.yaml",
              DnsConfig.class);
      server =
          DnsServer.joining(
              vertx, cfg, "classpath:demo/dns.yaml", member.future(), Clock.systemUTC());
      port = await(server.start(), SLOW);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The server. */
  public DnsServer server() {
    return server;
  }

  /** The server's DNS port (UDP and TCP on 127.0.0.1). */
  public int port() {
    return port;
  }

  /** The Vert.x the server runs on (for the edges' health checks). */
  public Vertx vertx() {
    return vertx;
  }

  /** Starts the cluster member without handing it to the server yet (edges put before it joins). */
  public HazelcastInstance startMember() {
    hz = cluster.startMember(0, false);
    return hz;
  }

  /** Hands the member started by {@link #startMember} to the server. */
  public void completeJoin() {
    member.complete(hz);
  }

  /** The edges map of the member. */
  public IMap<String, EdgeRecord> edges() {
    return hz.getMap(ClusterMaps.EDGES);
  }

  /**
   * A signed ACTIVE edge record of the member, heartbeat now, capacity 100: {@code id} on {@code
   * ipv4}, its health check on {@code port}.
   */
  public EdgeRecord edge(String id, String ipv4, int port) {
    return TestSupport.signedEdge(
        id,
        "test",
        50.11,
        8.68,
        ipv4,
        port,
        100,
        hz.getCluster().getLocalMember().getUuid().toString(),
        cluster.mac());
  }

  /** An edge's health check on {@code host} (port 0), answering "ok": its port. */
  public int healthy(String host) {
    return await(
            vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, host),
            SLOW)
        .actualPort();
  }

  @Override
  public void close() {
    if (server != null) {
      await(server.stop(), SLOW);
    }
    await(vertx.close(), SLOW);
    cluster.close();
  }
}
