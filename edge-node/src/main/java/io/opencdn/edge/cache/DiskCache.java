package io.opencdn.edge.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier: one file per stored response under {@code dir}, named by the SHA-256 of the key,
 * with a byte budget over the file sizes (least recently used files are deleted first). Writes go
 * to a temporary file that is synced to the disk ({@code fsync}) and then renamed into place
 * atomically, so a crash never leaves a partial entry under its real name. The in-memory index
 * (key, size, freshness) is rebuilt from the files' headers when the tier is constructed, so stored
 * responses survive a restart; unreadable files, files whose size is not exactly what their header
 * announces (truncated, or with bytes after the body) and left-over temporary files are deleted
 * then. File I/O runs on Vert.x worker threads.
 *
 * <p>Integrity: each file carries the CRC32C of its body ({@link DiskEntryFormat}). A body read
 * into memory (up to {@code maxInlineBytes}) is checked on every read; a large body served from its
 * file is checked once, on its first read after a start (files written by this process are known
 * good), and its size on every read. A file that fails is deleted and the lookup is a miss: a
 * corrupted entry is never served. Writes waiting for a worker thread hold at most {@link
 * #MAX_PENDING_WRITE_BYTES}; more are not written to disk (the memory tier still has them).
 *
 * <p>File format: {@link DiskEntryFormat}; the synced writes and checksum checks: {@link
 * DiskFiles}. The index, its budget and eviction, the secondary keys of {@code Vary} variants per
 * primary key (so {@link #invalidate} of a primary key removes every variant, {@link Variants}) and
 * the stamps that keep an invalidated object from being published by a write in flight: {@link
 * DiskIndex}.
 *
 * <p>Large objects ({@link #openLarge}): a body larger than {@code maxInlineBytes} is written to a
 * temporary file while it streams in ({@link DiskEntryWriter}), published under a name of its own
 * once complete, and returned by {@link #get} as a header-only {@link CachedResponse} whose {@link
 * CachedResponse#bodyFile()} points into the file, so it is never read whole into memory.
 */
public final class DiskCache implements ResponseCache {

  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
  private static final String SUFFIX = ".entry";

  /** Bytes of {@link #put} writes waiting for a worker thread at most; more are skipped. */
  public static final long MAX_PENDING_WRITE_BYTES = 64L << 20;

  private final Vertx vertx;
  private final Path dir;
  private final long budgetBytes;
  private final Clock clock;
  private final long staleRetentionMillis;
  private final long maxInlineBytes;
  private final AtomicLong sequence = new AtomicLong();
  private final DiskIndex index;
  private volatile Consumer<CacheKey> evicted;
  private final AtomicLong pendingWriteBytes = new AtomicLong();
  private final LongAdder skippedWrites = new LongAdder();
  private final LongAdder corrupted = new LongAdder();

  /** A tier keeping stale entries for {@link MemoryCache#DEFAULT_STALE_RETENTION_MILLIS}. */
  public DiskCache(Vertx vertx, Path dir, long budgetBytes, Clock clock) {
    this(vertx, dir, budgetBytes, clock, MemoryCache.DEFAULT_STALE_RETENTION_MILLIS);
  }

  /**
   * Opens (creating it if needed) the tier in {@code dir} and rebuilds its index from the files
   * there; blocks while it reads them, so call it at start-up, not on an event loop.
   */
  public DiskCache(
      Vertx vertx, Path dir, long budgetBytes, Clock clock, long staleRetentionMillis) {
    this(vertx, dir, budgetBytes, clock, staleRetentionMillis, DEFAULT_MAX_INLINE_BYTES);
  }

  /** Bodies up to this size are read into memory by {@link #get} unless told otherwise: 16 MiB. */
  public static final long DEFAULT_MAX_INLINE_BYTES = 16L << 20;

  /**
   * As above; {@link #get} reads bodies up to {@code maxInlineBytes} into memory and returns larger
   * ones as {@link CachedResponse#bodyFile()} references (use the memory tier's object limit).
   */
  public DiskCache(
      Vertx vertx,
      Path dir,
      long budgetBytes,
      Clock clock,
      long staleRetentionMillis,
      long maxInlineBytes) {
    this.maxInlineBytes = maxInlineBytes;
    this.vertx = vertx;
    this.dir = dir;
    this.budgetBytes = budgetBytes;
    this.clock = clock;
    this.staleRetentionMillis = staleRetentionMillis;
    this.index =
        new DiskIndex(
            budgetBytes,
            key -> {
              Consumer<CacheKey> l = evicted;
              if (l != null) {
                l.accept(key);
              }
            });
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the disk cache directory " + dir, e);
    }
    rebuildIndex();
  }

  private void rebuildIndex() {
    List<Map.Entry<Long, Map.Entry<CacheKey, DiskIndex.Meta>>> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(f);
          continue;
        }
        if (!name.endsWith(SUFFIX)) {
          continue;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 8192)) {
          DiskEntryFormat.Stored stored = DiskEntryFormat.read(in, -1);
          CachedResponse r = stored.response();
          CacheKey key = stored.key();
          long size = Files.size(f);
          if (size != stored.fileSize()) {
            throw new IOException(
                "size " + size + " instead of " + stored.fileSize() + " (truncated or overlong)");
          }
          found.add(
              new AbstractMap.SimpleEntry<>(
                  Files.getLastModifiedTime(f).toMillis(),
                  new AbstractMap.SimpleEntry<>(
                      key, new DiskIndex.Meta(f, size, freshUntil(r), false))));
        } catch (IOException | RuntimeException e) {
          corrupted.increment();
          LOG.warn("disk cache: dropping unreadable {}: {}", f, e.toString());
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the disk cache directory " + dir, e);
    }
    found.sort(Map.Entry.comparingByKey());
    index.load(found.stream().map(Map.Entry::getValue).toList());
    CacheStats loaded = index.stats();
    LOG.info(
        "disk cache {}: {} entries, {} bytes of {}",
        dir,
        loaded.entries(),
        loaded.bytes(),
        budgetBytes);
  }

  private long freshUntil(CachedResponse r) {
    return clock.millis() + r.remainingFreshMillis(clock.millis());
  }

  @Override
  public Future<CachedResponse> get(CacheKey key) {
    DiskIndex.Meta meta = index.lookup(key, clock.millis(), staleRetentionMillis);
    if (meta == null) {
      return Future.succeededFuture();
    }
    Path file = meta.file();
    boolean verified = meta.verified();
    return vertx
        .<CachedResponse>executeBlocking(
            () -> {
              DiskEntryFormat.Stored s;
              try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
                s =
                    DiskEntryFormat.read(
                        in, maxInlineBytes); // a body read here is checked against its checksum
              }
              if (s.bodyLength() <= maxInlineBytes) {
                return s.response();
              }
              if (Files.size(file) != s.fileSize()) {
                throw new IOException("size " + Files.size(file) + " instead of " + s.fileSize());
              }
              if (!verified) {
                DiskFiles.verify(file, s);
                index.markVerified(key, file);
              }
              return s.response()
                  .withBodyFile(new CachedResponse.BodyFile(file, s.bodyOffset(), s.bodyLength()));
            },
            false)
        .recover(
            t -> {
              if (!(t instanceof java.nio.file.NoSuchFileException)) {
                corrupted.increment();
                LOG.warn("disk cache: dropping {} ({}): {}", file, key, t.toString());
              }
              index.dropIfIn(key, file);
              return Future.succeededFuture();
            });
  }

  /**
   * Stores {@code response} in a file of its own (written, synced, renamed into place); skipped
   * when more than {@link #MAX_PENDING_WRITE_BYTES} already wait for the disk.
   */
  @Override
  public Future<Void> put(CacheKey key, CachedResponse response) {
    if (response.bodyFile() != null) {
      return Future.succeededFuture(); // a large entry: already stored by its DiskEntryWriter
    }
    long weight = response.bodyLength() + 1024;
    if (pendingWriteBytes.addAndGet(weight) > MAX_PENDING_WRITE_BYTES) {
      pendingWriteBytes.addAndGet(-weight);
      skippedWrites.increment();
      return Future.succeededFuture();
    }
    Path file = dir.resolve(fileName(key));
    long freshUntil = freshUntil(response);
    long started = index.startWriting(key);
    return vertx
        .<Void>executeBlocking(
            () -> {
              byte[] data = DiskEntryFormat.write(key, response);
              if (data.length > budgetBytes) {
                return null;
              }
              Path tmp = DiskFiles.writeSynced(dir, data);
              try {
                Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
              } finally {
                Files.deleteIfExists(tmp);
              }
              // invalidated while this write was in flight: the object must not come back
              index.publish(
                  key, new DiskIndex.Meta(file, data.length, freshUntil, true), started, true);
              return null;
            },
            false)
        .andThen(
            ar -> {
              pendingWriteBytes.addAndGet(-weight);
              index.doneWriting(key);
            });
  }

  /**
   * Writes not made because too many bytes waited for the disk ({@link #MAX_PENDING_WRITE_BYTES}).
   */
  public long skippedWrites() {
    return skippedWrites.sum();
  }

  /** Files dropped on read because they were truncated or did not match their checksum. */
  public long corruptedFiles() {
    return corrupted.sum();
  }

  @Override
  public Future<Void> invalidate(CacheKey key) {
    index.invalidate(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> purge(Predicate<CacheKey> matching) {
    return Future.succeededFuture(index.purge(matching));
  }

  /**
   * Starts a large entry for {@code key}: a temporary file in the tier's directory with the header
   * of {@code head} (its body is ignored); the body is written as it streams in and the entry is
   * published by {@link DiskEntryWriter#commit}. Must be called on a Vert.x context (the writes run
   * on its ordered worker queue). A body over {@code maxBodyBytes} is not published.
   */
  public Future<DiskEntryWriter> openLarge(CacheKey key, CachedResponse head, long maxBodyBytes) {
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    long started = index.startWriting(key);
    long freshUntil = freshUntil(head);
    return ctx.<DiskEntryWriter>executeBlocking(
            () -> {
              Path tmp = Files.createTempFile(dir, "large-", ".tmp");
              try {
                return new DiskEntryWriter(
                    this,
                    ctx,
                    key,
                    tmp,
                    DiskEntryFormat.header(key, head),
                    head,
                    freshUntil,
                    Math.min(maxBodyBytes, budgetBytes),
                    started);
              } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
              }
            },
            true)
        .onFailure(t -> index.doneWriting(key));
  }

  /**
   * Publishes a complete large entry (on a worker thread): moves {@code tmp} to a name of its own
   * and indexes it, unless it exceeds the budget or the key was invalidated meanwhile. Yields the
   * final file, or null when the entry was dropped (then {@code tmp} is deleted).
   */
  Path publishLarge(CacheKey key, Path tmp, long size, long freshUntil, long started)
      throws IOException {
    try {
      if (size > budgetBytes) {
        return null;
      }
      String hash = fileName(key).substring(0, fileName(key).length() - SUFFIX.length());
      Path file =
          dir.resolve(
              hash
                  + "-"
                  + Long.toHexString(System.nanoTime())
                  + "-"
                  + sequence.incrementAndGet()
                  + SUFFIX);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      // checksummed and synced while written
      return index.publish(key, new DiskIndex.Meta(file, size, freshUntil, true), started, false)
          ? file
          : null;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * True while {@code key} is stored in {@code file} (a large entry not evicted nor invalidated).
   */
  public boolean holds(CacheKey key, Path file) {
    return index.holds(key, file);
  }

  /**
   * Ends the bookkeeping of one write of {@code key} (started by {@link #put} or {@link
   * #openLarge}).
   */
  void doneWriting(CacheKey key) {
    index.doneWriting(key);
  }

  @Override
  public CacheStats stats() {
    return index.stats();
  }

  @Override
  public void onEviction(Consumer<CacheKey> listener) {
    this.evicted = listener;
  }

  static String fileName(CacheKey key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.toString().getBytes(StandardCharsets.UTF_8)))
          + SUFFIX;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
