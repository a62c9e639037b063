package io.opencdn.live.session;

import io.opencdn.live.rtmp.Aggregate;
import io.opencdn.live.rtmp.Amf0;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Source;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * What a connection forwards into its stream once a publish was accepted ({@link #publishing}):
 * audio and video messages, the {@code onMetaData} data message (with or without the setDataFrame
 * wrapper encoders put around it), and the audio, video and data messages inside aggregates. Media
 * before that is a protocol error; data before that is dropped. It also keeps the time the last
 * media came, for the publisher's idle check. Used on the connection's event loop only.
 */
final class PublishedMedia {

  private final Source source;
  private final Clock clock;
  private LiveStream stream;
  private long lastMediaMillis;

  /**
   * @param source the publisher the media is pushed as
   * @param clock time of the idle check
   */
  PublishedMedia(Source source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** The publish into {@code s} was accepted: media goes there from now on. */
  void publishing(LiveStream s) {
    stream = s;
    lastMediaMillis = clock.millis();
  }

  /** Whether no media came for more than {@code millis} since the publish or the last media. */
  boolean silentFor(long millis) {
    return clock.millis() - lastMediaMillis > millis;
  }

  /**
   * An audio or video message.
   *
   * @throws RtmpException before an accepted publish
   */
  void media(int type, long timestamp, byte[] payload) {
    if (stream == null) {
      throw new RtmpException("media before an accepted publish");
    }
    lastMediaMillis = clock.millis();
    stream.push(source, type, timestamp, payload);
  }

  /** An AMF0 data message: {@code onMetaData} is forwarded, anything else dropped. */
  void data(RtmpMessage m) {
    if (stream == null) {
      return; // players send none; a publisher's metadata before publish is dropped
    }
    byte[] p = m.payload();
    List<Object> head = Amf0.decodeAll(p);
    if (!head.isEmpty() && "@setDataFrame".equals(head.get(0))) {
      p = Arrays.copyOfRange(p, Amf0.lengthOfFirst(p), p.length);
      head = head.subList(1, head.size());
    }
    if (!head.isEmpty() && "onMetaData".equals(head.get(0))) {
      stream.push(source, MessageType.DATA_AMF0, m.timestamp(), p);
    }
  }

  /** An aggregate message: its audio, video and AMF0 data messages, in order. */
  void aggregate(RtmpMessage m) {
    Aggregate.forEach(
        m,
        (type, at, body) -> {
          if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
            media(type, at, body);
          } else if (type == MessageType.DATA_AMF0) {
            data(new RtmpMessage(type, at, m.streamId(), body));
          }
        });
  }
}
