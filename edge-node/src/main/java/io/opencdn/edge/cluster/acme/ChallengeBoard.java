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
 * name, which every DNS server of the cluster then answers (RFC 8555 8.4), each record tagged with
 * the cluster's {@link RecordMac} and given a TTL. Blocking Hazelcast calls: a worker thread's.
 */
final class ChallengeBoard {

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

  /** Withdraws the records of {@code names}. */
  void withdraw(Iterable<String> names) {
    for (String n : names) {
      map.delete(key(n));
    }
  }
}
