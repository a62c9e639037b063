package io.opencdn.edge.cache;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.TestClock;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk entry that was cut short or changed on the disk is dropped and never served: at start
 * (size against the header), on every read of a body read into memory (checksum), and on the first
 * read of a large body served from its file (checksum).
 */
class DiskIntegrityTest {

  @TempDir Path dir;

  final Vertx vertx = Vertx.vertx();
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  CachedResponse response(String body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cache-Control", "max-age=60");
    return CachedResponse.of(
        200,
        headers,
        Buffer.buffer(body),
        MultiMap.caseInsensitiveMultiMap(),
        clock.millis(),
        clock.millis(),
        60);
  }

  List<Path> entries() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".entry")).toList();
    }
  }

  /** Flips one byte {@code fromEnd} bytes before the end of {@code file}. */
  static void flip(Path file, int fromEnd) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() - fromEnd;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  @Test
  void aTruncatedFileIsDroppedAtStart() throws IOException {
    DiskCache first = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey key = new CacheKey("h", "/cut");
    await(first.put(key, response("y".repeat(5000))));
    await(first.put(new CacheKey("h", "/whole"), response("w".repeat(5000))));
    Path file = dir.resolve(DiskCache.fileName(key));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }

    DiskCache second = new DiskCache(vertx, dir, 1 << 20, clock);

    assertThat(second.stats().entries()).isEqualTo(1);
    assertThat(Files.exists(file)).isFalse();
    assertThat(await(second.get(key))).isNull();
    assertThat(await(second.get(new CacheKey("h", "/whole"))).body().toString())
        .isEqualTo("w".repeat(5000));
  }

  @Test
  void aFileWithBytesAfterItsBodyIsDroppedAtStart() throws IOException {
    DiskCache first = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey key = new CacheKey("h", "/long");
    await(first.put(key, response("y".repeat(500))));
    Files.write(
        dir.resolve(DiskCache.fileName(key)),
        new byte[] {1, 2, 3},
        java.nio.file.StandardOpenOption.APPEND);

    DiskCache second = new DiskCache(vertx, dir, 1 << 20, clock);

    assertThat(second.stats().entries()).isZero();
    assertThat(entries()).isEmpty();
  }

  @Test
  void aCorruptedBodyReadIntoMemoryIsNeverServed() throws IOException {
    DiskCache disk = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey key = new CacheKey("h", "/rot");
    await(disk.put(key, response("z".repeat(5000))));
    flip(dir.resolve(DiskCache.fileName(key)), 10);

    // while running (no restart) and after one
    assertThat(await(disk.get(key))).isNull();
    assertThat(disk.corruptedFiles()).isEqualTo(1);
    assertThat(entries()).isEmpty();

    await(disk.put(key, response("z".repeat(5000))));
    flip(dir.resolve(DiskCache.fileName(key)), 4000);
    DiskCache restarted = new DiskCache(vertx, dir, 1 << 20, clock);
    assertThat(await(restarted.get(key))).isNull();
    assertThat(restarted.stats().entries()).isZero();
  }

  @Test
  void aCorruptedLargeBodyIsNeverServedAfterARestart() throws IOException {
    DiskCache disk = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);
    CacheKey key = new CacheKey("h", "/large");
    DiskEntryWriter w = await(disk.openLarge(key, response(""), 1 << 20));
    w.write(Buffer.buffer("a".repeat(30_000)));
    w.write(Buffer.buffer("b".repeat(20_000)));
    assertThat(await(w.commit(50_000))).isNotNull();
    CacheKey intact = new CacheKey("h", "/intact");
    DiskEntryWriter w2 = await(disk.openLarge(intact, response(""), 1 << 20));
    w2.write(Buffer.buffer("c".repeat(40_000)));
    assertThat(await(w2.commit(40_000))).isNotNull();
    Path file = await(disk.get(key)).bodyFile().path();
    flip(file, 25_000);

    DiskCache restarted = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);

    assertThat(restarted.stats().entries()).isEqualTo(2); // the size is right: found on first read
    assertThat(await(restarted.get(key))).isNull();
    assertThat(Files.exists(file)).isFalse();
    assertThat(restarted.corruptedFiles()).isEqualTo(1);
    CachedResponse good = await(restarted.get(intact));
    assertThat(good.bodyFile()).isNotNull();
    assertThat(good.bodyLength()).isEqualTo(40_000);
    assertThat(await(restarted.get(intact)).bodyFile()).isNotNull(); // checked once, then served
  }
}
