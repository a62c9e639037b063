import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load client for the edge benchmarks of issue 5 (JDK only, run with the single-file source
 * launcher: {@code java bench/edgeload/EdgeLoad.java MODE ...}).
 *
 * <ul>
 *   <li>{@code sweep EDGE OBJECTS SIZE PASSES CONCURRENCY}: requests OBJECTS distinct objects of
 *       SIZE bytes ({@code /gen/m<i>.bin?size=SIZE&cc=max-age%3D3600}) in order, PASSES times,
 *       with CONCURRENCY threads; prints requests, hits, misses, errors, bytes and req/s.
 *   <li>{@code zipf EDGE TOKEN KEYS REQUESTS SKEW SIZE SEED CONCURRENCY}: replays one seeded
 *       Zipf(SKEW) trace over KEYS keys (objects of SIZE bytes) through the edge, counts X-Cache
 *       Hit vs Miss, reads the edge's budget and per-entry weight from {@code /_cdn/stats}, then
 *       simulates a byte-budget LRU (LinkedHashMap in access order) of the same budget and the
 *       same per-entry weight on the same trace; prints both hit ratios and the difference.
 * </ul>
 */
public final class EdgeLoad {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "sweep" -> sweep(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "zipf" -> zipf(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Double.parseDouble(args[5]), Integer.parseInt(args[6]), Long.parseLong(args[7]),
          Integer.parseInt(args[8]));
      default -> throw new IllegalArgumentException("mode: sweep | zipf");
    }
  }

  /** Outcome counters of one replay. */
  private static final class Counts {
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong other = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
  }

  /** Sends requests 0..n-1 (path of request i = path.applyAsInt(i)) with `threads` workers. */
  private static Counts replay(String edge, int n, IntUnaryOperator keyOf, int size, String prefix,
      int threads) throws InterruptedException {
    Counts c = new Counts();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        int i;
        while ((i = next.getAndIncrement()) < n) {
          String uri = edge + "/gen/" + prefix + keyOf.applyAsInt(i) + ".bin?size=" + size
              + "&cc=max-age%3D3600";
          try {
            HttpResponse<byte[]> r = CLIENT.send(
                HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length != size) {
              c.errors.incrementAndGet();
              continue;
            }
            c.bytes.addAndGet(r.body().length);
            String xc = r.headers().firstValue("X-Cache").orElse("");
            if (xc.startsWith("Hit") || xc.startsWith("RefreshHit")) {
              c.hits.incrementAndGet();
            } else if (xc.startsWith("Miss")) {
              c.misses.incrementAndGet();
            } else {
              c.other.incrementAndGet();
            }
          } catch (Exception e) {
            c.errors.incrementAndGet();
          }
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("replay did not finish");
    }
    return c;
  }

  private static void sweep(String edge, int objects, int size, int passes, int threads)
      throws Exception {
    long t0 = System.nanoTime();
    Counts c = replay(edge, objects * passes, i -> i % objects, size, "m", threads);
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("sweep: requests=%d hits=%d misses=%d other=%d errors=%d bytes=%d seconds=%.1f req/s=%.0f%n",
        (long) objects * passes, c.hits.get(), c.misses.get(), c.other.get(), c.errors.get(),
        c.bytes.get(), s, objects * passes / s);
    if (c.errors.get() > 0) {
      System.exit(1);
    }
  }

  /** A seeded Zipf(skew) trace of ranks 0..keys-1 (rank 0 most popular), inverse CDF sampling. */
  static int[] zipfTrace(int keys, int requests, double skew, long seed) {
    double[] cdf = new double[keys];
    double sum = 0;
    for (int k = 0; k < keys; k++) {
      sum += 1.0 / Math.pow(k + 1, skew);
      cdf[k] = sum;
    }
    Random rnd = new Random(seed);
    int[] trace = new int[requests];
    for (int i = 0; i < requests; i++) {
      double u = rnd.nextDouble() * sum;
      int lo = 0;
      int hi = keys - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      trace[i] = lo;
    }
    // ranks -> key ids through a seeded permutation, so popularity is not tied to name order
    int[] perm = new int[keys];
    for (int k = 0; k < keys; k++) {
      perm[k] = k;
    }
    for (int k = keys - 1; k > 0; k--) {
      int j = rnd.nextInt(k + 1);
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    for (int i = 0; i < requests; i++) {
      trace[i] = perm[trace[i]];
    }
    return trace;
  }

  /** Hit ratio of a byte-budget LRU (every object weighs `weight`) on the trace. */
  static double lruHitRatio(int[] trace, long budget, long weight) {
    LinkedHashMap<Integer, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true);
    long used = 0;
    long hits = 0;
    for (int key : trace) {
      if (lru.get(key) != null) {
        hits++;
        continue;
      }
      if (weight > budget) {
        continue;
      }
      lru.put(key, Boolean.TRUE);
      used += weight;
      var it = lru.entrySet().iterator();
      while (used > budget) {
        it.next();
        it.remove();
        used -= weight;
      }
    }
    return (double) hits / trace.length;
  }

  private static long statsField(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in /_cdn/stats: " + json);
    }
    return Long.parseLong(m.group(1));
  }

  private static String stats(String edge, String token) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(edge + "/_cdn/stats"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/_cdn/stats answered " + r.statusCode());
    }
    return r.body();
  }

  private static void zipf(String edge, String token, int keys, int requests, double skew,
      int size, long seed, int threads) throws Exception {
    int[] trace = zipfTrace(keys, requests, skew, seed);
    long distinct = java.util.Arrays.stream(trace).distinct().count();
    long t0 = System.nanoTime();
    Counts c = replay(edge, requests, i -> trace[i], size, "z", threads);
    double s = (System.nanoTime() - t0) / 1e9;
    String st = stats(edge, token);
    long budget = statsField(st, "budgetBytes");
    long entries = statsField(st, "entries");
    long bytes = statsField(st, "bytes");
    long weight = entries == 0 ? size : Math.round((double) bytes / entries);
    double edgeRatio = (double) c.hits.get() / requests;
    double lruRatio = lruHitRatio(trace, budget, weight);
    System.out.printf("trace: Zipf(%.2f) seed=%d keys=%d requests=%d distinct=%d object=%d B, concurrency=%d%n",
        skew, seed, keys, requests, distinct, size, threads);
    System.out.printf("edge: hits=%d misses=%d other=%d errors=%d in %.1f s (%.0f req/s); stats entries=%d bytes=%d budget=%d evictions=%d%n",
        c.hits.get(), c.misses.get(), c.other.get(), c.errors.get(), s, requests / s, entries,
        bytes, budget, statsField(st, "evictions"));
    System.out.printf("cache holds %d objects of ~%d B weight (%.1f%% of the %d distinct keys)%n",
        budget / weight, weight, 100.0 * (budget / weight) / distinct, distinct);
    System.out.printf("hit ratio edge (Caffeine W-TinyLFU): %.4f%n", edgeRatio);
    System.out.printf("hit ratio LRU (same budget, same weight): %.4f%n", lruRatio);
    System.out.printf("difference edge - LRU: %+.4f (%s)%n", edgeRatio - lruRatio,
        edgeRatio > lruRatio ? "PASS: above LRU" : "FAIL: not above LRU");
    if (c.errors.get() > 0 || c.other.get() > 0) {
      System.out.println("WARNING: errors or unexpected X-Cache values in the replay");
    }
  }
}
