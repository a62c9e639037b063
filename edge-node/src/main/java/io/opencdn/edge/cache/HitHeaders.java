package io.opencdn.edge.cache;

import io.vertx.core.MultiMap;

/**
 * The complete header block of a full hit on one stored response, built by the HTTP stage and kept
 * in the entry ({@link CachedResponse#hitHeaders()}) while it stays valid: for the edge whose
 * X-Cache label is {@code servedBy} (compared by identity) and for one {@code Age} value. A hit
 * then sets the whole block on its response at once instead of adding the fields one by one. Final
 * fields only, so an entry may publish it to other event loops through a benign race.
 *
 * @param servedBy the X-Cache label of the edge that built it (identity, not equality)
 * @param ageSeconds the Age the block carries
 * @param headers the read-only header block
 */
public record HitHeaders(CharSequence servedBy, long ageSeconds, MultiMap headers) {

  /** Whether this block is the one {@code label} serves at {@code age}. */
  public boolean holds(CharSequence label, long age) {
    return servedBy == label && ageSeconds == age;
  }
}
