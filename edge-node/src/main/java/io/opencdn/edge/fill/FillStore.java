package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CacheControl;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.DiskCache;
import io.opencdn.edge.cache.DiskEntryWriter;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cache.Variants;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What a fill leaves in the cache, and the {@link FillOutcome} it hands to the requests that waited
 * for it: a new response stored with its {@code Vary} variant ({@link Variants#store}), a stored
 * response refreshed by a 304 (RFC 9111 4.3.4), or a large object published on disk by a {@link
 * TeeWriter} or {@link RangeTee}. It never talks to a client: the HTTP stage streams the response
 * and calls this with what it collected.
 *
 * <p>Large objects: with a disk tier ({@code largeObjects}, null without one) a storable response
 * over {@link CacheSettings#maxObjectBytes} and within {@link CacheSettings#diskMaxObjectBytes}
 * goes to a disk-only entry ({@link #openLarge}) that the memory tier never copies.
 */
public final class FillStore {

  private final ResponseCache cache;
  private final DiskCache largeObjects;
  private final CacheSettings settings;
  private final EdgeMetrics metrics;
  private final Compressor compressor = new Compressor();
  private final StreamEncoder.Meters meters;

  /**
   * @param cache where fills are stored (the edge's tiers, as the cluster sees them)
   * @param largeObjects the disk tier large objects are streamed into, or null
   * @param settings object size limits and the heuristic freshness cap
   * @param metrics counters of refreshes, passes and errors
   */
  public FillStore(
      ResponseCache cache, DiskCache largeObjects, CacheSettings settings, EdgeMetrics metrics) {
    this.cache = cache;
    this.largeObjects = largeObjects;
    this.settings = settings;
    this.metrics = metrics;
    this.meters =
        new StreamEncoder.Meters(
            metrics::compressQueued, metrics.compressInputBytes::add, metrics.compressStreamsOpen);
  }

  /** The object size limits and stale windows fills are stored with. */
  public CacheSettings settings() {
    return settings;
  }

  /** Whether responses over {@code maxObjectBytes} may go to a disk-only entry. */
  public boolean storesLargeObjects() {
    return largeObjects != null && settings.diskMaxObjectBytes() > settings.maxObjectBytes();
  }

  /**
   * The freshness lifetime {@code res} is stored with (RFC 9111 3 and 4.2), -1 when not storable.
   */
  public long lifetime(MultiMap requestHeaders, OriginResponse res) {
    return CachePolicy.storableLifetime(
        requestHeaders,
        res.status(),
        res.headers(),
        res.responseTimeMillis(),
        settings.heuristicMaxSeconds());
  }

  /**
   * The lifetime {@code res} is stored with under a behavior's cache {@code policy} ({@link
   * io.opencdn.common.distribution.TtlDecision}: CloudFront's min/default/max TTL over the origin's
   * directives for this tier), -1 when not stored; null policy: {@link #lifetime(MultiMap,
   * OriginResponse)}. A lifetime of 0 is stored only with a validator, to be revalidated.
   */
  public long lifetime(
      MultiMap requestHeaders,
      OriginResponse res,
      io.opencdn.common.distribution.CachePolicy policy) {
    if (policy == null) {
      return lifetime(requestHeaders, res);
    }
    if (!CachePolicy.CACHEABLE_STATUS.contains(res.status())) {
      return -1;
    }
    CacheControl cc = CacheControl.forThisTier(res.headers());
    boolean forbids = cc.has("no-store") || cc.has("no-cache") || cc.has("private");
    long ttl =
        io.opencdn.common.distribution.TtlDecision.decide(
                policy,
                forbids,
                CachePolicy.freshnessLifetime(cc, res.headers(), res.responseTimeMillis()))
            .seconds();
    return ttl != 0 ? ttl : CachePolicy.hasValidator(res.headers()) ? 0 : -1;
  }

  /** Drops what is stored for {@code key} (the fill's response replaces it, or is not storable). */
  public Future<Void> drop(CacheKey key) {
    return cache.invalidate(key);
  }

  /**
   * {@code stored} refreshed by a 304 (RFC 9111 4.3.4): its headers updated from the 304 (framing
   * fields kept), stored again, or dropped when no longer storable; served either way ({@code
   * RefreshHit}). The 304's body must have been discarded.
   */
  public Future<FillOutcome> refreshed(
      CacheKey key, CachedResponse stored, OriginResponse notModified, MultiMap requestHeaders) {
    MultiMap merged = stored.headersUpdatedBy(notModified.headers());
    Compressor.keepVariant(stored, merged);
    long lifetime =
        CachePolicy.storableLifetime(
            requestHeaders,
            stored.status(),
            merged,
            notModified.responseTimeMillis(),
            settings.heuristicMaxSeconds());
    CachedResponse entry =
        CachedResponse.of(
            stored.status(),
            merged,
            stored.body(),
            requestHeaders,
            notModified.requestTimeMillis(),
            notModified.responseTimeMillis(),
            Math.max(0, lifetime));
    metrics.refreshHits.increment();
    FillOutcome outcome = new FillOutcome.Shared(entry, "RefreshHit");
    return (lifetime < 0
            ? cache.invalidate(key)
            : Variants.store(cache, key, requestHeaders, entry).<Void>mapEmpty())
        .transform(v -> Future.succeededFuture(outcome));
  }

  /**
   * Stores the complete {@code body} of {@code res} ({@code Miss}), once the store ended either
   * way.
   */
  public Future<FillOutcome> store(
      CacheKey key, MultiMap requestHeaders, OriginResponse res, long lifetime, Buffer body) {
    CachedResponse entry = entry(res, body, requestHeaders, lifetime);
    FillOutcome outcome = new FillOutcome.Shared(entry, "Miss");
    return Variants.store(cache, key, requestHeaders, entry)
        .transform(v -> Future.succeededFuture(outcome));
  }

  /**
   * Stores {@code res} with its complete {@code body} compressed ({@link Compressor}, for a
   * behavior with {@code compress: true}): the identity, gzip and br entries as variants of the
   * URL, so that every later client gets a hit in its encoding. The outcome is the entry the
   * filling request selects ({@code Miss}). When encoding fails the body is stored as it came.
   */
  public Future<FillOutcome> compressed(
      CacheKey key, MultiMap requestHeaders, OriginResponse res, long lifetime, Buffer body) {
    return compressor
        .encode(body)
        .compose(
            enc -> storeVariants(key, requestHeaders, res, lifetime, body, enc),
            t -> store(key, requestHeaders, res, lifetime, body));
  }

  /**
   * A {@link StreamEncoder} for the body of {@code res} (its {@code Content-Length} at most {@link
   * io.opencdn.common.distribution.Compression#MAX_BYTES}), used by a {@link CompressTee} on the
   * current context; its encodings may not outgrow the memory tier's object limit.
   */
  public StreamEncoder encoder(OriginResponse res) {
    return compressor.streaming(res.contentLength(), settings.maxObjectBytes(), meters);
  }

  /**
   * What a {@link CompressTee} read: its identity body and encodings stored as in {@link
   * #compressed}, or, when the encodings were abandoned, the body as it came.
   */
  public Future<FillOutcome> compressedStreamed(
      CacheKey key,
      MultiMap requestHeaders,
      OriginResponse res,
      long lifetime,
      CompressTee.Streamed streamed) {
    if (streamed.encoded() == null) {
      metrics.compressionsAbandoned.increment();
      return store(key, requestHeaders, res, lifetime, streamed.body());
    }
    return storeVariants(key, requestHeaders, res, lifetime, streamed.body(), streamed.encoded());
  }

  private Future<FillOutcome> storeVariants(
      CacheKey key,
      MultiMap requestHeaders,
      OriginResponse res,
      long lifetime,
      Buffer body,
      Compressor.Encoded enc) {
    String wanted =
        Variants.normalizeAcceptEncoding(
            String.join(",", requestHeaders.getAll("Accept-Encoding")));
    metrics.compressedFills.increment();
    List<Compressor.Variant> variants =
        Compressor.variants(res, body, enc, requestHeaders, lifetime);
    CachedResponse served = variants.get(0).entry();
    Future<CacheKey> stored = Future.succeededFuture();
    for (Compressor.Variant v : variants) {
      if (v.coding().equals(wanted)) {
        served = v.entry();
      }
      stored =
          stored.compose(k -> Variants.store(cache, key.primary(), v.requestHeaders(), v.entry()));
    }
    FillOutcome outcome = new FillOutcome.Shared(served, "Miss");
    return stored.transform(v -> Future.succeededFuture(outcome));
  }

  /**
   * The outcome of a streamed fill ({@link TeeWriter} or {@link RangeTee}): the body kept in memory
   * is stored; a disk-only entry already published is handed to {@link ResponseCache#put} so the
   * layers above record it (surrogate keys, the cluster's directory and fill lease; the tiers do
   * not store it again); a body that was only streamed, or a large entry evicted or invalidated
   * meanwhile, is a {@link FillOutcome.Pass}; a broken body a {@link FillOutcome.Failed}.
   */
  public Future<FillOutcome> streamed(
      CacheKey key,
      MultiMap requestHeaders,
      OriginResponse res,
      long lifetime,
      AsyncResult<TeeWriter.Result> body) {
    if (body.failed()) {
      metrics.errors.increment();
      return Future.succeededFuture(new FillOutcome.Failed(FillException.from(body.cause())));
    }
    CachedResponse onDisk = body.result().onDisk();
    if (onDisk != null) {
      return cache
          .put(key, onDisk)
          .transform(
              v ->
                  Future.succeededFuture(
                      largeObjects.holds(key, onDisk.bodyFile().path())
                          ? new FillOutcome.Shared(onDisk, "Miss")
                          : new FillOutcome.Pass()));
    }
    if (body.result().body() == null) {
      metrics.passes.increment();
      return Future.succeededFuture(new FillOutcome.Pass());
    }
    return store(key, requestHeaders, res, lifetime, body.result().body());
  }

  /**
   * Opens a disk-only entry for a large object described by {@code head} (a null result when it
   * cannot); the old copy, in memory or on disk, makes way for it first.
   */
  public Future<DiskEntryWriter> openLarge(CacheKey key, CachedResponse head) {
    DiskCache disk = largeObjects;
    return cache
        .invalidate(key)
        .recover(t -> Future.succeededFuture())
        .compose(v -> disk.openLarge(key, head, settings.diskMaxObjectBytes()))
        .recover(t -> Future.succeededFuture());
  }

  /** The entry {@code res} with {@code body} is stored as. */
  public static CachedResponse entry(
      OriginResponse res, Buffer body, MultiMap requestHeaders, long lifetime) {
    return CachedResponse.of(
        res.status(),
        res.headers(),
        body,
        requestHeaders,
        res.requestTimeMillis(),
        res.responseTimeMillis(),
        lifetime);
  }
}
