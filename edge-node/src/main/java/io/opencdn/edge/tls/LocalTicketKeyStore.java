package io.opencdn.edge.tls;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Random ticket keys of one edge (standalone, without a cluster); at most three kept. */
public final class LocalTicketKeyStore implements TicketKeyStore {

  private final SecureRandom random = new SecureRandom();
  private final Map<Long, byte[]> keys = new ConcurrentHashMap<>();

  @Override
  public Future<Map<Long, byte[]>> keys(long current, long lifetimeSeconds) {
    keys.keySet().removeIf(e -> e < current - 1 || e > current + 1);
    Map<Long, byte[]> out = new HashMap<>();
    for (long e = current - 1; e <= current + 1; e++) {
      byte[] k = e < current ? keys.get(e) : keys.computeIfAbsent(e, x -> randomKey(random));
      if (k != null) {
        out.put(e, k);
      }
    }
    return Future.succeededFuture(out);
  }

  /** A fresh random key of {@link TicketKeys#KEY_BYTES}. */
  public static byte[] randomKey(SecureRandom random) {
    byte[] k = new byte[TicketKeys.KEY_BYTES];
    random.nextBytes(k);
    return k;
  }
}
