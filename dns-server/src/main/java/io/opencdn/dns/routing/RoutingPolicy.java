package io.opencdn.dns.routing;

import io.opencdn.dns.geo.ClientLocation;
import org.xbill.DNS.Name;

/**
 * Picks the edges one answer lists. A policy is a pure function of its arguments: no I/O, no locks;
 * everything it may use is in the snapshot and the client.
 */
public interface RoutingPolicy {

  /** Short name for logs and docs, e.g. {@code nearest-healthy}. */
  String name();

  /**
   * Chooses edges.
   *
   * @param snapshot all known edges
   * @param family the address family the answer needs
   * @param client the client's location, or null when unknown
   * @param subnetHash stable hash of the client's network, to break ties the same way every time
   * @param count how many edges the answer should list
   */
  Selection select(
      EdgeSnapshot snapshot, Family family, ClientLocation client, int subnetHash, int count);

  /**
   * Chooses edges for the geo-routed name {@code name}; policies configured per name (see {@link
   * Router}) override this. The default ignores the name.
   */
  default Selection select(
      Name name,
      EdgeSnapshot snapshot,
      Family family,
      ClientLocation client,
      int subnetHash,
      int count) {
    return select(snapshot, family, client, subnetHash, count);
  }
}
