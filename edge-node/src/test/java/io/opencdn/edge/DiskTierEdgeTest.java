package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An edge configured with {@code cache.diskPath}: its objects survive a restart. */
class DiskTierEdgeTest extends EdgeHarness {

  @TempDir Path dir;

  long files() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".entry")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aRestartedEdgeServesItsDiskObjectsEvenWithTheOriginDown() {
    origin.content("/kept.js", "kept", "Cache-Control", "max-age=600", "ETag", "\"k\"");
    EdgeConfig cfg =
        config(new CacheConfig(1L << 20, 64L << 10, null, null, null, dir.toString(), 8L << 20));
    edge = new EdgeNode(vertx, cfg, null, clock);
    await(edge.start());
    assertThat(get("/kept.js").header("X-Cache")).startsWith("Miss");
    Await.until(Duration.ofSeconds(5), () -> files() == 1);
    await(edge.stop());
    origin.close();
    clock.advance(Duration.ofSeconds(60));

    edge = new EdgeNode(vertx, cfg, null, clock);
    await(edge.start());
    Resp r = get("/kept.js");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("kept");
    assertThat(r.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(Long.parseLong(r.header("Age"))).isBetween(60L, 61L);
    assertThat(edge.cacheStats().entries()).isEqualTo(1);
  }

  @Test
  void theDiskTiersWriteAndIntegrityCountersAreMetrics() {
    origin.content("/m.js", "m", "Cache-Control", "max-age=600");
    edge =
        new EdgeNode(
            vertx,
            config(
                new CacheConfig(1L << 20, 64L << 10, null, null, null, dir.toString(), 8L << 20)),
            null,
            clock);
    await(edge.start());
    get("/m.js");

    String metrics =
        await(
                send(
                    io.vertx.core.http.HttpMethod.GET,
                    "/_cdn/metrics",
                    HOST,
                    null,
                    "Authorization",
                    "Bearer " + TOKEN))
            .body();

    assertThat(metrics)
        .contains("cdn_disk_writes_skipped_total 0.0", "cdn_disk_files_corrupted_total 0.0");
  }
}
