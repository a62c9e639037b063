package io.opencdn.edge.cluster.status;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the DNS servers send each sample client now: the decision of {@code /route} for every
 * address of {@link #clients}, kept between two asks so that a change (a failover, or the way back)
 * is reported. Used on the view's context only.
 */
final class SampleRoutes {

  private final DnsRoutes routes;
  private final List<String> clients;
  private final Map<String, JsonObject> decisions = new HashMap<>();

  SampleRoutes(DnsRoutes routes, List<String> clients) {
    this.routes = routes;
    this.clients = List.copyOf(clients);
  }

  /** Asks {@code admins} for every client; {@code changed} hears each client sent elsewhere. */
  Future<?> refresh(List<String> admins, Consumer<String> changed) {
    List<Future<?>> all = new ArrayList<>();
    for (String client : clients) {
      all.add(
          routes
              .explain(admins, client, null)
              .map(text -> DnsRoutes.decision(client, text))
              .otherwise(t -> new JsonObject().put("client", client).put("error", t.getMessage()))
              .onSuccess(
                  d -> {
                    String was = first(decisions.put(client, d));
                    String now = first(d);
                    if (was != null && now != null && !was.equals(now)) {
                      String where =
                          d.getString("country") == null ? "" : " (" + d.getString("country") + ")";
                      changed.accept(
                          "clients of "
                              + client
                              + where
                              + " now go to "
                              + now
                              + ", were sent to "
                              + was);
                    }
                  }));
    }
    return Future.join(all);
  }

  /** The latest decisions, in the order of {@link #clients}. */
  JsonArray json() {
    JsonArray out = new JsonArray();
    clients.forEach(
        c -> {
          if (decisions.containsKey(c)) {
            out.add(decisions.get(c));
          }
        });
    return out;
  }

  private static String first(JsonObject decision) {
    if (decision == null || decision.getJsonArray("edges") == null) {
      return null;
    }
    JsonArray e = decision.getJsonArray("edges");
    return e.isEmpty() ? "(none)" : e.getString(0);
  }
}
