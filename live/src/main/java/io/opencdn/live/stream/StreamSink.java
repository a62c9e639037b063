package io.opencdn.live.stream;

/**
 * What receives a live stream's messages: a player's connection, a relay's viewer, the HLS
 * packager. {@link LiveStream} calls it under the stream's lock, in order, from the thread of the
 * stream's source, so an implementation must not block: it queues and returns.
 */
public interface StreamSink {

  /**
   * Takes one message; false when the sink is gone (closed, or dropped for falling behind), which
   * detaches it.
   */
  boolean offer(Media media);

  /**
   * {@link LiveStream#attach} has offered the cached state (metadata, configurations, the GOP);
   * what follows is live.
   */
  default void attached() {}

  /**
   * A new source session starts (a publisher reconnected, a relay switched upstream): its codec
   * state may differ.
   */
  default void sourceChanged() {}

  /**
   * The stream ended (its publisher did not come back in time); the sink is detached after this.
   */
  default void ended() {}
}
