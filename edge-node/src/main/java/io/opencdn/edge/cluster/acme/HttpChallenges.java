package io.opencdn.edge.cluster.acme;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.AcmeChallenge;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.MapMirror;
import io.opencdn.common.cluster.RecordMac;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The HTTP-01 answers (RFC 8555 8.3) that the issuing member publishes cluster-wide ({@link
 * ChallengeBoard#publishHttp}), served by every edge at {@value #PATH}{@code <token>} on its plain
 * HTTP listener, before any distribution, behavior or cache: the ACME server may reach any edge the
 * name resolves to. Kept in memory from the map's entry events; each answer's {@link RecordMac} and
 * expiry are checked when it is asked for, so what a member without the cluster secret writes is
 * never served. {@link #before} never blocks.
 */
public final class HttpChallenges {

  /** The path prefix of RFC 8555 8.3. */
  public static final String PATH = "/.well-known/acme-challenge/";

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final RecordMac mac;
  private final Clock clock;
  private final MapMirror answers = new MapMirror(k -> k.startsWith(ChallengeBoard.HTTP_PREFIX));
  private final AtomicLong served = new AtomicLong();
  private volatile UUID listener;

  public HttpChallenges(Vertx vertx, HazelcastInstance hz, String secret, Clock clock) {
    this.vertx = vertx;
    this.map = hz.getMap(ClusterMaps.ACME_CHALLENGES);
    this.mac = RecordMac.fromSecret(secret);
    this.clock = clock;
  }

  /** Follows the map (off the event loop). */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          listener = answers.follow(map);
          return null;
        },
        false);
  }

  /** Stops following. */
  public void stop() {
    UUID l = listener;
    if (l != null) {
      vertx.executeBlocking(() -> map.removeEntryListener(l), false);
    }
  }

  /** How many challenge requests were answered with a key authorization. */
  public long served() {
    return served.get();
  }

  /** {@code next}, with the requests for {@value #PATH} answered first. */
  public Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
    return req -> {
      String path = req.path();
      if (path == null || !path.startsWith(PATH)) {
        next.handle(req);
        return;
      }
      String auth = answer(path.substring(PATH.length()));
      if (auth == null || (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD)) {
        req.response()
            .setStatusCode(auth == null ? 404 : 405)
            .putHeader("Cache-Control", "no-store")
            .end();
        return;
      }
      served.incrementAndGet();
      req.response()
          .putHeader("Content-Type", "application/octet-stream")
          .putHeader("Cache-Control", "no-store")
          .end(auth);
    };
  }

  /** The key authorization of {@code token}, or null (none, not authentic or expired). */
  String answer(String token) {
    if (!TOKEN.matcher(token).matches()) {
      return null;
    }
    String key = ChallengeBoard.httpKey(token);
    AcmeChallenge c = AcmeChallenge.decode(answers.get(key));
    if (c == null
        || c.values().size() != 1
        || c.expiresAtMillis() <= clock.millis()
        || !c.authentic(mac, key)) {
      return null;
    }
    return c.values().get(0);
  }
}
