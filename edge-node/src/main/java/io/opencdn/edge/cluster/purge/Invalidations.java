package io.opencdn.edge.cluster.purge;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import io.opencdn.common.cluster.ClusterFutures;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.RecordCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide invalidations with receipts. {@link #submit} records the request in {@link #RECORDS}
 * together with the edges live at that moment, then publishes it on the reliable topic {@link
 * #TOPIC}. Every edge's listener applies it locally (through the {@code purger}) and adds its
 * acknowledgement to {@link #ACKS}. {@link #status} is {@code Completed} once every expected edge
 * that is still live has acknowledged, {@code InProgress} before.
 *
 * <p>An edge is live when its {@link EdgeRecord} is in {@code edges} and its member is in the
 * cluster. Records and acknowledgements expire after {@code retentionMillis}.
 *
 * <p>Everything is signed with the cluster's record key and checked where it is read: a request on
 * the topic is applied only when {@link PurgeGuard} admits it (authentic, recent, not a replay);
 * the status counts only an authentic {@link InvalidationRecord} (else the invalidation is
 * unknown), authentic receipts and authentic registry entries. A member without the cluster secret
 * can thus neither purge nor make an invalidation look completed.
 */
public final class Invalidations {

  /** {@code ReliableTopic<PurgeRequest>}: purge requests broadcast to every edge. */
  public static final String TOPIC = ClusterMaps.PURGES;

  /**
   * {@code IMap<String, InvalidationRecord>}: invalidation id to its request and expected edges.
   */
  public static final String RECORDS = ClusterMaps.INVALIDATIONS;

  /** {@code IMap<String, PurgeAcks>}: invalidation id to the edges that have purged. */
  public static final String ACKS = ClusterMaps.PURGE_ACKS;

  private static final Logger LOG = LoggerFactory.getLogger(Invalidations.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final String edgeId;
  private final Clock clock;
  private final Function<PurgeRequest, Future<?>> purger;
  private final long retentionMillis;
  private final IMap<String, InvalidationRecord> records;
  private final IMap<String, HashMap<String, PurgeAck.Receipt>> acks;

  /**
   * The registry: values are {@link EdgeRecord}s, or whatever a member without the secret wrote.
   */
  private final IMap<Object, Object> edges;

  private final ITopic<PurgeRequest> topic;
  private final PurgeGuard guard;
  private final RecordCheck check;
  private final RecordCheck edgeCheck;
  private UUID listener;

  /**
   * @param edgeId this edge (acknowledges purges under this id)
   * @param purger applies one request to this edge's cache; the acknowledgement follows its success
   * @param check signs and checks requests, records and receipts (and counts those ignored)
   * @param edgeCheck checks the registry entries read for the live edges
   */
  public Invalidations(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      Clock clock,
      Function<PurgeRequest, Future<?>> purger,
      long retentionMillis,
      RecordCheck check,
      RecordCheck edgeCheck) {
    this.check = check;
    this.edgeCheck = edgeCheck;
    this.guard = new PurgeGuard(check, clock);
    this.vertx = vertx;
    this.hz = hz;
    this.edgeId = edgeId;
    this.clock = clock;
    this.purger = purger;
    this.retentionMillis = retentionMillis;
    this.records = hz.getMap(RECORDS);
    this.acks = hz.getMap(ACKS);
    this.edges = hz.getMap(ClusterMaps.EDGES);
    this.topic = hz.getReliableTopic(TOPIC);
  }

  /** Subscribes to purge requests (from now on). */
  public Invalidations start() {
    listener = topic.addMessageListener(new Listener());
    return this;
  }

  /** Unsubscribes. */
  public void stop() {
    if (listener != null && hz.getLifecycleService().isRunning()) {
      try {
        topic.removeMessageListener(listener);
      } catch (RuntimeException e) {
        LOG.debug("unsubscribing from purges failed: {}", e.toString());
      }
    }
  }

  /**
   * Accepts an invalidation: records it, broadcasts it and yields its status (InProgress at first).
   */
  public Future<JsonObject> submit(String host, List<String> paths, List<String> surrogateKeys) {
    PurgeRequest request =
        new PurgeRequest(UUID.randomUUID().toString(), host, paths, surrogateKeys, clock.millis())
            .signed(check.mac());
    return liveEdges()
        .compose(
            live ->
                ClusterFutures.on(
                    vertx,
                    records.setAsync(
                        request.id(),
                        new InvalidationRecord(request, live).signed(check.mac()),
                        retentionMillis,
                        TimeUnit.MILLISECONDS)))
        .compose(v -> ClusterFutures.on(vertx, topic.publishAsync(request)))
        .compose(v -> status(request.id()));
  }

  /** The status of invalidation {@code id}, or a null result when unknown. */
  public Future<JsonObject> status(String id) {
    return ClusterFutures.on(vertx, records.getAsync(id))
        .compose(
            stored -> {
              Object o = stored; // what a member without the secret wrote may be of any type
              if (o == null
                  || !check.accept(
                      o instanceof InvalidationRecord r && r.authentic(check.mac(), id), true)) {
                return Future.succeededFuture(null);
              }
              InvalidationRecord rec = (InvalidationRecord) o;
              return ClusterFutures.on(vertx, acks.getAsync(id))
                  .compose(
                      a ->
                          liveEdges()
                              .map(
                                  live -> {
                                    Map<String, Long> acked = new HashMap<>();
                                    if (a != null) {
                                      ((Map<String, ?>) a)
                                          .forEach(
                                              (edge, value) -> {
                                                // what a member without the secret wrote may be of
                                                // any type
                                                if (check.accept(
                                                    value instanceof PurgeAck.Receipt receipt
                                                        && receipt.authentic(check.mac(), id, edge),
                                                    true)) {
                                                  acked.put(
                                                      edge, ((PurgeAck.Receipt) value).atMillis());
                                                }
                                              });
                                    }
                                    Set<String> pending = new TreeSet<>(rec.expectedEdges());
                                    pending.retainAll(live);
                                    pending.removeAll(acked.keySet());
                                    PurgeRequest r = rec.request();
                                    JsonObject json =
                                        new JsonObject()
                                            .put("id", r.id())
                                            .put(
                                                "status",
                                                pending.isEmpty() ? "Completed" : "InProgress")
                                            .put("host", r.host())
                                            .put("paths", new JsonArray(r.paths()))
                                            .put("surrogateKeys", new JsonArray(r.surrogateKeys()))
                                            .put("createdMillis", r.createdMillis())
                                            .put(
                                                "acknowledged",
                                                new JsonArray(
                                                    List.copyOf(new TreeSet<>(acked.keySet()))))
                                            .put("pending", new JsonArray(List.copyOf(pending)));
                                    if (pending.isEmpty()) {
                                      acked.values().stream()
                                          .mapToLong(Long::longValue)
                                          .max()
                                          .ifPresent(
                                              t ->
                                                  json.put(
                                                      "completedMillis",
                                                      Math.max(t, r.createdMillis())));
                                    }
                                    return json;
                                  }));
            });
  }

  /** The check of requests, records and receipts read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  /**
   * Ids of the live edges: in {@code edges} (authentic) with a member that is still in the cluster.
   */
  public Future<Set<String>> liveEdges() {
    Set<String> members =
        hz.getCluster().getMembers().stream()
            .map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    return vertx.executeBlocking(
        () ->
            edges.entrySet().stream()
                .filter(
                    e ->
                        edgeCheck.accept(
                            e.getKey() instanceof String k
                                && e.getValue() instanceof EdgeRecord r
                                && r.authentic(edgeCheck.mac(), k),
                            true))
                .map(e -> (EdgeRecord) e.getValue())
                .filter(e -> members.contains(e.memberUuid()))
                .map(EdgeRecord::id)
                .collect(Collectors.toSet()),
        false);
  }

  private void apply(PurgeRequest request) {
    Future<?> done;
    try {
      done = purger.apply(request);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.compose(
            v ->
                ClusterFutures.on(
                    vertx,
                    acks.submitToKey(
                        request.id(),
                        new PurgeAck(
                            edgeId,
                            PurgeAck.Receipt.signed(
                                check.mac(), request.id(), edgeId, clock.millis()),
                            retentionMillis))))
        .onFailure(
            t -> LOG.warn("edge {}: purge {} failed: {}", edgeId, request.id(), t.toString()));
  }

  private final class Listener implements ReliableMessageListener<PurgeRequest> {
    @Override
    public void onMessage(Message<PurgeRequest> message) {
      Object o = message.getMessageObject();
      PurgeRequest request = o instanceof PurgeRequest r ? r : null;
      if (guard.admit(request)) {
        apply(request);
      } else {
        LOG.debug(
            "edge {}: purge request refused (not authentic, stale or a replay): {}",
            edgeId,
            request);
      }
    }

    @Override
    public long retrieveInitialSequence() {
      return -1;
    }

    @Override
    public void storeSequence(long sequence) {}

    @Override
    public boolean isLossTolerant() {
      return true;
    }

    @Override
    public boolean isTerminal(Throwable failure) {
      return false;
    }
  }
}
