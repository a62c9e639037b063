package io.opencdn.edge.tls;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Where the session ticket key of each rotation epoch comes from: this edge alone ({@link
 * LocalTicketKeyStore}) or the cluster, so that every edge issues and accepts the same tickets and
 * a client resumes on any of them.
 */
public interface TicketKeyStore {

  /**
   * Makes sure epochs {@code current} and {@code current + 1} have a key (the first writer's random
   * key wins), and yields the keys known for {@code current - 1 .. current + 1}, each {@link
   * TicketKeys#KEY_BYTES} long, by epoch.
   *
   * @param lifetimeSeconds how long a key must stay readable after its epoch began
   */
  Future<Map<Long, byte[]>> keys(long current, long lifetimeSeconds);
}
