package io.opencdn.dns.explain;

import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.routing.Decision;
import io.opencdn.dns.routing.LatencyTable;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Why one client gets the answer it gets for one geo-routed name.
 *
 * @param client the address asked about
 * @param ecsPrefix the Client Subnet source prefix the query is assumed to carry
 * @param name the geo-routed name
 * @param policies names of the name's policies, in order
 * @param locationNotes what each location step found
 * @param decision the routing decision
 * @param latency latency samples of the client's network by edge id (any age)
 * @param nowMillis time of the decision
 * @param scope ECS scope of the answer
 * @param ttl TTL of the answer
 * @param checked health state per edge id as the explainer saw it ("up", "down", "unchecked")
 */
public record Explanation(
    InetAddress client,
    int ecsPrefix,
    String name,
    List<String> policies,
    List<String> locationNotes,
    Decision decision,
    Map<String, LatencyTable.Sample> latency,
    long nowMillis,
    int scope,
    int ttl,
    Map<String, String> checked) {

  /** The location the decision used, or null. */
  public ClientLocation location() {
    return decision.client();
  }
}
