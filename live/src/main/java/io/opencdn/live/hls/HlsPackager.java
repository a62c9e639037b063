package io.opencdn.live.hls;

import io.opencdn.live.config.HlsConfig;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.stream.FlvTag;
import io.opencdn.live.stream.Media;
import io.opencdn.live.stream.StreamSink;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live HLS of one stream at its ingest edge: a {@link StreamSink} that remuxes H.264 and AAC from
 * FLV tags into MPEG-TS segments ({@link TsWriter}, {@link AvcConfig}, {@link AacConfig}) without
 * transcoding, and keeps a sliding playlist ({@link Playlist}).
 *
 * <p>A segment starts at a key frame (audio-only streams: any frame) and is cut at the first key
 * frame at least {@code segmentMillis} after its start, or, when key frames are that far apart,
 * after three times that. Timestamps are the stream's timeline in 90 kHz plus one second (PTS = DTS
 * + composition offset). A new source session (publisher reconnect) ends the segment and marks the
 * next one with {@code EXT-X-DISCONTINUITY}. The playlist lists the last {@code playlistSegments};
 * two more are kept for players that read an older playlist; memory is that many segments.
 *
 * <p>Media sequence numbers start at the clock's current second, so a packager that takes a stream
 * over (its publisher moved to another edge) continues with higher numbers, and segment names carry
 * the packager's session, so names never repeat. Video other than H.264 and audio other than AAC is
 * left out of the segments (RTMP players still get it).
 *
 * <p>{@link #offer} runs under the stream's lock; readers get immutable snapshots ({@link
 * #playlist}, {@link #segment}) from any thread.
 */
public final class HlsPackager implements StreamSink {

  private static final Logger LOG = LoggerFactory.getLogger(HlsPackager.class);

  /** Extra segments kept beyond the playlist window. */
  static final int RETAINED_EXTRA = 2;

  /** Added to every timestamp (90 kHz) so the PCR, which runs behind, stays positive. */
  static final long TIMESTAMP_BASE_90K = 90_000;

  private final String stream;
  private final HlsConfig config;
  private final String session;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private AvcConfig avc;
  private AacConfig aac;
  private ByteArrayOutputStream current;
  private TsWriter writer;
  private long segmentStart;
  private long lastTimestamp;
  private long nextSequence;
  private boolean nextDiscontinuity;
  private long evictedDiscontinuities;
  private boolean warned;
  private volatile View view = new View(null, Map.of());

  /**
   * What readers see: the playlist text (null before the first segment) and the segments by name.
   */
  private record View(String playlist, Map<String, Segment> byName) {}

  public HlsPackager(String stream, HlsConfig config, Clock clock) {
    this.stream = stream;
    this.config = config;
    this.session = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    this.nextSequence = clock.millis() / 1000;
  }

  @Override
  public boolean offer(Media m) {
    try {
      if (m.video()) {
        video(m);
      } else if (m.audio()) {
        audio(m);
      }
    } catch (RtmpException e) {
      if (!warned) {
        warned = true;
        LOG.warn("hls {}: {}; the segment in progress is dropped", stream, e.getMessage());
      }
      current = null; // start again at the next key frame
    }
    return true;
  }

  private void video(Media m) {
    byte[] p = m.payload();
    if (!FlvTag.isAvc(p)) {
      return;
    }
    if (m.config()) {
      avc = AvcConfig.parse(p);
      return;
    }
    if (avc == null || p[1] != 1) {
      return; // no configuration yet, or end of sequence
    }
    long ts = m.timestamp();
    if (current == null) {
      if (!m.keyFrame()) {
        return;
      }
      begin(ts);
    } else if (m.keyFrame() && ts - segmentStart >= config.segmentMillis()
        || ts - segmentStart >= 3L * config.segmentMillis()) {
      cut(ts);
      begin(ts);
    }
    int cts = (p[2] << 16 | (p[3] & 0xff) << 8 | p[4] & 0xff) << 8 >> 8; // signed 24 bits
    long dts = TIMESTAMP_BASE_90K + ts * 90;
    writer.writeVideo(avc.annexB(p, m.keyFrame()), dts + cts * 90L, dts, true, m.keyFrame());
    lastTimestamp = ts;
  }

  private void audio(Media m) {
    byte[] p = m.payload();
    if (!FlvTag.isAac(p)) {
      return;
    }
    if (m.config()) {
      aac = AacConfig.parse(p);
      return;
    }
    if (aac == null) {
      return;
    }
    long ts = m.timestamp();
    if (current == null) {
      if (avc != null) {
        return; // segments of a stream with video start at a key frame
      }
      begin(ts);
    } else if (avc == null && ts - segmentStart >= config.segmentMillis()) {
      cut(ts);
      begin(ts);
    }
    writer.writeAudio(aac.adts(p), TIMESTAMP_BASE_90K + ts * 90, avc == null);
    lastTimestamp = Math.max(lastTimestamp, ts);
  }

  private void begin(long ts) {
    current = new ByteArrayOutputStream(256 * 1024);
    if (writer == null) {
      writer = new TsWriter(current);
    } else {
      writer.output(current); // continuity counters go on across segments
    }
    writer.writeTables(avc != null, aac != null);
    segmentStart = ts;
    lastTimestamp = ts;
  }

  private void cut(long end) {
    if (current == null) {
      return;
    }
    long duration = Math.max(1, end - segmentStart);
    Segment s =
        new Segment(
            nextSequence,
            nextSequence + "-" + session + ".ts",
            duration,
            current.toByteArray(),
            nextDiscontinuity);
    nextSequence++;
    nextDiscontinuity = false;
    current = null;
    segments.addLast(s);
    while (segments.size() > config.playlistSegments() + RETAINED_EXTRA) {
      if (segments.removeFirst().discontinuity()) {
        evictedDiscontinuities++;
      }
    }
    publish();
  }

  private void publish() {
    List<Segment> all = new ArrayList<>(segments);
    int firstListed = Math.max(0, all.size() - config.playlistSegments());
    List<Segment> listed = all.subList(firstListed, all.size());
    Map<String, Segment> byName = new HashMap<>();
    all.forEach(s -> byName.put(s.name(), s));
    // RFC 8216 6.2.1: the discontinuity sequence counts the tags removed from the playlist
    long discontinuitySequence =
        evictedDiscontinuities
            + all.subList(0, firstListed).stream().filter(Segment::discontinuity).count();
    view =
        new View(
            Playlist.render(listed, config.segmentMillis(), discontinuitySequence),
            Map.copyOf(byName));
  }

  @Override
  public void sourceChanged() {
    // the previous session's last segment ends at its last frame; the next one starts a
    // discontinuity
    cut(lastTimestamp + 1);
    if (!segments.isEmpty()) {
      nextDiscontinuity = true;
    }
  }

  @Override
  public void ended() {
    cut(lastTimestamp + 1);
  }

  /** The playlist text, or null before the first segment is complete. */
  public String playlist() {
    return view.playlist();
  }

  /** The segment named {@code name} while it is kept, or null. */
  public Segment segment(String name) {
    return view.byName().get(name);
  }

  /** Segments kept now. */
  public int segmentCount() {
    return view.byName().size();
  }
}
