package io.opencdn.live.relay;

import io.opencdn.live.cluster.LiveDirectory;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Streams;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays of this edge: at most one per stream, started by the stream's first player, kept
 * {@code relayLingerMillis} after its last one left (a player that reconnects finds it warm), then
 * stopped with the stream.
 */
public final class Relays {

  private static final Logger LOG = LoggerFactory.getLogger(Relays.class);

  private final Vertx vertx;
  private final LiveConfig config;
  private final String edgeId;
  private final LiveDirectory directory;
  private final Streams streams;
  private final Clock clock;
  private final ConcurrentHashMap<String, Relay> byStream = new ConcurrentHashMap<>();

  public Relays(
      Vertx vertx,
      LiveConfig config,
      String edgeId,
      LiveDirectory directory,
      Streams streams,
      Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.edgeId = edgeId;
    this.directory = directory;
    this.streams = streams;
    this.clock = clock;
  }

  /** Makes sure {@code stream} is relayed from its ingest edge (one relay per stream). */
  public void ensure(LiveStream stream) {
    byStream.computeIfAbsent(
        stream.name(),
        n -> {
          Relay r = new Relay(vertx, config, edgeId, stream, directory, this, clock);
          r.start();
          return r;
        });
  }

  /** Whether {@code stream} is relayed here. */
  public boolean relays(String stream) {
    return byStream.containsKey(stream);
  }

  /**
   * A player of {@code stream} left: without players for {@code relayLingerMillis}, the relay
   * stops.
   */
  public void playerLeft(LiveStream stream) {
    Relay r = byStream.get(stream.name());
    if (r == null || r.stream() != stream) {
      return;
    }
    vertx.setTimer(
        Math.max(1, config.relayLingerMillis()),
        id -> {
          if (stream.sinkCount() == 0 && byStream.get(stream.name()) == r) {
            LOG.info(
                "relay {}: no players for {} ms, stopping",
                stream.name(),
                config.relayLingerMillis());
            r.stop();
          }
        });
  }

  /** The directory changed for {@code stream}: its relay, if any, follows. */
  public void directoryChanged(String stream) {
    Relay r = byStream.get(stream);
    if (r != null) {
      r.recheck();
    }
  }

  /** Whether the relay of {@code stream} is connected upstream. */
  public boolean connected(String stream) {
    Relay r = byStream.get(stream);
    return r != null && r.connected();
  }

  /** The edge the relay of {@code stream} pulls from, or null. */
  public String upstreamEdge(String stream) {
    Relay r = byStream.get(stream);
    return r == null ? null : r.upstreamEdge();
  }

  /** Upstream connections the relay of {@code stream} opened so far (reconnects included), or 0. */
  public long connectionsOpened(String stream) {
    Relay r = byStream.get(stream);
    return r == null ? 0 : r.connectionsOpened();
  }

  /** Stops every relay. */
  public void stopAll() {
    byStream.values().forEach(Relay::stop);
  }

  /** The relay found no ingest for the grace period: the stream ends for its players. */
  void ended(Relay r) {
    if (byStream.remove(r.stream().name(), r)) {
      streams.remove(r.stream());
      r.stream().finish();
    }
  }

  /** The relay stopped: it and its stream go, unless a publisher took the stream over here. */
  void removed(Relay r) {
    if (byStream.remove(r.stream().name(), r)) {
      LiveStream s = r.stream();
      if (s.source() == null && s.sinkCount() == 0) {
        streams.remove(s);
      } else if (s.source() == null) {
        ensure(s); // a player came while it stopped
      }
    }
  }
}
