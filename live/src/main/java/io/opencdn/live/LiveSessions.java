package io.opencdn.live;

import io.opencdn.live.cluster.HazelcastLiveDirectory;
import io.opencdn.live.cluster.LiveDirectory;
import io.opencdn.live.cluster.LiveStreamRecord;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.hls.HlsPackager;
import io.opencdn.live.relay.Relays;
import io.opencdn.live.session.Refusal;
import io.opencdn.live.session.SessionHandler;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Source;
import io.opencdn.live.stream.StreamSink;
import io.opencdn.live.stream.Streams;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a publish or a play means at this edge ({@link SessionHandler}), and the ingest side of the
 * streams published here.
 *
 * <ul>
 *   <li><b>publish</b>: the key is checked ({@link StreamKeys}) before anything else; the stream
 *       gets the publisher as its source (a previous publisher or a relay is displaced), an HLS
 *       packager, and this edge is announced as its ingest in the {@link LiveDirectory}. A
 *       publisher that reconnects here within {@code publisherGraceMillis} continues the same
 *       session (relays stay connected); one that reconnects at another edge continues the stream's
 *       timeline there.
 *   <li><b>unpublish</b>: the stream waits {@code publisherGraceMillis} for its publisher, then
 *       ends: players are told, the record is withdrawn.
 *   <li><b>play</b>: a stream published here is played directly; one published at another edge is
 *       relayed ({@link Relays}: one upstream per stream); anything else is not found. Relays of
 *       other edges may only play streams published here (no relay chains, so no loops).
 *   <li><b>directory change</b>: when another edge announces a newer session of a stream published
 *       here, the publisher moved: the stream stops being ingested here (its players, if any, are
 *       relayed from the new ingest).
 * </ul>
 */
