package io.opencdn.live.session;

import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Source;
import io.opencdn.live.stream.StreamSink;

/**
 * What the RTMP sessions of this edge ask the layer above them (the live server) when a client
 * publishes or plays. Called on the connection's event loop; must not block.
 */
public interface SessionHandler {

  /**
   * A client asks to publish {@code stream} with {@code key}: yields the stream it now feeds as
   * {@code publisher} (already {@link LiveStream#begin begun}), or refuses.
   */
  LiveStream publish(String stream, String key, Source publisher) throws Refusal;

  /** The publisher of {@code stream} stopped (it closed the stream or its connection). */
  void unpublished(LiveStream stream, Source publisher);

  /**
   * A client asks to play {@code stream}: yields the stream to attach it to (published here, or
   * relayed from the ingest edge), or refuses ({@code NetStream.Play.StreamNotFound}).
   *
   * @param relay whether the client is another edge's relay (for stats)
   */
  LiveStream play(String stream, boolean relay) throws Refusal;

  /** A player of {@code stream} left (closed, or dropped for falling behind). */
  void stopped(LiveStream stream, StreamSink viewer);
}
