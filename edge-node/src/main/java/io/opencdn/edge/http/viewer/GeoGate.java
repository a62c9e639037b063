package io.opencdn.edge.http.viewer;

import io.opencdn.common.distribution.GeoRestriction;
import java.net.InetAddress;
import java.util.List;

/**
 * The geo restriction decision for one request: which address is the client ({@link
 * GeoRestriction#client}: the peer, or {@code X-Forwarded-For} behind a trusted proxy), its country
 * ({@link GeoCountries}) and whether the distribution serves it ({@link GeoRestriction#admits}).
 */
public final class GeoGate {

  private GeoGate() {}

  /**
   * The decision.
   *
   * @param client the address located
   * @param country its ISO country, or null when unknown
   * @param admitted whether the request is served
   */
  public record Decision(InetAddress client, String country, boolean admitted) {}

  /** Decides for a request from {@code peer} with the {@code X-Forwarded-For} values given. */
  public static Decision decide(
      GeoRestriction g, GeoCountries db, InetAddress peer, List<String> forwardedFor) {
    InetAddress client = g.client(peer, forwardedFor);
    String country = db == null ? null : db.country(client);
    return new Decision(client, country, g.admits(country));
  }
}
