package io.opencdn.dns.routing;

import io.opencdn.dns.geo.ClientLocation;

/**
 * Everything a {@link Policy} may look at for one decision; immutable.
 *
 * @param snapshot the edges
 * @param latency the latency measurements
 * @param client the client's location, or null when unknown
 * @param clientPrefix the client's latency key prefix ({@link LatencyTable#clientPrefix}), or null
 * @param subnetHash stable hash of the client's network
 * @param nowMillis the time of the decision (from the router's clock), for measurement ages
 * @param explain true when policies should write notes (the {@code route} command); false on the
 *     query path
 */
public record RouteContext(
    EdgeSnapshot snapshot,
    LatencyTable latency,
    ClientLocation client,
    String clientPrefix,
    int subnetHash,
    long nowMillis,
    boolean explain) {}
