package io.opencdn.edge.admin.status;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What the status page shows, supplied by the stage that sees the cluster ({@code
 * cluster.status.StatusView}): this stage only serves it.
 */
public interface StatusSource {

  /**
   * The latest picture of the cluster (edges with health, drain state, load and hit ratio; DNS
   * servers; where sample clients are sent; recent failovers; invalidations; config versions).
   * Never blocks: it is the last one gathered, and asking keeps the gathering going for a while.
   */
  JsonObject snapshot();

  /**
   * The DNS server's explanation of its decision for {@code client} (an IP address) asking for
   * {@code host} (null: the first geo-routed name), as {@code ./cdn route} prints it. Fails with
   * {@link IllegalArgumentException} for bad input (an HTTP 400) and with another exception when no
   * DNS server answers (a 502).
   */
  Future<String> explain(String client, String host);
}
