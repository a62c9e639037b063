package io.opencdn.edge.cluster.acme;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.config.AcmeConfig;
import io.opencdn.edge.tls.CertificateSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ACME certificate ({@code tls.acme.hosts}, or a distribution's), kept current for the whole
 * cluster. Every edge serves the certificate stored in {@link ClusterMaps#ACME_CERTIFICATES}
 * (installed through the HTTPS listener's checked reload as soon as an entry event says it changed:
 * no connection is dropped). When there is none, or it has reached two thirds of its lifetime, one
 * member orders a new one: the members race for a cluster lock with a lease ({@link #LEASE_MINUTES}
 * minutes, freed at once when the holder leaves the cluster) and the holder, after checking again
 * that the work is still to be done, orders through {@link AcmeIssuer}. A failed order is retried
 * after {@code retrySeconds}, doubled per failure up to {@code retryMaxSeconds}. The account key is
 * stored too, so a restart neither registers again nor re-issues.
 */
public final class AcmeCertificates {

  /** Longest time a member may hold the issuing lock. */
  public static final long LEASE_MINUTES = 10;

  private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);

  private final Vertx vertx;
  private final String edgeId;
  private final AcmeConfig config;
  private final Clock clock;
  private final Function<List<CertificateSet.Pem>, Future<?>> serve;
  private final IMap<String, String> map;
  private final AcmeStore store;
  private final AcmeIssuer issuer;
  private final String certificateKey;
  private volatile String served;
  private volatile long nextCheck;
  private volatile int failures;
  private volatile long issued;
  private volatile String lastError;
  private volatile long timer = -1;
  private volatile boolean stopped;
  private UUID listener;

  /**
   * @param secret the cluster secret (seals the keys, signs the challenges)
   * @param serve installs certificates into the HTTPS listener ({@code TlsListener::serve})
   */
  public AcmeCertificates(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      AcmeConfig config,
      String secret,
      Clock clock,
      Function<List<CertificateSet.Pem>, Future<?>> serve) {
    this.vertx = vertx;
    this.edgeId = edgeId;
    this.config = config;
    this.clock = clock;
    this.serve = serve;
    this.map = hz.getMap(ClusterMaps.ACME_CERTIFICATES);
    this.store =
        new AcmeStore(
            map,
            new KeySeal(secret),
            config.directory(),
            config.storeDirectory() == null
                ? null
                : new AcmeDisk(java.nio.file.Path.of(config.storeDirectory())));
    this.issuer =
        new AcmeIssuer(
            config,
            new ChallengeBoard(
                hz.getMap(ClusterMaps.ACME_CHALLENGES), RecordMac.fromSecret(secret)),
            clock);
    this.certificateKey = store.certificateKey(config.hosts());
  }

  /** Installs the stored certificate if any, follows changes, and starts the renewal checks. */
  public Future<Void> start() {
    return vertx
        .executeBlocking(
            () -> {
              listener = map.addEntryListener(new Changes(), certificateKey, true);
              return store.certificate(config.hosts());
            },
            false)
        .compose(this::install)
        .onComplete(r -> schedule(0))
        .mapEmpty();
  }

  /** Stops the checks and the following (an order under way runs to its end). */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (listener != null) {
      vertx.executeBlocking(() -> map.removeEntryListener(listener), false);
    }
  }

  /** What {@code GET /_cdn/acme} shows of it. */
  public JsonObject stats() {
    return new JsonObject()
        .put("directory", config.directory())
        .put("hosts", config.hosts())
        .put("challenge", config.challenge())
        .put("served", served)
        .put("issuedHere", issued)
        .put("failures", failures)
        .put("lastError", lastError)
        .put("nextCheck", nextCheck == 0 ? null : Instant.ofEpochMilli(nextCheck).toString());
  }

  private Future<Void> install(AcmeStore.Issued cert) {
    if (cert == null) {
      return Future.succeededFuture();
    }
    String fingerprint = AcmeStore.sha256(cert.chainPem());
    if (fingerprint.equals(served)) {
      return Future.succeededFuture();
    }
    CertificateSet.Pem pem =
        new CertificateSet.Pem(
            "acme:" + String.join(",", cert.hosts()),
            cert.chainPem().getBytes(StandardCharsets.US_ASCII),
            cert.keyPem().getBytes(StandardCharsets.US_ASCII));
    return serve
        .apply(List.of(pem))
        .onSuccess(
            r -> {
              served = fingerprint;
              LOG.info(
                  "edge {}: serving the ACME certificate for {} (serial {}) until {}",
                  edgeId,
                  cert.hosts(),
                  cert.serial(),
                  Instant.ofEpochMilli(cert.notAfterMillis()));
            })
        .onFailure(t -> LOG.error("edge {}: ACME certificate refused: {}", edgeId, t.getMessage()))
        .mapEmpty();
  }

  private void schedule(long delayMillis) {
    if (stopped) {
      return;
    }
    nextCheck = clock.millis() + delayMillis;
    timer = vertx.setTimer(Math.max(1, delayMillis), t -> check());
  }

  private void check() {
    vertx
        .executeBlocking(this::renewIfDue, false)
        .onSuccess(
            next -> {
              failures = 0;
              schedule(Math.max(0, next - clock.millis()));
            })
        .onFailure(
            t -> {
              int n = ++failures;
              lastError = t.toString();
              long backoff =
                  Math.min(
                      config.retryMaxSeconds() * 1000L,
                      config.retrySeconds() * 1000L << Math.min(20, n - 1));
              LOG.warn(
                  "edge {}: ACME order for {} failed ({} in a row), next try in {} s: {}",
                  edgeId,
                  config.hosts(),
                  n,
                  backoff / 1000,
                  t.toString());
              schedule(backoff);
            });
  }

  /** Orders a certificate when none is current; yields when to look again (epoch ms). */
  private long renewIfDue() throws Exception {
    AcmeStore.Issued cert = store.certificate(config.hosts());
    long now = clock.millis();
    if (cert != null && now < cert.renewAtMillis()) {
      return cert.renewAtMillis();
    }
    String lock = "lock|" + certificateKey;
    if (!map.tryLock(lock, 0, TimeUnit.SECONDS, LEASE_MINUTES, TimeUnit.MINUTES)) {
      // another member is ordering: its certificate arrives through the entry listener
      return now + config.retrySeconds() * 1000L;
    }
    try {
      cert = store.certificate(config.hosts());
      if (cert != null && clock.millis() < cert.renewAtMillis()) {
        return cert.renewAtMillis();
      }
      KeyPair account = store.account();
      if (account == null) {
        account = store.putAccountIfAbsent(AcmeIssuer.newAccountKey());
      }
      LOG.info(
          "edge {}: ordering a certificate for {} from {}",
          edgeId,
          config.hosts(),
          config.directory());
      AcmeStore.Issued fresh = issuer.issue(account, config.hosts());
      store.put(fresh);
      issued++;
      LOG.info(
          "edge {}: certificate for {} issued (serial {}) and stored for the cluster",
          edgeId,
          config.hosts(),
          fresh.serial());
      // a certificate whose renewal time has already come (a lifetime shorter than the checks)
      // is not ordered again at once
      return Math.max(fresh.renewAtMillis(), clock.millis() + config.retrySeconds() * 1000L);
    } finally {
      map.unlock(lock);
    }
  }

  private final class Changes
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      changed(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      changed(e);
    }

    private void changed(EntryEvent<String, String> e) {
      AcmeStore.Issued cert = store.open(e.getKey(), e.getValue());
      vertx.runOnContext(v -> install(cert));
      if (cert != null && config.storeDirectory() != null) {
        vertx.executeBlocking(
            () -> {
              store.persist(e.getKey(), e.getValue());
              return null;
            },
            false);
      }
    }
  }
}
