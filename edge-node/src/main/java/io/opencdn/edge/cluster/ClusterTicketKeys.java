package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.edge.tls.LocalTicketKeyStore;
import io.opencdn.edge.tls.TicketKeyStore;
import io.opencdn.edge.tls.TicketKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * TLS session ticket keys shared by every edge of the cluster, so that a client resumes its session
 * on whichever edge DNS sends it to next. The map {@value #MAP} holds one key per rotation epoch;
 * the first edge to need an epoch's key writes a random one ({@code putIfAbsent}, TTL three epochs)
 * and every edge reads the same. The cluster network has no TLS and Hazelcast's open-source edition
 * no member authentication, so a key is sealed with AES-256-GCM under a key derived from the
 * cluster secret ({@code HMAC-SHA256(secret, "opencdn tls ticket keys v1")}), the epoch as
 * associated data: a process without the secret learns no ticket key and cannot plant one (a value
 * that does not open is ignored and counted), nor move one to another epoch.
 */
public final class ClusterTicketKeys implements TicketKeyStore {

  /** Name of the map. */
  public static final String MAP = ClusterMaps.TLS_TICKET_KEYS;

  private static final String LABEL = "opencdn tls ticket keys v1";
  private static final int NONCE = 12;

  private final Vertx vertx;
  private final IMap<Long, byte[]> map;
  private final SecretKeySpec sealing;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong rejected = new AtomicLong();

  public ClusterTicketKeys(Vertx vertx, HazelcastInstance hz, String secret) {
    this.vertx = vertx;
    this.map = hz.getMap(MAP);
    this.sealing = new SecretKeySpec(derive(secret), "AES");
  }

  @Override
  public Future<Map<Long, byte[]>> keys(long current, long lifetimeSeconds) {
    // IMap has no asynchronous putIfAbsent with a TTL: two small blocking calls on a worker thread
    return vertx
        .executeBlocking(
            () -> {
              for (long e = current; e <= current + 1; e++) {
                if (map.get(e) == null) {
                  map.putIfAbsent(
                      e,
                      seal(e, LocalTicketKeyStore.randomKey(random)),
                      lifetimeSeconds,
                      TimeUnit.SECONDS);
                }
              }
              return map.getAll(Set.of(current - 1, current, current + 1));
            },
            false)
        .map(
            entries -> {
              Map<Long, byte[]> out = new HashMap<>();
              entries.forEach(
                  (epoch, value) -> {
                    byte[] key = open(epoch, value);
                    if (key == null) {
                      rejected.incrementAndGet();
                    } else {
                      out.put(epoch, key);
                    }
                  });
              return out;
            });
  }

  /** Values in the map that did not open (forged, or sealed under another secret). */
  public long rejected() {
    return rejected.get();
  }

  /** {@code key} sealed for {@code epoch}: nonce, then ciphertext and tag. */
  byte[] seal(long epoch, byte[] key) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, sealing, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad(epoch));
      byte[] body = c.doFinal(key);
      byte[] out = new byte[NONCE + body.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(body, 0, out, NONCE, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The key {@link #seal} sealed for {@code epoch}, or null when {@code value} is not one. */
  byte[] open(long epoch, byte[] value) {
    if (value == null || value.length != NONCE + TicketKeys.KEY_BYTES + 16) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, sealing, new GCMParameterSpec(128, value, 0, NONCE));
      c.updateAAD(aad(epoch));
      return c.doFinal(value, NONCE, value.length - NONCE);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static byte[] aad(long epoch) {
    return (MAP + "|" + epoch).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] derive(String secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return m.doFinal(LABEL.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
