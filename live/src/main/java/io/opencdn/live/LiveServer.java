package io.opencdn.live;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.live.cluster.HazelcastLiveDirectory;
import io.opencdn.live.cluster.LiveDirectory;
import io.opencdn.live.cluster.LiveStreamRecord;
import io.opencdn.live.cluster.LocalLiveDirectory;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.hls.HlsPath;
import io.opencdn.live.hls.HlsResponses;
import io.opencdn.live.relay.Relays;
import io.opencdn.live.session.RtmpListener;
import io.opencdn.live.session.Viewer;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Streams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live streaming at one edge: RTMP publish and play on {@code live.rtmp}, relays from the ingest
 * edge, and live HLS. What an edge wires:
 *
 * <pre>{@code
 * LiveServer live = LiveServer.create(vertx, config.live(), edgeId, advertisedHost, hazelcastOrNull, secret, clock);
 * live.start(httpPort)                        // binds RTMP; yields its port
 * if (live.hlsPath(req.path()) != null) {      // in the HTTP stage, before the distributions
 *   switch (live.routeHls(req.path(), fromAnotherEdge).kind()) {
 *     case LOCAL -> live.serveHls(req);        // published here: from memory
 *     case REMOTE -> fetch through the cache from route.host():route.port()
 *     case MISSING -> 404
 *   }
 * }
 * live.stop()
 * }</pre>
 *
 * <p>Stages, one direction: {@code session} (RTMP listener and connections) and {@code relay} (the
 * upstream client) feed {@code stream} (fan-out, GOP cache, per-viewer bounds), which feeds {@code
 * hls} (remux to MPEG-TS, playlist); {@code rtmp} is the protocol underneath (handshake, chunk
 * streams, AMF0); {@code cluster} says which edge holds each stream and checks stream keys; {@code
 * config} holds the records. This class and {@link LiveSessions} are the wiring.
 */
public final class LiveServer {

  private static final Logger LOG = LoggerFactory.getLogger(LiveServer.class);

  /** Where an HLS request is answered. */
  public enum Kind {
    /** The stream is published here: {@link #serveHls}. */
    LOCAL,
    /**
     * The stream is published at another edge: fetch the same path from its HTTP listener, through
     * the cache.
     */
    REMOTE,
    /** No such live stream (404, not stored). */
    MISSING
  }

  /**
   * The answer of {@link #routeHls}.
   *
   * @param host the ingest edge's HTTP address (REMOTE)
   * @param port its HTTP port (REMOTE)
   */
  public record HlsRoute(Kind kind, String host, int port) {
    static final HlsRoute LOCAL = new HlsRoute(Kind.LOCAL, null, 0);
    static final HlsRoute MISSING = new HlsRoute(Kind.MISSING, null, 0);
  }

  private final Vertx vertx;
  private final LiveConfig config;
  private final String edgeId;
  private final String host;
  private final LiveDirectory directory;
  private final Streams streams;
  private final Relays relays;
  private final LiveSessions sessions;
  private final RtmpListener listener;
  private volatile int rtmpPort = -1;

  /**
   * @param edgeId this edge's id (in records, logs, the relays' flashVer)
   * @param host the address other edges reach this edge at (RTMP and HTTP), written into records
   * @param directory where the ingest of each stream is recorded
   * @param keys the stream key check
   */
  public LiveServer(
      Vertx vertx,
      LiveConfig config,
      String edgeId,
      String host,
      LiveDirectory directory,
      StreamKeys keys,
      Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.edgeId = edgeId;
    this.host = host;
    this.directory = directory;
    this.streams = new Streams(config.chunkSize(), config.gopCacheBytes(), clock);
    this.relays = new Relays(vertx, config, edgeId, directory, streams, clock);
    this.sessions =
        new LiveSessions(vertx, config, edgeId, streams, relays, directory, keys, clock);
    this.listener = new RtmpListener(vertx, config, sessions, clock);
  }

  /**
   * The live server of an edge: with a Hazelcast member, the cluster's directory and (stream keys
   * {@code hmac}) keys from {@code clusterSecret}; without, a directory of this edge alone.
   */
  public static LiveServer create(
      Vertx vertx,
      LiveConfig config,
      String edgeId,
      String host,
      HazelcastInstance hz,
      String clusterSecret,
      Clock clock) {
    LiveDirectory directory =
        hz == null
            ? new LocalLiveDirectory()
            : new HazelcastLiveDirectory(vertx, hz, RecordCheck.of(clusterSecret), clock);
    return new LiveServer(
        vertx, config, edgeId, host, directory, StreamKeys.of(config, clusterSecret), clock);
  }

