package io.opencdn.dns.dnssec;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.DnssecConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * DNSSEC of one running server: the {@link KeyManager} over the configured key directory and the
 * {@link OnlineSigner} the query path calls. Keys are read (and made when due) once at start, on
 * the calling thread, then every {@code keyCheckSeconds} on a worker thread; a failed check is
 * logged and the keys in use stay.
 */
public final class Dnssec {

  private static final Logger LOG = LoggerFactory.getLogger(Dnssec.class);

  private final Vertx vertx;
  private final DnssecConfig config;
  private final KeyManager keys;
  private final OnlineSigner signer;
  private final List<Name> zones;
  private long timer = -1;

  /**
   * Reads (or makes) the keys of {@code zones} now.
   *
   * @param configLocation the config file, against which {@code keyDirectory} is resolved (for a
   *     {@code classpath:} config: against the working directory)
   * @throws ConfigException when the key directory cannot be used or a key file is broken
   */
  public Dnssec(
      Vertx vertx, DnssecConfig config, String configLocation, List<Name> zones, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.keys = new KeyManager(keyDirectory(config, configLocation), config, clock);
    this.signer = new OnlineSigner(config, clock, new Signatures(Signatures.CAPACITY));
    this.zones = List.copyOf(zones);
    try {
      signer.update(keys.refresh(this.zones));
      // another server of the cluster may be making the first keys right now: wait for them
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!allSigned() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        signer.update(keys.refresh(this.zones));
      }
    } catch (RuntimeException e) {
      throw new ConfigException("key 'dnssec.keyDirectory': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!allSigned()) {
      LOG.warn(
          "dnssec: no signing key yet for some of {} in {}: answering them unsigned until the next key check",
          this.zones,
          keys.directory());
    }
  }

  private boolean allSigned() {
    var rings = signer.rings();
    return zones.stream().allMatch(z -> rings.get(z) != null && rings.get(z).signing());
  }

  /** The key directory of {@code config} read from {@code configLocation}. */
  public static Path keyDirectory(DnssecConfig config, String configLocation) {
    String dir = config.keyDirectory();
    if (configLocation.startsWith(ConfigLocation.CLASSPATH) && !Path.of(dir).isAbsolute()) {
      return Path.of(dir).toAbsolutePath().normalize();
    }
    return Path.of(ConfigLocation.resolve(configLocation, dir));
  }

  /** Starts the periodic key checks. */
  public void start() {
    timer = vertx.setPeriodic(config.keyCheckSeconds() * 1000L, id -> check());
  }

  /** Reads the key directory again now (off the event loop), as the timer does. */
  public io.vertx.core.Future<Void> check() {
    return vertx.executeBlocking(
        () -> {
          try {
            signer.update(keys.refresh(zones));
          } catch (RuntimeException e) {
            LOG.warn(
                "dnssec: key check failed, still signing with the keys read before: {}",
                e.getMessage());
          }
          return null;
        },
        false);
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** What the query path calls. */
  public OnlineSigner signer() {
    return signer;
  }

  public KeyManager keys() {
    return keys;
  }
}
