package io.opencdn.dns.geo;

/**
 * The operator's coverage zones as the {@link LocationChain} consults them: the table in use right
 * now. A {@link CoverageZones} table is its own coverage; a {@link CoverageFile} gives the table of
 * its last good read, and a reload installs a new table object (the {@link LocationCache} notices
 * reloads by identity).
 */
public interface Coverage {

  /** The table in use right now. */
  CoverageZones current();
}
