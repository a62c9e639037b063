package io.opencdn.live.cluster;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Which edge holds each live stream (its ingest). The cluster keeps it in Hazelcast ({@link
 * HazelcastLiveDirectory}); a single edge keeps it in memory ({@link LocalLiveDirectory}). Lookups
 * are local and never block: the directory mirrors what it may use.
 */
public interface LiveDirectory {

  /** Starts mirroring. */
  Future<Void> start();

  /** Stops mirroring and heartbeats; removes this edge's announcements. */
  Future<Void> stop();

  /** The valid record of {@code stream} (authentic, its member alive, fresh), or null. */
  LiveStreamRecord lookup(String stream);

  /**
   * Makes this edge the ingest of {@code record.stream()}; the record is kept fresh until {@link
   * #withdraw}. {@code record} is unsigned: the directory signs what it writes.
   */
  Future<Void> announce(LiveStreamRecord record);

  /**
   * This edge no longer holds {@code stream} in session {@code session} (another session's record
   * stays).
   */
  Future<Void> withdraw(String stream, long session);

  /** Calls {@code listener} with the name of a stream whose record changed (on any thread). */
  void onChange(Consumer<String> listener);

  /** The Hazelcast member id of this edge written into records, or a fixed id without a cluster. */
  String memberId();
}
