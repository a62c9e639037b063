package io.opencdn.edge.cache;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier: the shared tier contract, plus restart, atomic files and purge. */
class DiskCacheTest extends ResponseCacheContract {

  @TempDir Path dir;

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  @Override
  ResponseCache newCache(long budgetBytes, Clock clock) {
    return new DiskCache(vertx, dir, budgetBytes, clock, 0);
  }

  @Test
  void storedResponsesSurviveARestart() {
    DiskCache first = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey key = new CacheKey("h", "/kept");
    CachedResponse r = response(1000, 60);
    await(first.put(key, r));
    await(first.put(new CacheKey("h", "/other"), response(10, 60)));

    DiskCache second = new DiskCache(vertx, dir, 1 << 20, clock);

    CachedResponse back = await(second.get(key));
    assertThat(back).isEqualTo(r);
    assertThat(back.body().toString()).isEqualTo("x".repeat(1000));
    assertThat(second.stats().entries()).isEqualTo(2);
    assertThat(second.stats().bytes()).isEqualTo(first.stats().bytes());
  }

  @Test
  void restartDropsTemporaryAndCorruptFilesAndEnforcesASmallerBudget() throws IOException {
    DiskCache first = new DiskCache(vertx, dir, 1 << 20, clock);
    java.util.Set<Path> written = new java.util.HashSet<>();
    for (int i = 0; i < 10; i++) {
      await(first.put(new CacheKey("h", "/" + i), response(5_000, 60)));
      // a second apart, as entries written over time are: the kernel stamps files with a clock
      // of a few milliseconds' resolution, so back-to-back writes would share a time
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> !written.contains(p)).toList()) {
          Files.setLastModifiedTime(
              f, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L + i * 1000L));
          written.add(f);
        }
      }
    }
    Files.writeString(dir.resolve("put-123.tmp"), "half written");
    Files.writeString(dir.resolve("0000.entry"), "garbage");

    DiskCache second = new DiskCache(vertx, dir, 20_000, clock);

    assertThat(second.stats().bytes()).isLessThanOrEqualTo(20_000);
    assertThat(second.stats().entries()).isBetween(1L, 4L);
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(names)
          .noneMatch(n -> n.endsWith(".tmp"))
          .doesNotContain("0000.entry")
          .hasSize((int) second.stats().entries());
    }
    // the most recently written entries are the ones kept
    assertThat(await(second.get(new CacheKey("h", "/9")))).isNotNull();
  }

  @Test
  void anInvalidationDuringAWriteWins() throws IOException {
    DiskCache cache = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey key = new CacheKey("h", "/racing");

    io.vertx.core.Future<Void> put = cache.put(key, response(100_000, 60));
    await(cache.invalidate(key));
    await(put);

    assertThat(await(cache.get(key))).isNull();
    assertThat(cache.stats().entries()).isZero();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".entry")).count()).isZero();
    }
  }

  @Test
  void purgeRemovesMatchingKeysAndTheirFiles() throws IOException {
    DiskCache cache = new DiskCache(vertx, dir, 1 << 20, clock);
    await(cache.put(new CacheKey("h", "/img/a"), response(10, 60)));
    await(cache.put(new CacheKey("h", "/img/b"), response(10, 60)));
    await(cache.put(new CacheKey("h", "/css/c"), response(10, 60)));

    long removed = await(cache.purge(k -> k.target().startsWith("/img/")));

    assertThat(removed).isEqualTo(2);
    assertThat(await(cache.get(new CacheKey("h", "/img/a")))).isNull();
    assertThat(await(cache.get(new CacheKey("h", "/css/c")))).isNotNull();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.count()).isEqualTo(1);
    }
  }

  @Test
  void tieredCacheServesDiskHitsAfterARestartAndPromotesThem() {
    CacheKey key = new CacheKey("h", "/t");
    TieredCache before =
        new TieredCache(new MemoryCache(1 << 20, clock), new DiskCache(vertx, dir, 1 << 20, clock));
    await(before.put(key, response(100, 60)));
    io.opencdn.testing.Await.until(
        java.time.Duration.ofSeconds(5), () -> before.disk().stats().entries() == 1);

    TieredCache after =
        new TieredCache(new MemoryCache(1 << 20, clock), new DiskCache(vertx, dir, 1 << 20, clock));

    assertThat(await(after.memory().get(key))).isNull();
    assertThat(await(after.get(key)).body()).isEqualTo(Buffer.buffer("x".repeat(100)));
    assertThat(await(after.memory().get(key))).isNotNull();
  }

  @Test
  void variantsSurviveARestartAndAreStillInvalidatedWithTheirUrl() {
    DiskCache first = new DiskCache(vertx, dir, 1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");
    await(Variants.store(first, p, lang("en"), variant("en", 60)));
    await(Variants.store(first, p, lang("fr"), variant("fr", 60)));

    DiskCache second = new DiskCache(vertx, dir, 1 << 20, clock);

    assertThat(body(second, p, "en")).isEqualTo("lang=en");
    assertThat(body(second, p, "fr")).isEqualTo("lang=fr");
    await(second.invalidate(p));
    assertThat(second.stats().entries()).isZero();
    assertThat(new DiskCache(vertx, dir, 1 << 20, clock).stats().entries()).isZero();
  }

  List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  static String slice(CachedResponse.BodyFile f) throws IOException {
    byte[] all = Files.readAllBytes(f.path());
    return new String(
        all, (int) f.offset(), (int) f.length(), java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void aLargeEntryIsWrittenWhileItStreamsAndReadBackAsAFileReference() throws IOException {
    DiskCache disk = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);
    CacheKey key = new CacheKey("h", "/large");
    DiskEntryWriter w = await(disk.openLarge(key, response(0, 60), 1 << 20));
    w.write(Buffer.buffer("a".repeat(3000)));
    w.write(Buffer.buffer("b".repeat(2000)));
    CachedResponse published = await(w.commit(5000));

    assertThat(published.bodyFile()).isNotNull();
    CachedResponse back = await(disk.get(key));
    assertThat(back.body().length()).isZero();
    assertThat(back.bodyLength()).isEqualTo(5000);
    assertThat(slice(back.bodyFile())).isEqualTo("a".repeat(3000) + "b".repeat(2000));
    assertThat(back.header("Cache-Control")).isEqualTo("max-age=60");
    assertThat(disk.stats().entries()).isEqualTo(1);
    assertThat(disk.stats().bytes()).isGreaterThan(5000);
    // a small entry within maxInlineBytes still comes back with its body in memory
    await(disk.put(new CacheKey("h", "/small"), response(500, 60)));
    assertThat(await(disk.get(new CacheKey("h", "/small"))).bodyFile()).isNull();

    DiskCache restarted = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);
    assertThat(slice(await(restarted.get(key)).bodyFile()))
        .startsWith("aaa")
        .endsWith("bbb")
        .hasSize(5000);

    // replaced by a small response: the large file goes
    await(restarted.put(key, response(10, 60)));
    assertThat(await(restarted.get(key)).body().toString()).isEqualTo("x".repeat(10));
    assertThat(files(".entry")).hasSize(2);
  }

  @Test
  void aShortOrAbortedOrOversizedLargeEntryIsNeverPublished() throws IOException {
    DiskCache disk = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);
    DiskEntryWriter shortOne =
        await(disk.openLarge(new CacheKey("h", "/short"), response(0, 60), 1 << 20));
    shortOne.write(Buffer.buffer("s".repeat(100)));
    assertThat(await(shortOne.commit(200))).isNull();
    DiskEntryWriter aborted =
        await(disk.openLarge(new CacheKey("h", "/aborted"), response(0, 60), 1 << 20));
    aborted.write(Buffer.buffer("a".repeat(100)));
    aborted.abort();
    DiskEntryWriter oversized =
        await(disk.openLarge(new CacheKey("h", "/oversized"), response(0, 60), 150));
    oversized.write(Buffer.buffer("o".repeat(100)));
    oversized.write(Buffer.buffer("o".repeat(100)));
    assertThat(oversized.failed()).isTrue();
    assertThat(await(oversized.commit(200))).isNull();
    // invalidated while it was being written: dropped at commit
    CacheKey purged = new CacheKey("h", "/purged");
    DiskEntryWriter meanwhile = await(disk.openLarge(purged, response(0, 60), 1 << 20));
    meanwhile.write(Buffer.buffer("p".repeat(100)));
    await(disk.invalidate(purged));
    assertThat(await(meanwhile.commit(100))).isNull();

    io.opencdn.testing.Await.until(
        java.time.Duration.ofSeconds(5),
        () -> {
          try {
            return files(".tmp").isEmpty();
          } catch (IOException e) {
            return false;
          }
        });
    assertThat(files(".entry")).isEmpty();
    assertThat(disk.stats().entries()).isZero();
  }

  @Test
  void anInvalidationOnlyKeepsOutTheWritesStartedBeforeIt() throws IOException {
    // what a fill does after an aborted one: invalidate (the old copy makes way) while the aborted
    // writer's bookkeeping has not ended yet, then write anew
    DiskCache disk = new DiskCache(vertx, dir, 1 << 20, clock, 0, 1000);
    CacheKey key = new CacheKey("h", "/again.bin");
    DiskEntryWriter older = await(disk.openLarge(key, response(0, 60), 1 << 20));
    older.write(Buffer.buffer("o".repeat(100)));
    await(disk.invalidate(key));
    DiskEntryWriter newer = await(disk.openLarge(key, response(0, 60), 1 << 20));
    newer.write(Buffer.buffer("n".repeat(2000)));

    assertThat(await(older.commit(100))).as("the write the invalidation overtook").isNull();
    CachedResponse published = await(newer.commit(2000));
    assertThat(published).as("the write started after the invalidation").isNotNull();
    assertThat(slice(await(disk.get(key)).bodyFile())).isEqualTo("n".repeat(2000));
  }
}
