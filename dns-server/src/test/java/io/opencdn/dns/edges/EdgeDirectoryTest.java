package io.opencdn.dns.edges;

import static io.opencdn.dns.TestSupport.eventually;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.config.HealthConfig;
import io.opencdn.dns.routing.Edge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeDirectoryTest {

  private Vertx vertx;
  private final io.opencdn.testing.TestClock clock = new io.opencdn.testing.TestClock();
  private final FakeRegistry registry = new FakeRegistry();
  private final Map<String, Boolean> up = new ConcurrentHashMap<>();
  private EdgeDirectory directory;

  /** An in-memory registry with a settable member list. */
  final class FakeRegistry implements EdgeRecordSource {
    final Map<String, EdgeRecord> records = new ConcurrentHashMap<>();
    volatile Set<String> members = Set.of("m1", "m2");
    volatile Consumer<String> left;

    @Override
    public Future<Collection<EdgeRecord>> fetch() {
      return Future.succeededFuture(List.copyOf(records.values()));
    }

    @Override
    public Set<String> liveMembers() {
      return members;
    }

    @Override
    public Runnable onMembershipChange(Consumer<String> l, Runnable joined) {
      left = l;
      return () -> left = null;
    }
  }

  EdgeRecord record(String id, String ip, String member, EdgeState state) {
    return new EdgeRecord(id, "r", 50, 8, ip, null, 8080, 100, 0, state, member, clock.millis());
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    registry.records.put("a", record("a", "127.0.0.11", "m1", EdgeState.ACTIVE));
    registry.records.put("b", record("b", "127.0.0.12", "m2", EdgeState.ACTIVE));
    HealthProbe probe = r -> Future.succeededFuture(up.getOrDefault(r.id(), true));
    directory =
        new EdgeDirectory(vertx, registry, new HealthConfig(60_000, 400, 2, 2), probe, clock);
    await(directory.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(directory.stop());
    await(vertx.close());
  }

  private Map<String, Boolean> health() {
    Map<String, Boolean> out = new java.util.TreeMap<>();
    directory.current().edges().forEach(e -> out.put(e.id(), e.healthy()));
    return out;
  }

  @Test
  void newEdgesStartHealthyAndFallThenRise() throws Exception {
    assertThat(health()).isEqualTo(Map.of("a", true, "b", true));
    assertThat(directory.current().edges().get(0).ipv4().getHostAddress()).isEqualTo("127.0.0.11");
    up.put("a", false);
    await(directory.refresh());
    assertThat(health()).as("one failure is not enough (fall 2)").containsEntry("a", true);
    await(directory.refresh());
    assertThat(health()).containsEntry("a", false).containsEntry("b", true);
    up.put("a", true);
    await(directory.refresh());
    assertThat(health()).containsEntry("a", false);
    await(directory.refresh());
    assertThat(health()).containsEntry("a", true);
  }

  @Test
  void staleHeartbeatsAreIgnored() throws Exception {
    clock.advance(9_000);
    registry.records.put("b", record("b", "127.0.0.12", "m2", EdgeState.ACTIVE));
    clock.advance(2_000);
    await(directory.refresh());
    assertThat(health()).containsOnlyKeys("b");
  }

  @Test
  void edgesOfMembersThatLeftDisappearAtOnce() throws Exception {
    registry.members = Set.of("m2");
    registry.left.accept("m1");
    assertThat(eventually(2000, () -> health().keySet().equals(Set.of("b")))).isTrue();
    await(directory.refresh());
    assertThat(health()).containsOnlyKeys("b");
  }

  @Test
  void drainingEdgesStayKnownWithTheirState() throws Exception {
    registry.records.put("b", record("b", "127.0.0.12", "m2", EdgeState.DRAINING));
    await(directory.refresh());
    Edge b =
        directory.current().edges().stream()
            .filter(e -> e.id().equals("b"))
            .findFirst()
            .orElseThrow();
    assertThat(b.state()).isEqualTo(EdgeState.DRAINING);
    assertThat(b.eligible()).isFalse();
  }

  @Test
  void removedEntriesDisappear() throws Exception {
    registry.records.remove("a");
    await(directory.refresh());
    assertThat(health()).containsOnlyKeys("b");
  }

  @Test
  void aKilledEdgeIsNoLongerEligibleWithinTwoSecondsWithRealHttpChecks() throws Exception {
    HttpServer edgeA = startHealthServer();
    HttpServer edgeB = startHealthServer();
    FakeRegistry real = new FakeRegistry();
    real.records.put(
        "a",
        new EdgeRecord(
            "a",
            "r",
            50,
            8,
            "127.0.0.1",
            null,
            edgeA.actualPort(),
            1,
            0,
            EdgeState.ACTIVE,
            "m1",
            clock.millis()));
    real.records.put(
        "b",
        new EdgeRecord(
            "b",
            "r",
            50,
            8,
            "127.0.0.1",
            null,
            edgeB.actualPort(),
            1,
            0,
            EdgeState.ACTIVE,
            "m2",
            clock.millis()));
    HealthConfig cfg = new HealthConfig(null, null, null, null);
    HttpHealthProbe probe = new HttpHealthProbe(vertx, cfg.timeoutMillis());
    EdgeDirectory live = new EdgeDirectory(vertx, real, cfg, probe, clock);
    await(live.start());
    try {
      assertThat(live.current().edges()).allMatch(Edge::eligible).hasSize(2);
      long killed = System.nanoTime();
      await(edgeA.close());
      assertThat(
              eventually(
                  2000,
                  () ->
                      live.current().edges().stream()
                          .anyMatch(e -> e.id().equals("a") && !e.eligible())))
          .isTrue();
      assertThat((System.nanoTime() - killed) / 1_000_000).isLessThan(2000);
      assertThat(live.current().edges())
          .filteredOn(e -> e.id().equals("b"))
          .allMatch(Edge::eligible);
    } finally {
      await(live.stop());
      probe.close();
      await(edgeB.close());
    }
  }

  private HttpServer startHealthServer() throws Exception {
    return await(
        vertx
            .createHttpServer()
            .requestHandler(
                req -> req.response().end(req.path().equals(HttpHealthProbe.PATH) ? "ok" : "?"))
            .listen(0, "127.0.0.1"));
  }
}
