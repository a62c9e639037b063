package io.opencdn.edge.cluster;

import io.opencdn.common.cluster.ClaimResult;
import io.opencdn.common.cluster.FillLease;
import io.opencdn.common.cluster.Holder;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cluster.peer.PeerClient;
import io.opencdn.edge.cluster.peer.PeerEndpoint;
import io.opencdn.edge.cluster.purge.PurgeLog;
import io.opencdn.edge.config.PeerScope;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.FillsInProgress;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's part of a cache fill, the last filler of the edge's chain, wrapping the origin
 * filler: one origin request per key in the whole cluster, and peers before the origin.
 *
 * <p>Each fill (already collapsed within this edge) makes one cluster operation before it fetches,
 * a {@link ClusterDirectory#claim claim} on the key's partition, which answers with one of three
 * things. The lease: fetch from the origin. Holders of a fresh copy within the {@link PeerScope}:
 * fetch from the first that serves it (a holder that does not is named stale in the next claim,
 * which drops it). Another edge's lease: ask that edge for the object with {@code wait}, which
 * joins its fill in progress and is answered once it is stored there, in any region unless the
 * scope is {@code off} (one origin request per key beats a shorter peer path). After {@code
 * maxAttempts} claims the fill goes to the origin regardless. A claim slower than {@code
 * opTimeoutMillis} (a cluster in trouble) is given up and the fill goes to the origin without a
 * lease. With scope {@code off} there is no claim at all: every edge fills from the origin,
 * collapsed within the edge only.
 *
 * <p>Nothing else waits on the cluster: the copy is announced and the lease released in one
 * operation once the object is stored here ({@link #stored}, called by {@link ClusterCache}), sent
 * without waiting for it; a fill that ends without storing (error, not storable, broken body)
 * releases the lease when the local fill ends. Each fill also remembers the {@link PurgeLog}
 * generation it began at, so an object purged during its fill is not kept.
 */
public final class ClusterFiller implements Filler {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterFiller.class);

  private record Ticket(long generation, FillLease lease) {}

  private final Filler origin;
  private final ClusterDirectory directory;
  private final PeerClient peers;
  private final PeerScope scope;
  private final PurgeLog purges;
  private final FillsInProgress fills;
  private final Clock clock;
  private final int maxAttempts;
  private final long opTimeoutMillis;
  private final long waitMillis;
  private final Map<CacheKey, Ticket> tickets = new ConcurrentHashMap<>();
  final LongAdder peerFills = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder leasedOriginFills = new LongAdder();

  /**
   * @param fills this edge's fills in progress (a lease whose fill ends unstored is released then)
   * @param maxAttempts claims before a fill goes to the origin regardless
   * @param opTimeoutMillis longest wait for a claim
   * @param waitMillis longest wait for another edge's fill in progress
   */
  public ClusterFiller(
      Filler origin,
      ClusterDirectory directory,
      PeerClient peers,
      PeerScope scope,
      PurgeLog purges,
      FillsInProgress fills,
      Clock clock,
      int maxAttempts,
      long opTimeoutMillis,
      long waitMillis) {
    this.origin = origin;
    this.directory = directory;
    this.peers = peers;
    this.scope = scope;
    this.purges = purges;
    this.fills = fills;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.opTimeoutMillis = opTimeoutMillis;
    this.waitMillis = waitMillis;
  }

  @Override
  public Future<OriginResponse> fetch(CacheKey key, OriginRequest request) {
    long generation = purges.current();
    if (scope == PeerScope.OFF) {
      return fromOrigin(key, request, new Ticket(generation, null));
    }
    return attempt(key, request, generation, 1, List.of());
  }

  /** Fills served by a peer so far. */
  public long peerFills() {
    return peerFills.sum();
  }

  /** Fills that joined another edge's fill in progress. */
  public long leaseWaits() {
    return leaseWaits.sum();
  }

  /** Fills begun and not yet stored or ended (bounded by the fills in progress). */
  public int pendingTickets() {
    return tickets.size();
  }

  /** Origin fills made under a cluster lease. */
  public long leasedOriginFills() {
    return leasedOriginFills.sum();
  }

  /**
   * Called after {@code response} was stored under {@code key}: false when a purge covering it
   * happened since its fill began, or was issued after the object was first fetched from the origin
   * (a peer's outdated copy): the caller must drop it; otherwise announces the copy in the
   * directory and releases the fill's lease, in one operation that nobody waits for.
   */
  public boolean stored(CacheKey key, CachedResponse response, List<String> tags) {
    Ticket t = tickets.remove(key);
    boolean purged = t != null && purges.purgedSince(t.generation(), key, tags);
    if (purged || purges.purgedAfter(PeerEndpoint.bornMillis(response), key, tags)) {
      release(key, t);
      return false;
    }
    long expires = clock.millis() + response.remainingFreshMillis(clock.millis());
    directory
        .stored(key, expires, t == null ? null : t.lease())
        .onFailure(e -> LOG.debug("announcing {} failed: {}", key, e.toString()));
    return true;
  }

  private Future<OriginResponse> attempt(
      CacheKey key, OriginRequest request, long generation, int n, List<String> stale) {
    Future<ClaimResult> claiming =
        directory.claim(key, scope == PeerScope.REGION ? directory.region() : null, stale);
    return claiming
        .timeout(opTimeoutMillis, TimeUnit.MILLISECONDS)
        .recover(
            slow -> {
              // the claim may still complete later (its partition was on an unreachable member):
              // free a
              // lease granted that late, nobody will use it
              claiming.onSuccess(
                  late -> {
                    if (late.granted()) {
                      directory.release(key, late.lease());
                    }
                  });
              return Future.failedFuture(slow);
            })
        .compose(
            claim -> {
              if (claim.granted()) {
                leasedOriginFills.increment();
                return fromOrigin(key, request, new Ticket(generation, claim.lease()));
              }
              boolean last = n >= maxAttempts;
              if (!claim.holders().isEmpty()) {
                List<String> tried = new ArrayList<>(stale);
                List<Holder> holders = new ArrayList<>();
                for (Holder h : claim.holders()) {
                  if (directory.authentic(key, h)) {
                    holders.add(h);
                  }
                  tried.add(h.edgeId());
                }
                holders.sort(
                    Comparator.comparing((Holder h) -> !h.region().equals(directory.region()))
                        .thenComparing(Comparator.comparingLong(Holder::expiresMillis).reversed()));
                return tryPeers(holders, 0, key, request)
                    .compose(
                        peer ->
                            peer != null
                                ? viaPeer(key, generation, peer)
                                : last
                                    ? fromOrigin(key, request, new Ticket(generation, null))
                                    : attempt(key, request, generation, n + 1, tried));
              }
              FillLease other = claim.lease();
              if (other == null || !directory.authentic(key, other)) {
                // a lease nobody with the secret took: ignore it rather than wait on it
                return fromOrigin(key, request, new Ticket(generation, null));
              }
              leaseWaits.increment();
              return peers
                  .fetch(other.host(), other.port(), key, request, waitMillis)
                  .recover(t -> Future.succeededFuture(null))
                  .compose(
                      peer ->
                          peer != null
                              ? viaPeer(key, generation, peer)
                              : last
                                  ? fromOrigin(key, request, new Ticket(generation, null))
                                  : attempt(key, request, generation, n + 1, stale));
            },
            failure -> {
              LOG.debug(
                  "claim of {} unavailable ({}); filling without a lease", key, failure.toString());
              return fromOrigin(key, request, new Ticket(generation, null));
            });
  }

  private Future<OriginResponse> viaPeer(CacheKey key, long generation, OriginResponse peer) {
    peerFills.increment();
    Ticket ticket = new Ticket(generation, null);
    tickets.put(key, ticket);
    forgetWhenDone(key, ticket);
    return Future.succeededFuture(peer);
  }

  /**
   * Drops {@code ticket} when the local fill of {@code key} ends without storing (a copy too large
   * to keep, a body that broke off), releasing its lease: a ticket never outlives its fill.
   */
  private void forgetWhenDone(CacheKey key, Ticket ticket) {
    Future<?> fill = fills.inFlight(key);
    if (fill == null) {
      if (tickets.remove(key, ticket)) {
        release(key, ticket);
      }
    } else {
      fill.onComplete(
          done -> {
            if (tickets.remove(key, ticket)) {
              release(key, ticket);
            }
          });
    }
  }

  private Future<OriginResponse> fromOrigin(CacheKey key, OriginRequest request, Ticket ticket) {
    tickets.put(key, ticket);
    return origin
        .fetch(key, request)
        .andThen(
            ar -> {
              if (ar.failed() || ar.result() == null || !willBeStored(request, ar.result())) {
                if (tickets.remove(key, ticket)) {
                  release(key, ticket);
                }
              } else {
                // a fill that ends without storing (broken body, too large) frees the lease then
                forgetWhenDone(key, ticket);
              }
            });
  }

  private static boolean willBeStored(OriginRequest request, OriginResponse res) {
    return res.status() == 304
        || CachePolicy.storableLifetime(
                request.headers(), res.status(), res.headers(), res.responseTimeMillis())
            >= 0;
  }

  private void release(CacheKey key, Ticket t) {
    if (t != null && t.lease() != null) {
      directory
          .release(key, t.lease())
          .onFailure(e -> LOG.debug("releasing lease of {} failed: {}", key, e.toString()));
    }
  }

  private Future<OriginResponse> tryPeers(
      List<Holder> holders, int i, CacheKey key, OriginRequest request) {
    if (i >= holders.size()) {
      return Future.succeededFuture(null);
    }
    Holder h = holders.get(i);
    return peers
        .fetch(h.host(), h.port(), key, request, 0)
        .recover(t -> Future.succeededFuture(null))
        .compose(
            r -> r != null ? Future.succeededFuture(r) : tryPeers(holders, i + 1, key, request));
  }
}
