package io.opencdn.dns.acme;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.AcmeChallenge;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.MapMirror;
import io.opencdn.common.cluster.RecordCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The ACME DNS-01 challenges the cluster publishes (RFC 8555 8.4), as the DNS server answers them:
 * the TXT values of {@code _acme-challenge.<host>} names from the map {@link
 * ClusterMaps#ACME_CHALLENGES}, which the edge that is issuing a certificate writes. Kept in memory
 * from the map's entry events (a write is served within milliseconds); each record is checked
 * against the cluster's {@link io.opencdn.common.cluster.RecordMac} and its expiry when it is asked
 * for, so what a member without the secret writes is never served. {@link #txt} never blocks.
 */
public final class ClusterChallenges {

  /** The first label of every DNS-01 record name. */
  public static final String LABEL = "_acme-challenge";

  /** TTL of the TXT answers: short, an ACME server asks again after a retry. */
  public static final long TTL_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterChallenges.class);

  private final MapMirror records = new MapMirror(k -> true);
  private final RecordCheck check;
  private final Clock clock;

  /** Starts following the map once {@code member} has joined. */
  public ClusterChallenges(
      Vertx vertx, Future<HazelcastInstance> member, RecordCheck check, Clock clock) {
    this.check = check;
    this.clock = clock;
    member.onSuccess(
        hz ->
            vertx
                .executeBlocking(
                    () -> {
                      records.follow(hz.getMap(ClusterMaps.ACME_CHALLENGES));
                      return null;
                    },
                    false)
                .onFailure(t -> LOG.warn("cannot follow the ACME challenges: {}", t.toString())));
  }

  /** True when {@code name} is a DNS-01 record name (its first label is {@value #LABEL}). */
  public static boolean isChallengeName(Name name) {
    return name.labels() > 1 && LABEL.equalsIgnoreCase(name.getLabelString(0));
  }

  /** The TXT values published for {@code name}, empty when none (or none authentic and current). */
  public List<String> txt(Name name) {
    String key = key(name);
    AcmeChallenge c = AcmeChallenge.decode(records.get(key));
    if (c == null) {
      return List.of();
    }
    boolean authentic = c.authentic(check.mac(), key);
    if (!check.accept(authentic, c.expiresAtMillis() > clock.millis())) {
      return List.of();
    }
    return c.values();
  }

  /** The map key of {@code name}: lower case, without the final dot. */
  public static String key(Name name) {
    String s = name.toString(true);
    return s.toLowerCase(Locale.ROOT);
  }

  /** Takes one entry of the map (as read, or from an event). */
  void put(Object key, Object value) {
    records.put(key, value);
  }
}
