package io.opencdn.dns.explain;

import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.routing.EdgeSnapshot;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;

/**
 * Explanations from a running server's own state (its location chain, router, current edge
 * snapshot with live health and load, latency table): the small interface an admin endpoint such
 * as {@code GET /route?client=IP[&name=NAME][&prefix=N]} can call. Thread-safe; never blocks.
 */
public final class LiveExplainer {

  private final DnsServer server;
  private final Explainer explainer;

  /** An explainer of {@code server}, which was built from {@code config}. */
  public LiveExplainer(DnsServer server, DnsConfig config, Clock clock) {
    if (server.locator() == null) {
      throw new IllegalArgumentException("the server has no location chain (made by DnsServer.withEdges)");
    }
    this.server = server;
    this.explainer = new Explainer(config, server.locator(), server.router(), clock);
  }

  /**
   * The text explanation for {@code client} (an IP address), {@code name} (null: the first routed
   * name) and ECS {@code prefix} (null: 24 / 56).
   *
   * @throws IllegalArgumentException for a bad address, prefix or name (an HTTP 400)
   */
  public String explain(String client, String name, Integer prefix) {
    if (client == null || client.isBlank()) {
      throw new IllegalArgumentException("client: an IP address is required");
    }
    InetAddress a = RouteCommand.address(client);
    int max = a.getAddress().length * 8;
    int p = prefix != null ? prefix : max == 32 ? 24 : 56;
    if (p < 1 || p > max) {
      throw new IllegalArgumentException("prefix " + p + ": expected 1.." + max);
    }
    EdgeSnapshot snapshot = server.directory() == null ? EdgeSnapshot.EMPTY : server.directory().current();
    return ExplanationText.render(explainer.explain(a, p, name, snapshot, Map.of()));
  }
}
