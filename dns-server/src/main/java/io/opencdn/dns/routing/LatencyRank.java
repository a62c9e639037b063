package io.opencdn.dns.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Policy {@code latency}: when fresh measurements (younger than {@code maxAgeSeconds}) exist for
 * the client's network, measured edges come first, fastest first; RTTs within {@code
 * toleranceMillis} of each other count as equal and keep the order they had (distance, then hash).
 * Unmeasured edges follow in their previous order. Without any fresh measurement for the client the
 * ranking is left as it was, so a chain {@code distance, latency} means "lowest latency when known,
 * else nearest".
 *
 * @param maxAgeSeconds measurements older than this are ignored (default 300)
 * @param toleranceMillis RTT bucket width in ms (default 5)
 */
public record LatencyRank(long maxAgeSeconds, double toleranceMillis) implements Policy {

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public boolean cacheable() {
    return true;
  }

  @Override
  public long latencyMaxAgeMillis() {
    return maxAgeSeconds * 1000;
  }

  @Override
  public Ranking apply(Ranking in, RouteContext ctx) {
    List<Candidate> measured = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    for (Candidate c : in.candidates()) {
      double ms =
          ctx.latency()
              .fresh(ctx.clientPrefix(), c.edge().id(), ctx.nowMillis(), maxAgeSeconds * 1000);
      if (Double.isNaN(ms)) {
        rest.add(c);
      } else {
        measured.add(c.withLatency(ms));
      }
    }
    if (measured.isEmpty()) {
      return in.next(
          in.candidates(),
          false,
          ctx,
          () -> "latency: no fresh measurement for " + ctx.clientPrefix() + ": order kept");
    }
    measured.sort(
        Comparator.comparingDouble(
            c ->
                toleranceMillis > 0 ? Math.floor(c.latencyMs() / toleranceMillis) : c.latencyMs()));
    List<Candidate> out = new ArrayList<>(measured);
    out.addAll(rest);
    return in.next(
        out,
        false,
        ctx,
        () ->
            "latency: "
                + measured.size()
                + " edges measured from "
                + ctx.clientPrefix()
                + ", fastest first: "
                + Ranking.ids(out));
  }
}
