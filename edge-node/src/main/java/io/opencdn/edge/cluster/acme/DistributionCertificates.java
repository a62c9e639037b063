package io.opencdn.edge.cluster.acme;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.distribution.CertificateSource;
import io.opencdn.common.distribution.Distribution;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.config.AcmeConfig;
import io.opencdn.edge.tls.CertificateSet;
import io.opencdn.edge.tls.PemFileWatch;
import io.opencdn.edge.tls.TlsListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the distributions name ({@code certificate:} in {@code distributions.yaml}), and
 * the one of {@code tls.acme.hosts}, served beside the edge's own {@code tls.certificates}: one
 * {@link AcmeCertificates} per ACME certificate (started when a version naming it is activated,
 * stopped when a version no longer does: no restart), and the PEM files of {@code source: files}
 * read on each edge, checked every {@code watchMillis} and when the operating system reports a
 * change in their directories, and served again when they change. Every source has its slot; the
 * union of the slots goes to the HTTPS listener's checked reload.
 */
public final class DistributionCertificates {

  private static final Logger LOG = LoggerFactory.getLogger(DistributionCertificates.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final String edgeId;
  private final AcmeConfig acme;
  private final String secret;
  private final Clock clock;
  private final int watchMillis;
  private final Function<List<CertificateSet.Pem>, Future<?>> serve;
  private final HttpChallenges http;
  private final Map<String, List<CertificateSet.Pem>> slots = new LinkedHashMap<>();
  private final Map<String, AcmeCertificates> orders = new LinkedHashMap<>();
  private final Map<String, CertificateSource> files = new LinkedHashMap<>();
  private PemFileWatch filesWatch;
  private Set<String> watched = Set.of();
  private final Map<String, String> problems = new LinkedHashMap<>();
  private DistributionsDocument pending;
  private boolean started;
  private long watchTimer = -1;

  /**
   * @param acme {@code tls.acme}, or null (then a distribution asking for ACME is only logged)
   * @param serve installs certificates beside the files' ({@code TlsListener::serve})
   */
  public DistributionCertificates(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      AcmeConfig acme,
      String secret,
      int watchMillis,
      Clock clock,
      Function<List<CertificateSet.Pem>, Future<?>> serve) {
    this.vertx = vertx;
    this.hz = hz;
    this.edgeId = edgeId;
    this.acme = acme;
    this.secret = secret;
    this.clock = clock;
    this.watchMillis = watchMillis;
    this.serve = serve;
    this.http = new HttpChallenges(vertx, hz, secret, clock);
  }

  /** The HTTP-01 answers this edge serves on its plain HTTP listener. */
  public HttpChallenges httpChallenges() {
    return http;
  }

  /** Starts the certificate of {@code tls.acme.hosts} and those of the version activated so far. */
  public Future<Void> start() {
    return http.start()
        .compose(
            v -> {
              Future<Void> f = Future.succeededFuture();
              synchronized (this) {
                started = true;
                if (acme != null && !acme.hosts().isEmpty()) {
                  f = startOrder("tls.acme", acme);
                }
                if (pending != null) {
                  reconcile(pending);
                }
                if (watchMillis > 0) {
                  watchTimer = vertx.setPeriodic(watchMillis, t -> readFiles());
                }
              }
              return f;
            });
  }

  /** Stops every order and the file checks. */
  public synchronized void stop() {
    started = false;
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
    watch(Set.of());
    orders.values().forEach(AcmeCertificates::stop);
    orders.clear();
    http.stop();
  }

  /** Follows a newly activated {@code distributions.yaml} version (any thread). */
  public synchronized void activate(DistributionsDocument doc) {
    pending = doc;
    if (started) {
      reconcile(doc);
    }
  }

  private void reconcile(DistributionsDocument doc) {
    Map<String, AcmeConfig> wanted = new LinkedHashMap<>();
    Map<String, CertificateSource> wantedFiles = new LinkedHashMap<>();
    problems.clear();
    for (Distribution d : doc.distributions()) {
      CertificateSource c = d.certificate();
      if (c == null) {
        continue;
      }
      if (!c.acme()) {
        wantedFiles.put("files:" + d.id(), c);
      } else if (acme == null) {
        problems.put(d.id(), "certificate: acme needs a tls.acme section on the edge");
        LOG.error(
            "edge {}: distribution {} asks for an ACME certificate but tls.acme is not configured",
            edgeId,
            d.id());
      } else {
        AcmeConfig one = acme.forNames(c.names(), c.challenge());
        wanted.put("acme:" + one.challenge() + ":" + String.join(",", one.hosts()), one);
      }
    }
    for (String key : new ArrayList<>(orders.keySet())) {
      if (!key.equals("tls.acme") && !wanted.containsKey(key)) {
        orders.remove(key).stop();
        slot(key, null);
      }
    }
    wanted.forEach(
        (key, cfg) -> {
          if (!orders.containsKey(key)) {
            startOrder(key, cfg);
          }
        });
    for (String key : new ArrayList<>(files.keySet())) {
      if (!wantedFiles.containsKey(key)) {
        files.remove(key);
        slot(key, null);
      }
    }
    files.putAll(wantedFiles);
    readFiles();
    if (started && watchMillis > 0) {
      Set<String> paths = new LinkedHashSet<>();
      files.values().forEach(c -> paths.addAll(List.of(c.cert(), c.key())));
      watch(paths);
    }
  }

  /**
   * Has the operating system report changes in the directories of {@code paths} (the files are read
   * {@value TlsListener#SETTLE_MILLIS} ms after a change, besides every {@code watchMillis}).
   */
  private void watch(Set<String> paths) {
    if (paths.equals(watched)) {
      return;
    }
    if (filesWatch != null) {
      filesWatch.close();
      filesWatch = null;
    }
    watched = paths;
    if (!paths.isEmpty()) {
      filesWatch =
          PemFileWatch.start(
              paths, () -> vertx.setTimer(TlsListener.SETTLE_MILLIS, t -> readFiles()), edgeId);
    }
  }

  private Future<Void> startOrder(String key, AcmeConfig cfg) {
    AcmeCertificates order =
        new AcmeCertificates(vertx, hz, edgeId, cfg, secret, clock, pems -> slot(key, pems));
    orders.put(key, order);
    LOG.info("edge {}: following the ACME certificate of {} ({})", edgeId, cfg.hosts(), key);
    return order.start();
  }

  /** Sets the certificates of one source (null: none) and serves the union of the sources. */
  private synchronized Future<?> slot(String key, List<CertificateSet.Pem> pems) {
    List<CertificateSet.Pem> before = slots.get(key);
    if (pems == null) {
      if (slots.remove(key) == null) {
        return Future.succeededFuture();
      }
    } else if (before != null && same(before, pems)) {
      return Future.succeededFuture();
    } else {
      slots.put(key, List.copyOf(pems));
    }
    List<CertificateSet.Pem> all = new ArrayList<>();
    slots.values().forEach(all::addAll);
    return serve.apply(all);
  }

  private static boolean same(List<CertificateSet.Pem> a, List<CertificateSet.Pem> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name())
          || !Arrays.equals(a.get(i).cert(), b.get(i).cert())
          || !Arrays.equals(a.get(i).key(), b.get(i).key())) {
        return false;
      }
    }
    return true;
  }

  /** Reads the PEM files of the {@code source: files} distributions (on a worker thread). */
  private synchronized void readFiles() {
    if (files.isEmpty()) {
      return;
    }
    Map<String, CertificateSource> now = Map.copyOf(files);
    vertx
        .executeBlocking(
            () -> {
              Map<String, CertificateSet.Pem> read = new LinkedHashMap<>();
              for (Map.Entry<String, CertificateSource> e : now.entrySet()) {
                CertificateSource c = e.getValue();
                try {
                  read.put(
                      e.getKey(),
                      new CertificateSet.Pem(
                          e.getKey(),
                          Files.readAllBytes(Path.of(c.cert())),
                          Files.readAllBytes(Path.of(c.key()))));
                } catch (java.io.IOException ex) {
                  LOG.error(
                      "edge {}: certificate of {} not read ({} / {}): {}",
                      edgeId,
                      e.getKey(),
                      c.cert(),
                      c.key(),
                      ex.toString());
                }
              }
              return read;
            },
            false)
        .onSuccess(
            read -> {
              synchronized (this) {
                read.forEach(
                    (key, pem) -> {
                      if (files.containsKey(key)) {
                        slot(key, List.of(pem));
                      }
                    });
              }
            });
  }

  /** {@code GET /_cdn/acme} (admin token): every certificate followed, HTTP-01 answers served. */
  public AdminRoute route() {
    return new AdminRoute(
        "/_cdn/acme",
        true,
        req ->
            req.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(stats().encodePrettily()));
  }

  /** What {@link #route} shows. */
  public synchronized JsonObject stats() {
    JsonArray certs = new JsonArray();
    long issued = 0;
    for (AcmeCertificates o : orders.values()) {
      JsonObject s = o.stats();
      issued += s.getLong("issuedHere", 0L);
      certs.add(s);
    }
    return new JsonObject()
        .put("directory", acme == null ? null : acme.directory())
        .put("issuedHere", issued)
        .put("http01Served", http.served())
        .put("certificates", certs)
        .put("files", new JsonArray(new ArrayList<>(files.keySet())))
        .put("problems", new JsonObject(new LinkedHashMap<>(problems)));
  }
}
