package io.opencdn.dns.routing;

import io.opencdn.dns.geo.ClientLocation;
import java.util.List;
import java.util.Set;

/**
 * Policy {@code geofence}: which clients may be given the name at all, by country (ISO 3166-1
 * alpha-2) and continent (AF AN AS EU NA OC SA) of the client. A denied client gets no edge (the
 * answer is NODATA). Deny lists win over allow lists; with an allow list, a client must match it,
 * and a client whose country and continent are unknown is denied; without one, only the deny lists
 * apply.
 *
 * @param allowCountries countries allowed (empty = no country allow list)
 * @param denyCountries countries denied
 * @param allowContinents continents allowed (empty = no continent allow list)
 * @param denyContinents continents denied
 */
public record GeoFence(
    Set<String> allowCountries,
    Set<String> denyCountries,
    Set<String> allowContinents,
    Set<String> denyContinents)
    implements Policy {

  public GeoFence {
    allowCountries = Set.copyOf(allowCountries);
    denyCountries = Set.copyOf(denyCountries);
    allowContinents = Set.copyOf(allowContinents);
    denyContinents = Set.copyOf(denyContinents);
  }

  @Override
  public String name() {
    return "geofence";
  }

  @Override
  public boolean cacheable() {
    return true;
  }

  /** True when {@code client} may be answered. */
  public boolean allows(ClientLocation client) {
    String country = client == null ? null : client.country();
    String continent = client == null ? null : client.continent();
    if ((country != null && denyCountries.contains(country))
        || (continent != null && denyContinents.contains(continent))) {
      return false;
    }
    boolean anyAllow = !allowCountries.isEmpty() || !allowContinents.isEmpty();
    if (!anyAllow) {
      return true;
    }
    return (country != null && allowCountries.contains(country))
        || (continent != null && allowContinents.contains(continent));
  }

  @Override
  public Ranking apply(Ranking in, RouteContext ctx) {
    ClientLocation c = ctx.client();
    String who = c == null ? "unknown client" : "client in " + c.country() + "/" + c.continent();
    if (allows(c)) {
      return in.next(in.candidates(), false, ctx, () -> "geofence: " + who + " allowed");
    }
    return in.next(List.of(), false, ctx, () -> "geofence: " + who + " denied: no edge");
  }
}
