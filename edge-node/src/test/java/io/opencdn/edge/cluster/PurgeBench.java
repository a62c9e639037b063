package io.opencdn.edge.cluster;

import io.opencdn.edge.cluster.ClusterHarness.Resp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Invalidation completion latency on three in-process edges (run by {@code bench/purge.sh}): caches
 * {@code objects} objects on every edge, then {@code rounds} times submits an invalidation
 * (alternately an exact path, a prefix wildcard and a surrogate key) at a rotating edge and polls
 * its status every millisecond until Completed. Prints p50, p90, p99 and max of submit-to-Completed
 * as the client sees it (POST until the GET that first says Completed).
 *
 * <p>Arguments: {@code [rounds] [objects]} (default 200 and 50).
 */
public final class PurgeBench {

  private PurgeBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int objects = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    try (ClusterHarness h = new ClusterHarness("purge-bench")) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (h.members.get(0).getCluster().getMembers().size() < 3
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      while (!h.members.stream().allMatch(m -> m.getPartitionService().isClusterSafe())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      for (int i = 0; i < objects; i++) {
        h.origin.content(
            "/bench/" + i,
            "object " + i,
            "Cache-Control",
            "max-age=3600",
            "Surrogate-Key",
            "k" + i);
      }
      List<Double> millis = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        int n = r % objects;
        for (int e = 0; e < 3; e++) {
          h.get(e, "/bench/" + n);
        }
        String body =
            switch (r % 3) {
              case 0 -> "{\"paths\":[\"/bench/" + n + "\"]}";
              case 1 -> "{\"paths\":[\"/bench/" + n + "*\"]}";
              default -> "{\"surrogateKeys\":[\"k" + n + "\"]}";
            };
        int edge = r % 3;
        long t0 = System.nanoTime();
        Resp accepted = h.admin(edge, HttpMethod.POST, "/_cdn/invalidations", body);
        if (accepted.status() != 202) {
          throw new IllegalStateException(
              "invalidation refused: " + accepted.status() + " " + accepted.body());
        }
        String id = new JsonObject(accepted.body()).getString("id");
        String status = new JsonObject(accepted.body()).getString("status");
        while (!"Completed".equals(status)) {
          if (System.nanoTime() - t0 > 10_000_000_000L) {
            throw new IllegalStateException("invalidation " + id + " not completed within 10 s");
          }
          Thread.sleep(1);
          status =
              new JsonObject(
                      h.admin(edge, HttpMethod.GET, "/_cdn/invalidations/" + id, null).body())
                  .getString("status");
        }
        millis.add((System.nanoTime() - t0) / 1e6);
      }
      Collections.sort(millis);
      System.out.printf("invalidations: %d on 3 edges, %d cached objects each%n", rounds, objects);
      System.out.printf(
          "submit-to-Completed ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
          pct(millis, 50), pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1));
      System.out.printf(
          "target (issue 6): p50 <= 100 ms, p99 <= 250 ms: %s%n",
          pct(millis, 50) <= 100 && pct(millis, 99) <= 250 ? "met" : "NOT met");
    }
    System.exit(0);
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
