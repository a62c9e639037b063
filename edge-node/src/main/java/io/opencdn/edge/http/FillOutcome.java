package io.opencdn.edge.http;

import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.FillException;

/** What the leader of a collapsed fill hands to the requests that waited for it. */
sealed interface FillOutcome {

  /** The response was complete and storable: serve it. */
  record Shared(CachedResponse response) implements FillOutcome {}

  /** Not shareable (uncacheable or too large): each waiter asks the origin itself. */
  record Pass() implements FillOutcome {}

  /** The origin failed: answer with the same error. */
  record Failed(FillException error) implements FillOutcome {}
}
