package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.CacheConfig;
import io.opencdn.testing.Await;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range requests that try to multiply a cached body (RFC 9110 14.2: overlapping ranges are a sign
 * of abuse): served whole or coalesced, never a byte twice.
 */
class RangeAbuseTest extends EdgeHarness {

  @TempDir Path dir;

  @Test
  void overlappingRangesOfACachedObjectAreServedWholeNotMultiplied() {
    String body = "x".repeat(200_000);
    origin.content("/big", body, "Cache-Control", "max-age=60");
    start(config(origin.url(), 8 << 20, 1 << 20, 2000));
    assertThat(get("/big").body()).hasSize(body.length());

    Resp r = get("/big", "Range", "bytes=" + "0-,".repeat(15) + "0-");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).hasSize(body.length());
    assertThat(r.header("X-Cache")).startsWith("Hit");
  }

  @Test
  void overlappingAndTouchingRangesAreCoalescedIntoOneRange() {
    origin.content(
        "/v", "0123456789abcdefghij", "Cache-Control", "max-age=60", "Content-Type", "video/mp4");
    start();
    get("/v");

    Resp r = get("/v", "Range", "bytes=2-9,0-4,10-11");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Range")).isEqualTo("bytes 0-11/20");
    assertThat(r.body()).isEqualTo("0123456789ab");
  }

  @Test
  void aMultipartBodyHasItsPartsInAscendingOrderAndAContentLength() {
    origin.content(
        "/v", "0123456789abcdefghij", "Cache-Control", "max-age=60", "Content-Type", "video/mp4");
    start();
    get("/v");

    Resp r = get("/v", "Range", "bytes=15-19,0-1");

    assertThat(r.status()).isEqualTo(206);
    String boundary =
        r.header("Content-Type").substring(r.header("Content-Type").indexOf("boundary=") + 9);
    assertThat(r.body())
        .isEqualTo(
            "\r\n--"
                + boundary
                + "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-1/20\r\n\r\n01"
                + "\r\n--"
                + boundary
                + "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 15-19/20\r\n\r\nfghij"
                + "\r\n--"
                + boundary
                + "--\r\n");
    assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().length()));
  }

  @Test
  void rangesOfALargeObjectOnDiskAreCoalescedOrServedWhole() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      b.append(String.format("%09d\n", i));
    }
    String body =
        b.toString(); // 300 000 bytes, over maxObjectBytes: a disk-only entry served by sendFile
    origin.content("/large.bin", body, "Cache-Control", "max-age=60");
    // the tiers of the config (memory and disk), as the product builds them
    edge =
        new EdgeNode(
            vertx,
            config(
                new CacheConfig(1L << 20, 64L << 10, null, null, null, dir.toString(), 64L << 20)),
            null,
            clock);
    Await.await(edge.start());
    assertThat(get("/large.bin").body()).hasSize(body.length());
    // the entry is published once the body is on disk, just after the client got it
    Await.until(java.time.Duration.ofSeconds(10), () -> edge.cacheStats().entries() == 1);

    Resp overlapping = get("/large.bin", "Range", "bytes=" + "0-,".repeat(15) + "0-");
    Resp coalesced = get("/large.bin", "Range", "bytes=100-199,0-99,150-249");

    assertThat(overlapping.status()).isEqualTo(200);
    assertThat(overlapping.body()).hasSize(body.length());
    assertThat(coalesced.status()).isEqualTo(206);
    assertThat(coalesced.header("Content-Range")).isEqualTo("bytes 0-249/300000");
    assertThat(coalesced.body()).isEqualTo(body.substring(0, 250));
    assertThat(coalesced.header("X-Cache")).startsWith("Hit");
    assertThat(origin.count("/large.bin")).isEqualTo(1);
  }
}
