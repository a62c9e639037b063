package io.opencdn.edge.cluster.acme;

import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.AcmeChallenge;
import io.opencdn.common.cluster.RecordMac;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the answers to ACME challenges cluster-wide, in {@link
 * io.opencdn.common.cluster.ClusterMaps#ACME_CHALLENGES}: the TXT values of each DNS-01 record
 * name, which every DNS server of the cluster then answers (RFC 8555 8.4), and the key
 * authorization of each HTTP-01 token under {@code http-01/<token>}, which every edge then serves
 * ({@link HttpChallenges}, RFC 8555 8.3); each record tagged with the cluster's {@link RecordMac}
 * and given a TTL. Blocking Hazelcast calls: a worker thread's.
 */
final class ChallengeBoard {

  /** Prefix of the map keys of HTTP-01 tokens. */
  static final String HTTP_PREFIX = "http-01/";

  private final IMap<String, String> map;
  private final RecordMac mac;

  ChallengeBoard(IMap<String, String> map, RecordMac mac) {
    this.map = map;
    this.mac = mac;
  }

  /** The map key of a record name ({@code _acme-challenge.www.cdn.test.}): lower case, no dot. */
  static String key(String recordName) {
    String n = recordName.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** Publishes the values of each record name until {@code expiresAtMillis}. */
  void publish(Map<String, List<String>> byName, long expiresAtMillis, long ttlSeconds) {
    byName.forEach(
        (name, values) ->
            map.set(
                key(name),
                new AcmeChallenge(values, expiresAtMillis, null).signed(mac, key(name)).encode(),
                ttlSeconds,
                TimeUnit.SECONDS));
  }

  /** The map key of an HTTP-01 token (tokens are base64url: their case is kept). */
  static String httpKey(String token) {
    return HTTP_PREFIX + token;
  }

  /** Publishes the key authorization of each HTTP-01 token until {@code expiresAtMillis}. */
  void publishHttp(Map<String, String> byToken, long expiresAtMillis, long ttlSeconds) {
    byToken.forEach(
        (token, auth) ->
            map.set(
                httpKey(token),
                new AcmeChallenge(List.of(auth), expiresAtMillis, null)
                    .signed(mac, httpKey(token))
                    .encode(),
                ttlSeconds,
                TimeUnit.SECONDS));
  }

  /** Withdraws the HTTP-01 answers of {@code tokens}. */
  void withdrawHttp(Iterable<String> tokens) {
    for (String t : tokens) {
      map.delete(httpKey(t));
    }
  }

  /** Withdraws the records of {@code names}. */
  void withdraw(Iterable<String> names) {
    for (String n : names) {
      map.delete(key(n));
    }
  }
}
