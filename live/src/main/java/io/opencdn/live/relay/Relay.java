package io.opencdn.live.relay;

import io.opencdn.live.cluster.LiveDirectory;
import io.opencdn.live.cluster.LiveStreamRecord;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.session.RtmpConnection;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Source;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one upstream connection of a stream at an edge that does not hold it: an {@link RtmpClient}
 * playing the stream from its ingest edge (found in the {@link LiveDirectory}) and feeding the
 * local {@link LiveStream}, whatever the number of local viewers. When the upstream breaks it
 * connects again (back-off 250 ms doubling to 2 s), looking the ingest up again, so it follows a
 * publisher that moved to another edge; a directory change to another session switches at once.
 * With no ingest for {@code publisherGraceMillis} the stream is over. All of it runs on one event
 * loop.
 */
final class Relay implements Source {

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  static final long MAX_BACKOFF_MILLIS = 2000;

  private final Vertx vertx;
  private final Context context;
  private final LiveConfig config;
  private final String edgeId;
  private final LiveStream stream;
  private final LiveDirectory directory;
  private final Relays owner;
  private final Clock clock;
  private RtmpClient client;
  private LiveStreamRecord upstream;
  private boolean stopped;
  private long noIngestSince = -1;
  private int attempts;
  private long retryTimer = -1;
  private long connections;

  Relay(
      Vertx vertx,
      LiveConfig config,
      String edgeId,
      LiveStream stream,
      LiveDirectory directory,
      Relays owner,
      Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.edgeId = edgeId;
    this.stream = stream;
    this.directory = directory;
    this.owner = owner;
    this.clock = clock;
  }

  LiveStream stream() {
    return stream;
  }

  /** Connects (on the relay's event loop). */
  void start() {
    context.runOnContext(v -> connect());
  }

  private void connect() {
    retryTimer = -1;
    if (stopped || client != null) {
      return;
    }
    LiveStreamRecord r = directory.lookup(stream.name());
    if (r == null || r.edgeId().equals(edgeId)) {
      long now = clock.millis();
      noIngestSince = noIngestSince < 0 ? now : noIngestSince;
      if (now - noIngestSince >= config.publisherGraceMillis()) {
        LOG.info(
            "relay {}: no ingest edge for {} ms, the stream is over",
            stream.name(),
            now - noIngestSince);
        owner.ended(this);
        return;
      }
      retry();
      return;
    }
    noIngestSince = -1;
    RtmpClient c =
        new RtmpClient(
            vertx,
            config.chunkSize(),
            config.maxMessageBytes(),
            config.windowAckBytes(),
            RtmpConnection.RELAY_FLASH_VERSION + "/" + edgeId);
    client = c;
    connections++;
    c.play(
            r.rtmpHost(),
            r.rtmpPort(),
            config.app(),
            stream.name(),
            (type, ts, payload) -> {
              if (client == c) {
                stream.push(this, type, ts, payload);
              }
            })
        .onSuccess(
            v -> {
              if (client != c || stopped) {
                c.close();
                return;
              }
              Source now = stream.source();
              if (now != null && now != this && now.local()) {
                stop(); // a publisher started here meanwhile: this edge is the ingest now
                return;
              }
              upstream = r;
              attempts = 0;
              stream.begin(this, -1);
              LOG.info(
                  "relay {}: pulling from {} ({}:{})",
                  stream.name(),
                  r.edgeId(),
                  r.rtmpHost(),
                  r.rtmpPort());
            })
        .onFailure(
            e -> {
              if (client == c) {
                LOG.info(
                    "relay {}: upstream {} ({}:{}) failed: {}",
                    stream.name(),
                    r.edgeId(),
                    r.rtmpHost(),
                    r.rtmpPort(),
                    e.getMessage());
              }
            });
    c.closed()
        .onComplete(
            v -> {
              if (client == c) {
                LiveStreamRecord was = upstream;
                client = null;
                upstream = null;
                stream.end(this);
                LiveStreamRecord now = directory.lookup(stream.name());
                if (c.unpublished()
                    && (now == null || was != null && now.session() == was.session())) {
                  LOG.info("relay {}: the ingest edge ended the stream", stream.name());
                  stopped = true;
                  owner.ended(this);
                  return;
                }
                retry();
              }
            });
  }

  private void retry() {
    if (stopped || retryTimer >= 0) {
      return;
    }
    long delay = Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(attempts, 4));
    attempts++;
    retryTimer = vertx.setTimer(delay, id -> connect());
  }

  /** The directory changed for this stream: follow a new ingest session at once. */
  void recheck() {
    context.runOnContext(
        v -> {
          if (stopped) {
            return;
          }
          LiveStreamRecord r = directory.lookup(stream.name());
          if (r == null) {
            return; // the upstream connection tells whether the ingest is gone
          }
          if (upstream != null
              && (r.session() != upstream.session() || !r.edgeId().equals(upstream.edgeId()))) {
            LOG.info("relay {}: ingest moved to {}, switching", stream.name(), r.edgeId());
            RtmpClient c = client;
            client = null;
            upstream = null;
            stream.end(this);
            if (c != null) {
              c.close();
            }
            connectNow();
          } else if (client == null) {
            connectNow();
          }
        });
  }

  private void connectNow() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    attempts = 0;
    connect();
  }

  /** Stops pulling (on the relay's event loop); the stream is left to the caller. */
  void stop() {
    context.runOnContext(
        v -> {
          if (stopped) {
            return;
          }
          stopped = true;
          if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
          }
          RtmpClient c = client;
          client = null;
          if (c != null) {
            c.close();
          }
          stream.end(this);
          owner.removed(this);
        });
  }

  /** Whether the upstream connection is playing now. */
  boolean connected() {
    return upstream != null;
  }

  /** The ingest edge pulled from now, or null. */
  String upstreamEdge() {
    LiveStreamRecord u = upstream;
    return u == null ? null : u.edgeId();
  }

  /** Upstream connections opened so far. */
  long connectionsOpened() {
    return connections;
  }

  @Override
  public boolean local() {
    return false;
  }

  @Override
  public void displaced() {
    stop();
  }

  @Override
  public String describe() {
    LiveStreamRecord u = upstream;
    return u == null
        ? "relay (connecting)"
        : "relay from " + u.edgeId() + " " + u.rtmpHost() + ":" + u.rtmpPort();
  }
}
