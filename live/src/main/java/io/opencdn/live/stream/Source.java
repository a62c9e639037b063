package io.opencdn.live.stream;

/**
 * What feeds a live stream on this edge: a publisher's connection (the edge is the stream's ingest)
 * or a relay's upstream connection to the ingest edge. A stream has one source at a time; a new one
 * displaces the old.
 */
public interface Source {

  /** Whether the stream is published on this edge (a publisher) rather than relayed. */
  boolean local();

  /** Another source took the stream over: stop feeding it and close the connection. */
  void displaced();

  /** For logs and stats: the publisher's address, or the upstream edge. */
  String describe();
}