final class LiveSessions implements SessionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(LiveSessions.class);

  /** A stream published at this edge. */
  private static final class Ingest {
    final long session;
    final long timelineStartMillis;
    final HlsPackager packager;
    long graceTimer = -1;

    Ingest(long session, long timelineStartMillis, HlsPackager packager) {
      this.session = session;
      this.timelineStartMillis = timelineStartMillis;
      this.packager = packager;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final LiveConfig config;
  private final String edgeId;
  private final Streams streams;
  private final Relays relays;
  private final LiveDirectory directory;
  private final StreamKeys keys;
  private final Clock clock;
  private final Map<String, Ingest> ingests = new ConcurrentHashMap<>();
  private volatile String host;
  private volatile int rtmpPort;
  private volatile int httpPort;

  LiveSessions(
      Vertx vertx,
      LiveConfig config,
      String edgeId,
      Streams streams,
      Relays relays,
      LiveDirectory directory,
      StreamKeys keys,
      Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.edgeId = edgeId;
    this.streams = streams;
    this.relays = relays;
    this.directory = directory;
    this.keys = keys;
    this.clock = clock;
    directory.onChange(name -> context.runOnContext(v -> directoryChanged(name)));
  }

  /** The addresses written into this edge's records. */
  void bind(String host, int rtmpPort, int httpPort) {
    this.host = host;
    this.rtmpPort = rtmpPort;
    this.httpPort = httpPort;
  }

  @Override
  public synchronized LiveStream publish(String name, String key, Source publisher) throws Refusal {
    if (!keys.accepts(name, key)) {
      throw new Refusal(
          "NetStream.Publish.Denied",
          key == null
              ? "stream " + name + " needs ?key=<stream key>"
              : "wrong stream key for " + name);
    }
    LiveStream stream = streams.getOrCreate(name);
    Ingest ingest = ingests.get(name);
    long now = clock.millis();
    long first = -1;
    if (ingest == null) {
      LiveStreamRecord previous = directory.lookup(name);
      long timelineStart;
      if (previous != null && !previous.edgeId().equals(edgeId)) {
        timelineStart =
            previous.timelineStartMillis(); // the publisher moved here: continue its timeline
        first = Math.max(0, now - timelineStart);
      } else {
        long last = stream.snapshot().lastTimestamp();
        timelineStart = now - Math.max(0, last);
        first = last >= 0 ? -1 : 0;
      }
      HlsPackager packager =
          config.hls().enabled() ? new HlsPackager(name, config.hls(), clock) : null;
      ingest = new Ingest(HazelcastLiveDirectory.newSession(clock), timelineStart, packager);
      ingests.put(name, ingest);
      stream.begin(publisher, first);
      if (packager != null) {
        stream.attach(packager);
      }
      LOG.info(
          "live {}: published at {} by {} (session {})",
          name,
          edgeId,
          publisher.describe(),
          Long.toHexString(ingest.session));
    } else {
      if (ingest.graceTimer >= 0) {
        vertx.cancelTimer(ingest.graceTimer);
        ingest.graceTimer = -1;
      }
      stream.begin(publisher, -1);
      LOG.info("live {}: publisher back ({})", name, publisher.describe());
    }
    directory.announce(
        new LiveStreamRecord(
            name,
            edgeId,
            directory.memberId(),
            host,
            rtmpPort,
            host,
            httpPort,
            ingest.session,
            ingest.timelineStartMillis,
            now,
            null));
    return stream;
  }

  @Override
  public synchronized void unpublished(LiveStream stream, Source publisher) {
    if (!stream.end(publisher)) {
      return;
    }
    Ingest ingest = ingests.get(stream.name());
    if (ingest == null) {
      return;
    }
    LOG.info(
        "live {}: publisher left; waiting {} ms for it",
        stream.name(),
        config.publisherGraceMillis());
    ingest.graceTimer =
        vertx.setTimer(Math.max(1, config.publisherGraceMillis()), id -> graceOver(stream, ingest));
  }

  private synchronized void graceOver(LiveStream stream, Ingest ingest) {
    if (ingests.get(stream.name()) != ingest || stream.source() != null) {
      return;
    }
    LOG.info("live {}: publisher did not come back, the stream ends", stream.name());
    stopIngest(stream, ingest);
    streams.remove(stream);
    stream.finish();
  }

  private void stopIngest(LiveStream stream, Ingest ingest) {
    ingests.remove(stream.name(), ingest);
    if (ingest.graceTimer >= 0) {
      vertx.cancelTimer(ingest.graceTimer);
    }
    if (ingest.packager != null) {
      stream.detach(ingest.packager);
    }
    directory.withdraw(stream.name(), ingest.session);
  }

  @Override
  public synchronized LiveStream play(String name, boolean relay) throws Refusal {
    LiveStream stream = streams.get(name);
    if (ingests.containsKey(name) && stream != null) {
      return stream;
    }
    LiveStreamRecord r = directory.lookup(name);
    if (!relay && r != null && !r.edgeId().equals(edgeId)) {
      stream = streams.getOrCreate(name);
      relays.ensure(stream);
      return stream;
    }
    throw new Refusal(
        "NetStream.Play.StreamNotFound",
        "no live stream " + name + (relay ? " published here" : ""));
  }

  @Override
  public synchronized void stopped(LiveStream stream, StreamSink viewer) {
    if (!ingests.containsKey(stream.name())) {
      relays.playerLeft(stream);
    }
  }

  private synchronized void directoryChanged(String name) {
    relays.directoryChanged(name);
    Ingest ingest = ingests.get(name);
    LiveStream stream = streams.get(name);
    if (ingest == null || stream == null) {
      return;
    }
    LiveStreamRecord r = directory.lookup(name);
    if (r != null && r.session() > ingest.session && !r.edgeId().equals(edgeId)) {
      LOG.info("live {}: the publisher moved to {}", name, r.edgeId());
      stopIngest(stream, ingest);
      if (stream.sinkCount() > 0) {
        relays.ensure(stream); // its players here follow the stream there
      } else {
        streams.remove(stream);
        stream.finish();
      }
    }
  }

  /** The HLS packager of {@code stream} when it is published here, or null. */
  HlsPackager packager(String stream) {
    Ingest i = ingests.get(stream);
    return i == null ? null : i.packager;
  }

  /** Whether {@code stream} is published here (or waits here for its publisher). */
  boolean ingests(String stream) {
    return ingests.containsKey(stream);
  }

  /** Streams published here. */
  int ingestCount() {
    return ingests.size();
  }

  /** Ends every stream published here (the edge stops). */
  synchronized void stopAll() {
    for (Map.Entry<String, Ingest> e : Map.copyOf(ingests).entrySet()) {
      LiveStream s = streams.get(e.getKey());
      if (s != null) {
        stopIngest(s, e.getValue());
      }
    }
  }
}
