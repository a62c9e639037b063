package io.opencdn.edge.cluster;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.peer.CacheDirectory;
import io.opencdn.edge.peer.Holder;
import io.opencdn.edge.peer.PeerClient;
import io.opencdn.edge.peer.PeerEndpoint;
import io.opencdn.edge.peer.PeerScope;
import io.opencdn.edge.purge.PurgeLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's part of a cache fill, placed first in the edge's filler chain and wrapping the
 * origin filler: one origin request per key in the whole cluster, and peers before the origin.
 *
 * <p>For each fill (already collapsed within this edge): take the key's {@link FillLeases lease};
 * with it, ask the peers holding a fresh copy ({@link CacheDirectory}, within the
 * {@link PeerScope}), else fetch from the origin while holding the lease. Without it, wait until
 * the lease is gone (released, expired or its holder left), ask the peers again, in any region
 * unless the scope is {@code off} (the filler has announced its copy by then, and one origin
 * request per key beats a shorter peer path), and otherwise try to take the lease again; after
 * {@code maxAttempts} waits go to the origin regardless.
 *
 * <p>The lease is kept until the object is stored here ({@link #stored}, called by
 * {@link ClusterCache}: the copy is announced, then the lease released, so waiters find it) or,
 * when the answer will not be stored (error, not storable), released at once; at most
 * {@code holdMillis} after the headers arrived in any case. Each fill also remembers the
 * {@link PurgeLog} generation it began at, so an object purged during its fill is not kept.
 * A lease or directory operation that takes longer than {@code opTimeoutMillis} (a cluster in
 * trouble) is given up: the fill goes to the origin without the lease.
 */
public final class ClusterFiller implements Filler {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterFiller.class);

  private record Ticket(long generation, FillLease lease) {}

  private final Vertx vertx;
  private final Filler origin;
  private final FillLeases leases;
  private final CacheDirectory directory;
  private final PeerClient peers;
  private final PeerScope scope;
  private final PurgeLog purges;
  private final Clock clock;
  private final long holdMillis;
  private final int maxAttempts;
  private final long opTimeoutMillis;
  private final Map<CacheKey, Ticket> tickets = new ConcurrentHashMap<>();
  final LongAdder peerFills = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder leasedOriginFills = new LongAdder();

  public ClusterFiller(Vertx vertx, Filler origin, FillLeases leases, CacheDirectory directory, PeerClient peers,
      PeerScope scope, PurgeLog purges, Clock clock, long holdMillis, int maxAttempts, long opTimeoutMillis) {
    this.opTimeoutMillis = opTimeoutMillis;
    this.vertx = vertx;
    this.origin = origin;
    this.leases = leases;
    this.directory = directory;
    this.peers = peers;
    this.scope = scope;
    this.purges = purges;
    this.clock = clock;
    this.holdMillis = holdMillis;
    this.maxAttempts = maxAttempts;
  }

  @Override
  public Future<OriginResponse> fetch(CacheKey key, OriginRequest request) {
    Context ctx = vertx.getOrCreateContext();
    long generation = purges.current();
    Promise<OriginResponse> p = Promise.promise();
    attempt(key, request, generation, 0).onComplete(ar -> ctx.runOnContext(v -> p.handle(ar)));
    return p.future();
  }

  /** Fills served by a peer so far. */
  public long peerFills() {
    return peerFills.sum();
  }

  /** Fills that waited for another edge's lease. */
  public long leaseWaits() {
    return leaseWaits.sum();
  }

  /** Origin fills made under a cluster lease. */
  public long leasedOriginFills() {
    return leasedOriginFills.sum();
  }

  /**
   * Called after {@code response} was stored under {@code key}: false when a purge covering it
   * happened since its fill began, or was issued after the object was first fetched from the
   * origin (a peer's outdated copy): the caller must drop it; otherwise announces the copy in the
   * directory and then releases the fill's lease.
   */
  public boolean stored(CacheKey key, CachedResponse response, List<String> tags) {
    Ticket t = tickets.remove(key);
    boolean purged = t != null && purges.purgedSince(t.generation(), key, tags);
    if (purged || purges.purgedAfter(PeerEndpoint.bornMillis(response), key, tags)) {
      release(key, t);
      return false;
    }
    long expires = clock.millis() + response.remainingFreshMillis(clock.millis());
    directory.announce(key, expires)
        .onFailure(e -> LOG.debug("announce {} failed: {}", key, e.toString()))
        .onComplete(v -> release(key, t));
    return true;
  }

  private Future<OriginResponse> attempt(CacheKey key, OriginRequest request, long generation, int n) {
    Future<FillLease> acquiring = leases.tryAcquire(key);
    return acquiring.timeout(opTimeoutMillis, TimeUnit.MILLISECONDS).recover(slow -> {
      // the acquire may still complete later (e.g. its partition was on an unreachable member):
      // free a lease taken that late, nobody will use it
      acquiring.onSuccess(late -> {
        if (late != null) {
          leases.release(key, late);
        }
      });
      return Future.failedFuture(slow);
    }).compose(lease -> {
      if (lease != null) {
        return fromPeers(key, request, scope).compose(peer -> {
          if (peer != null) {
            leases.release(key, lease);
            return viaPeer(key, generation, peer);
          }
          leasedOriginFills.increment();
          return fromOrigin(key, request, new Ticket(generation, lease));
        });
      }
      if (n >= maxAttempts) {
        return fromOrigin(key, request, new Ticket(generation, null));
      }
      leaseWaits.increment();
      // after waiting for another edge's fill, its copy is fetched even outside a region scope:
      // one origin request per key in the cluster beats a shorter peer path
      return leases.awaitRelease(key)
          .compose(v -> fromPeers(key, request, scope == PeerScope.OFF ? PeerScope.OFF : PeerScope.ANY))
          .compose(peer -> peer != null ? viaPeer(key, generation, peer) : attempt(key, request, generation, n + 1));
    }, failure -> {
      LOG.debug("fill lease for {} unavailable ({}); filling without it", key, failure.toString());
      return fromOrigin(key, request, new Ticket(generation, null));
    });
  }

  private Future<OriginResponse> viaPeer(CacheKey key, long generation, OriginResponse peer) {
    peerFills.increment();
    tickets.put(key, new Ticket(generation, null));
    return Future.succeededFuture(peer);
  }

  private Future<OriginResponse> fromOrigin(CacheKey key, OriginRequest request, Ticket ticket) {
    tickets.put(key, ticket);
    return origin.fetch(key, request).andThen(ar -> {
      if (ar.failed() || ar.result() == null || !willBeStored(request, ar.result())) {
        release(key, tickets.remove(key));
      } else if (ticket.lease() != null) {
        vertx.setTimer(holdMillis, id -> {
          if (tickets.remove(key, ticket)) {
            release(key, ticket);
          }
        });
      }
    });
  }

  private static boolean willBeStored(OriginRequest request, OriginResponse res) {
    return res.status() == 304
        || CachePolicy.storableLifetime(request.headers(), res.status(), res.headers(), res.responseTimeMillis()) >= 0;
  }

  private void release(CacheKey key, Ticket t) {
    if (t != null && t.lease() != null) {
      leases.release(key, t.lease()).onFailure(e -> LOG.debug("releasing lease of {} failed: {}", key, e.toString()));
    }
  }

  /** The first peer in scope that serves a fresh copy, or a null result. */
  private Future<OriginResponse> fromPeers(CacheKey key, OriginRequest request, PeerScope scope) {
    return directory.peers(key, scope).timeout(opTimeoutMillis, TimeUnit.MILLISECONDS)
        .recover(t -> Future.succeededFuture(List.of()))
        .compose(holders -> tryPeers(holders, 0, key, request));
  }

  private Future<OriginResponse> tryPeers(List<Holder> holders, int i, CacheKey key, OriginRequest request) {
    if (i >= holders.size()) {
      return Future.succeededFuture(null);
    }
    return peers.fetch(holders.get(i), key, request)
        .recover(t -> Future.succeededFuture(null))
        .compose(r -> r != null ? Future.succeededFuture(r) : tryPeers(holders, i + 1, key, request));
  }
}
