package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.AccessLogConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's access log as configured: JSON lines in the file of {@code accessLog.path}, counted in
 * the metrics.
 */
class AccessLogFileTest extends EdgeHarness {

  @TempDir Path dir;

  List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  @Test
  void missThenHitAreLoggedWithTheirCacheKeyAndCounted() throws Exception {
    origin.content("/a/b", "hello", "Cache-Control", "max-age=60");
    Path file = dir.resolve("access.log");
    EdgeConfig cfg =
        config(origin.url(), 1 << 20, 64 << 10, 2000)
            .withAccessLog(new AccessLogConfig(true, "json", file.toString(), null, null, null));
    start(cfg);

    assertThat(get("/x/../a/b").header("X-Cache")).startsWith("Miss");
    assertThat(get("/x/../a/b").header("X-Cache")).startsWith("Hit");
    assertThat(
            Await.await(send(io.vertx.core.http.HttpMethod.GET, "/n", "elsewhere.test", null))
                .status())
        .isEqualTo(421);
    Await.until(
        Duration.ofSeconds(5),
        () -> {
          try {
            return lines(file).size() == 3;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    List<JsonObject> json = lines(file).stream().map(JsonObject::new).toList();
    assertThat(json)
        .extracting(j -> j.getString("x-edge-result-type"))
        .containsExactly("Miss", "Hit", "Error");
    assertThat(json.get(0).getString("cache-key")).isEqualTo("www.cdn.test/a/b");
    assertThat(json.get(0).getString("cs-uri-stem")).isEqualTo("/x/../a/b");
    assertThat(json.get(2).getString("x-edge-detailed-result-type")).isEqualTo("InvalidRequest");
    assertThat(json.get(2).getValue("cache-key")).isNull();
    assertThat(json.get(1).getString("edge-id")).isEqualTo("test-edge");
    assertThat(json.get(1).getString("x-edge-location")).isEqualTo("test");
    assertThat(json.get(1).getLong("sc-bytes")).isEqualTo(5);
    String metrics = get("/_cdn/metrics", "Authorization", "Bearer " + TOKEN).body();
    assertThat(metrics)
        .contains("cdn_access_log_lines_total 3.0", "cdn_access_log_dropped_total 0.0");
  }

  @Test
  void anOffAccessLogWritesNothingAndStillCountsBytes() throws Exception {
    origin.content("/x", "hello", "Cache-Control", "max-age=60");
    Path file = dir.resolve("off.log");
    start(
        config(origin.url(), 1 << 20, 64 << 10, 2000)
            .withAccessLog(new AccessLogConfig(false, null, file.toString(), null, null, null)));
    get("/x");
    String metrics = get("/_cdn/metrics", "Authorization", "Bearer " + TOKEN).body();
    assertThat(metrics)
        .contains("cdn_response_bytes_total 5.0")
        .doesNotContain("cdn_access_log_lines");
    assertThat(file).doesNotExist();
  }
}
