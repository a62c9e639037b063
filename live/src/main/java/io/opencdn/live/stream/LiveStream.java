package io.opencdn.live.stream;

import io.opencdn.live.rtmp.MessageType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One live stream on this edge: its source (a publisher here, or a relay from the ingest edge), the
 * state a new viewer needs (metadata, the AVC and AAC configurations, and the last group of
 * pictures from its key frame on, within {@code gopCacheBytes}), and the sinks it fans out to.
 *
 * <p><b>Timeline.</b> Messages are put on the stream's own timeline, so whatever happens upstream,
 * viewers see timestamps that keep advancing: a new source session (a publisher that reconnected,
 * here or at another edge, a relay that switched upstream) starts where the last one ended plus the
 * time that passed (at least {@value #MIN_GAP_MILLIS} ms), or, for the first session, at the
 * timestamp the caller gives (the ingest continues the cluster's timeline of the stream) or as it
 * comes. 32-bit RTMP timestamps that wrap are unwrapped.
 *
 * <p><b>Threads.</b> Every method is synchronized: a message is pushed and fanned out under the
 * lock on the source's event loop; sinks only queue ({@link StreamSink}), so the lock is held
 * briefly, and a viewer attaches atomically (it gets the cached state, then every message after it,
 * nothing twice).
 */
public final class LiveStream {

  /** Smallest step of the timeline between two source sessions. */
  static final long MIN_GAP_MILLIS = 100;

  private final String name;
  private final int chunkSize;
  private final long gopCacheBytes;
  private final Clock clock;
  private final long createdMillis;
  private final List<StreamSink> sinks = new ArrayList<>();
  private Source source;
  private Media metadata;
  private Media videoConfig;
  private Media audioConfig;
  private final ArrayList<Media> gop = new ArrayList<>();
  private long gopBytes;
  private boolean gopOpen;
  private boolean sessionStarted;
  private long initialTimestamp = -1;
  private long offset;
  private long lastIn;
  private long wrap;
  private long lastOut = -1;
  private long lastWall;
  private long sourceLeftMillis = -1;
  private long messages;
  private long bytes;
  private int sessions;

  /**
   * @param chunkSize chunk size of the encoding for players ({@link Media#chunks})
   * @param gopCacheBytes most bytes of the last GOP kept (0: none)
   */
  public LiveStream(String name, int chunkSize, long gopCacheBytes, Clock clock) {
    this.name = name;
    this.chunkSize = chunkSize;
    this.gopCacheBytes = gopCacheBytes;
    this.clock = clock;
    this.createdMillis = clock.millis();
  }

  public String name() {
    return name;
  }

  /**
   * {@code s} becomes the source; the previous one, if any, is {@link Source#displaced}. Sinks are
   * told ({@link StreamSink#sourceChanged}) and the GOP cache is emptied (the new session's frames
   * cannot follow the old key frame).
   *
   * @param firstTimestamp where the first session of the stream starts on the timeline, or -1 to
   *     take the source's timestamps as they are; later sessions continue the timeline
   */
  public synchronized void begin(Source s, long firstTimestamp) {
    Source old = source;
    source = s;
    sessionStarted = false;
    initialTimestamp = firstTimestamp;
    sourceLeftMillis = -1;
    sessions++;
    gop.clear();
    gopBytes = 0;
    gopOpen = false;
    for (StreamSink sink : sinks) {
      sink.sourceChanged();
    }
    if (old != null && old != s) {
      old.displaced();
    }
  }

  /**
   * {@code s} stopped feeding the stream; true when it was the source (the stream now waits for
   * one).
   */
  public synchronized boolean end(Source s) {
    if (source != s) {
      return false;
    }
    source = null;
    sourceLeftMillis = clock.millis();
    return true;
  }

  /**
   * One message from source {@code s} (ignored unless it is the current source).
   *
   * @param type audio, video or data ({@code onMetaData} and its array, without
   *     {@code @setDataFrame})
   * @param timestamp the source's timestamp, 0..2^32-1
   */
  public synchronized void push(Source s, int type, long timestamp, byte[] payload) {
    if (source != s) {
      return;
    }
    Media m = new Media(type, timeline(timestamp), payload, chunkSize);
    messages++;
    bytes += payload.length;
    if (type == MessageType.DATA_AMF0) {
      metadata = m;
    } else if (m.config()) {
      if (m.video()) {
        videoConfig = m;
      } else {
        audioConfig = m;
      }
    } else {
      cache(m);
    }
    for (int i = 0; i < sinks.size(); i++) {
      if (!sinks.get(i).offer(m)) {
        sinks.remove(i--);
      }
    }
  }

  private void cache(Media m) {
    if (gopCacheBytes <= 0) {
      return;
    }
    if (m.keyFrame()) {
      gop.clear();
      gopBytes = 0;
      gopOpen = true;
    }
    if (!gopOpen) {
      return;
    }
    if (gopBytes + m.size() > gopCacheBytes) {
      gop.clear(); // this GOP is too long to keep: new viewers wait for the next key frame
      gopBytes = 0;
      gopOpen = false;
      return;
    }
    gop.add(m);
    gopBytes += m.size();
  }

  private long timeline(long in) {
    long now = clock.millis();
    if (!sessionStarted) {
      sessionStarted = true;
      lastIn = in;
      wrap = 0;
      long first =
          lastOut >= 0
              ? lastOut + Math.max(now - lastWall, MIN_GAP_MILLIS)
              : initialTimestamp >= 0 ? initialTimestamp : in;
      offset = first - in;
    } else {
      if (in < lastIn && lastIn - in > 0x8000_0000L) {
        wrap += 0x1_0000_0000L;
      }
      lastIn = in;
    }
    long out = Math.max(0, in + wrap + offset);
    lastOut = Math.max(lastOut, out);
    lastWall = now;
    return out;
  }

  /**
   * Adds {@code sink}: it first gets the metadata, the codec configurations and the cached GOP (so
   * it starts at a key frame), then every message pushed after.
   */
  public synchronized void attach(StreamSink sink) {
    for (Media m : new Media[] {metadata, videoConfig, audioConfig}) {
      if (m != null && !sink.offer(m)) {
        return;
      }
    }
    for (Media m : gop) {
      if (!sink.offer(m)) {
        return;
      }
    }
    sink.attached();
    sinks.add(sink);
  }

  /** Removes {@code sink}. */
  public synchronized void detach(StreamSink sink) {
    sinks.remove(sink);
  }

  /** The stream is over: every sink is told and detached; the source, if any, is displaced. */
  public synchronized void finish() {
    List<StreamSink> copy = new ArrayList<>(sinks);
    sinks.clear();
    copy.forEach(StreamSink::ended);
    if (source != null) {
      Source s = source;
      source = null;
      s.displaced();
    }
  }

  /** The current source, or null while the stream waits for one. */
  public synchronized Source source() {
    return source;
  }

  /** Clock time the last source left, or -1 while there is one (or never was). */
  public synchronized long sourceLeftMillis() {
    return sourceLeftMillis;
  }

  /** Sinks attached (viewers, relays to other edges, the HLS packager). */
  public synchronized int sinkCount() {
    return sinks.size();
  }

  /** Sinks of {@code type} attached. */
  public synchronized int sinkCount(Class<?> type) {
    return (int) sinks.stream().filter(type::isInstance).count();
  }

  /** Sinks attached, as they are now. */
  public synchronized List<StreamSink> sinks() {
    return List.copyOf(sinks);
  }

  /** A snapshot for stats. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(
        name,
        source == null ? null : source.describe(),
        source != null && source.local(),
        sinks.size(),
        messages,
        bytes,
        sessions,
        lastOut,
        gop.size(),
        gopBytes,
        createdMillis);
  }

  /**
   * What {@link #snapshot} reports.
   *
   * @param source the source described, null while waiting for one
   * @param local whether the source is a publisher on this edge
   * @param sinks sinks attached
   * @param messages messages pushed so far
   * @param bytes payload bytes pushed so far
   * @param sessions source sessions so far
   * @param lastTimestamp the latest timestamp on the stream's timeline, -1 before the first message
   * @param gopMessages messages in the GOP cache
   * @param gopBytes bytes in the GOP cache
   * @param createdMillis clock time the stream was created on this edge
   */
  public record Snapshot(
      String name,
      String source,
      boolean local,
      int sinks,
      long messages,
      long bytes,
      int sessions,
      long lastTimestamp,
      int gopMessages,
      long gopBytes,
      long createdMillis) {}
}