  /**
   * Starts mirroring the directory and binds the RTMP listener; yields the bound RTMP port.
   *
   * @param httpPort the edge's HTTP port, where other edges fetch this edge's HLS
   */
  public Future<Integer> start(int httpPort) {
    return directory
        .start()
        .compose(v -> listener.start())
        .map(
            port -> {
              rtmpPort = port;
              sessions.bind(host, port, httpPort);
              LOG.info(
                  "edge {} live: rtmp://{}:{}/{}/<stream> (publish with ?key=<stream key>), HLS {}<stream>/index.m3u8",
                  edgeId,
                  config.rtmp().host(),
                  port,
                  config.app(),
                  config.hls().enabled() ? config.hls().pathPrefix() : "off: ");
              return port;
            });
  }

  /** Withdraws this edge's streams, stops relays, closes the listener. */
  public Future<Void> stop() {
    sessions.stopAll();
    relays.stopAll();
    return listener.stop().compose(v -> directory.stop());
  }

  /** The bound RTMP port, -1 before {@link #start}. */
  public int rtmpPort() {
    return rtmpPort;
  }

  /** The live HLS path {@code path} names, or null (then it is not live HLS: content as usual). */
  public HlsPath hlsPath(String path) {
    return config.hls().enabled() ? HlsPath.parse(config.hls().pathPrefix(), path) : null;
  }

  /**
   * Where the HLS request for {@code path} (an {@link #hlsPath}) is answered: here when the stream
   * is published here; at the ingest edge otherwise, unless the request already comes from another
   * edge ({@code fromEdge}: answered here or missing, never passed on, so no loop can form).
   */
  public HlsRoute routeHls(String path, boolean fromEdge) {
    HlsPath p = hlsPath(path);
    if (p == null) {
      return HlsRoute.MISSING;
    }
    if (sessions.ingests(p.stream())) {
      return HlsRoute.LOCAL;
    }
    LiveStreamRecord r = directory.lookup(p.stream());
    if (fromEdge || r == null || r.edgeId().equals(edgeId)) {
      return HlsRoute.MISSING;
    }
    return new HlsRoute(Kind.REMOTE, r.httpHost(), r.httpPort());
  }

  /**
   * Answers an HLS request from this edge's packagers (404 when the stream is not published here).
   */
  public void serveHls(HttpServerRequest req) {
    HlsPath p = hlsPath(req.path());
    if (p == null) {
      HlsResponses.missing(req, "not a live HLS path");
      return;
    }
    HlsResponses.serve(req, p, sessions.packager(p.stream()), config.hls().segmentMillis());
  }

  /** Answers 404 for a live stream that is nowhere. */
  public static void missing(HttpServerRequest req) {
    HlsResponses.missing(req, "no such live stream");
  }

  /** The stream key check (e.g. to print a key). */
  public LiveDirectory directory() {
    return directory;
  }

  /**
   * What {@code GET /_cdn/live} shows: per stream its role here (ingest or relay), source, players
   * (and how many are other edges' relays), upstream edge and upstream connections opened, HLS
   * segments; RTMP connections open, accepted and refused.
   */
  public JsonObject stats() {
    JsonArray list = new JsonArray();
    for (LiveStream s : streams.all()) {
      LiveStream.Snapshot snap = s.snapshot();
      boolean ingest = sessions.ingests(s.name());
      int relayViewers =
          (int) s.sinks().stream().filter(k -> k instanceof Viewer v && v.relay()).count();
      int players = s.sinkCount(Viewer.class);
      JsonObject o =
          new JsonObject()
              .put("name", s.name())
              .put("role", ingest ? "ingest" : "relay")
              .put("source", snap.source())
              .put("players", players - relayViewers)
              .put("relays", relayViewers)
              .put("messages", snap.messages())
              .put("bytes", snap.bytes())
              .put("sessions", snap.sessions())
              .put("lastTimestamp", snap.lastTimestamp())
              .put("gopMessages", snap.gopMessages());
      if (!ingest) {
        o.put("upstream", relays.upstreamEdge(s.name()))
            .put("upstreamConnected", relays.connected(s.name()))
            .put("upstreamConnectionsOpened", relays.connectionsOpened(s.name()));
      } else if (sessions.packager(s.name()) != null) {
        o.put("hlsSegments", sessions.packager(s.name()).segmentCount());
      }
      list.add(o);
    }
    return new JsonObject()
        .put("edge", edgeId)
        .put("rtmpPort", rtmpPort)
        .put("streams", list)
        .put(
            "connections",
            new JsonObject()
                .put("open", listener.openConnections())
                .put("accepted", listener.acceptedConnections())
                .put("refused", listener.refusedConnections()));
  }
}
