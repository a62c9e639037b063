package io.opencdn.dns.explain;

import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Explanations from a running server's own state: its location chain, the routes and router of its
 * current answer stage (a reload changes them), its current edge snapshot with live health and
 * load, and the latency table. The admin listener serves it as {@code GET
 * /route?client=IP[&name=NAME][&prefix=N]}. Thread-safe; never blocks.
 */
public final class LiveExplainer {

  private final LocationChain locator;
  private final EdgeSnapshotSource edges;
  private final Supplier<AnswerStage> stage;
  private final Clock clock;

  /**
   * @param locator the server's location chain (explanations trace it, bypassing the cache)
   * @param edges the server's edge snapshots
   * @param stage the server's current answer stage
   */
  public LiveExplainer(
      LocationChain locator, EdgeSnapshotSource edges, Supplier<AnswerStage> stage, Clock clock) {
    this.locator = locator;
    this.edges = edges;
    this.stage = stage;
    this.clock = clock;
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
    AnswerStage current = stage.get();
    Explainer explainer = new Explainer(current.routes(), locator, current.router(), clock);
    return ExplanationText.render(explainer.explain(a, p, name, edges.current(), Map.of()));
  }
}
