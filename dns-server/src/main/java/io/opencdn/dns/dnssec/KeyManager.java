package io.opencdn.dns.dnssec;

import io.opencdn.dns.config.DnssecAlgorithm;
import io.opencdn.dns.config.DnssecConfig;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The keys of the signed zones, kept in one directory ({@link KeyFiles}) and rolled on a schedule
 * from the timing metadata of each key, against an injected {@link Clock}:
 *
 * <ul>
 *   <li>A zone without keys gets a CSK (or a KSK and a ZSK), published and active at once.
 *   <li>ZSK rollover by pre-publication (RFC 6781 4.1.1.1): a ZSK that signs gets a successor,
 *       published {@code prepublish} before the old key's {@code Inactive} time and active from it;
 *       the old key stays published (retired) {@code retire} longer.
 *   <li>KSK (and CSK) rollover by double signature (RFC 6781 4.1.2): the successor is published
 *       {@code prepublish} before it signs, then signs alongside the old key for {@code dsWait};
 *       CDS and CDNSKEY (RFC 7344) name the new key from the moment it signs, so the parent can
 *       replace the DS while both keys sign the DNSKEY set.
 * </ul>
 *
 * <p>Successors are made only for keys already active, so at most one key per role waits ahead.
 * Every server of a cluster reads the same directory; a key is made by whichever server finds it
 * due first: it claims the work with a file created exclusively ({@code .claim}), and the others
 * read the key at their next check. All times are in the key files, so every server derives the
 * same states from them. Not thread-safe: {@link #refresh} runs on one worker at a time.
 */
public final class KeyManager {

  private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);

  private final Path dir;
  private final DnssecConfig config;
  private final Clock clock;

  public KeyManager(Path dir, DnssecConfig config, Clock clock) {
    this.dir = dir;
    this.config = config;
    this.clock = clock;
  }

  /** The key directory. */
  public Path directory() {
    return dir;
  }

  /**
   * Reads the directory, makes the keys that are due (first keys of a zone, successors), and
   * returns every key of {@code zones}. Blocking file I/O: call off the event loop.
   */
  public List<ZoneKey> refresh(Collection<Name> zones) {
    List<ZoneKey> keys = KeyFiles.read(dir);
    boolean made = false;
    for (Name zone : zones) {
      made |= ensure(zone, keys);
    }
    if (made) {
      keys = KeyFiles.read(dir);
    }
    List<ZoneKey> out = new ArrayList<>();
    for (ZoneKey k : keys) {
      if (zones.contains(k.zone())) {
        out.add(k);
      }
    }
    return out;
  }

  private boolean ensure(Name zone, List<ZoneKey> all) {
    Instant now = clock.instant();
    List<ZoneKey> keys = all.stream().filter(k -> k.zone().equals(zone)).toList();
    boolean made = false;
    boolean csk = config.combinedKey();
    // a role with no key signing now and none waiting to: a first key, active at once
    if (!covered(keys, true, now)) {
      made |= make(zone, true, csk, now, now, "first");
    }
    if (!csk && !covered(keys, false, now)) {
      made |= make(zone, false, true, now, now, "first");
    }
    for (ZoneKey k : keys) {
      if (k.state(now) != KeyState.ACTIVE || k.inactive() == null) {
        continue;
      }
      boolean kskRole = k.ksk();
      Instant successorActive = kskRole ? k.inactive().minus(config.dsWait()) : k.inactive();
      boolean present =
          keys.stream()
              .anyMatch(
                  s ->
                      s != k
                          && s.ksk() == k.ksk()
                          && s.zsk() == k.zsk()
                          && s.activate() != null
                          && !s.activate().isBefore(successorActive)
                          && !s.activate().isAfter(k.inactive()));
      if (!present) {
        made |=
            make(
                zone,
                kskRole,
                k.zsk(),
                successorActive.minus(config.prepublish()),
                successorActive,
                "successor-" + k.tag());
      }
    }
    return made;
  }

  /** True when some key of the role signs now or will without a successor being made. */
  private static boolean covered(List<ZoneKey> keys, boolean kskRole, Instant now) {
    return keys.stream()
        .anyMatch(
            k ->
                (kskRole ? k.ksk() : k.zsk())
                    && (k.state(now) == KeyState.ACTIVE
                        || (k.activate() != null && k.activate().isAfter(now))));
  }

  /**
   * True when this process may make the key: it created the claim file, or found one older than
   * {@link #STALE_CLAIM} whose key never appeared (its maker died) and took it over.
   */
  private static boolean claim(Path claim) throws IOException {
    try {
      Files.createFile(claim);
      return true;
    } catch (FileAlreadyExistsException e) {
      java.nio.file.attribute.FileTime made;
      try {
        made = Files.getLastModifiedTime(claim);
      } catch (java.nio.file.NoSuchFileException gone) {
        return false;
      }
      if (System.currentTimeMillis() - made.toMillis() < STALE_CLAIM.toMillis()) {
        return false;
      }
      Files.deleteIfExists(claim);
      try {
        Files.createFile(claim);
        return true;
      } catch (FileAlreadyExistsException again) {
        return false;
      }
    }
  }

  /**
   * A claim this old whose key is still missing was left by a process that died while making it.
   */
  static final Duration STALE_CLAIM = Duration.ofSeconds(60);

  /** Generates a key (claimed first, so one server of a cluster makes it); true when written. */
  private boolean make(
      Name zone, boolean kskRole, boolean zskRole, Instant publish, Instant activate, String what) {
    Path claim =
        dir.resolve(
            "K"
                + zone.toString().toLowerCase(java.util.Locale.ROOT)
                + (kskRole ? "ksk" : "zsk")
                + "-"
                + what
                + "-"
                + activate.getEpochSecond()
                + ".claim");
    try {
      Files.createDirectories(dir);
      if (!claim(claim)) {
        return false; // another server makes it; read at the next check
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          dir + ": cannot write to the key directory: " + e.getMessage(), e);
    }
    DnssecAlgorithm alg = config.algorithmValue();
    KeyPair pair = alg.generate();
    int flags = kskRole ? 257 : 256;
    var dnskey = KeyFiles.dnskey(zone, alg, flags, config.dnskeyTtl(), pair.getPublic());
    boolean signsData = zskRole;
    Duration lifetime = kskRole ? config.kskLifetime() : config.zskLifetime();
    Instant inactive = lifetime.isZero() ? null : activate.plus(lifetime);
    Instant delete = inactive == null ? null : inactive.plus(config.retire());
    Instant syncPublish = kskRole ? activate : null;
    Instant syncDelete = kskRole && inactive != null ? inactive.minus(config.dsWait()) : null;
    ZoneKey key =
        new ZoneKey(
            zone,
            dnskey,
            pair.getPrivate(),
            kskRole,
            signsData,
            clock.instant(),
            publish,
            activate,
            inactive,
            delete,
            syncPublish,
            syncDelete,
            KeyFiles.baseName(zone, alg.number(), dnskey.getFootprint()));
    try {
      KeyFiles.write(dir, key);
    } catch (IOException e) {
      throw new IllegalStateException(
          dir + ": cannot write key " + key.file() + ": " + e.getMessage(), e);
    }
    LOG.info(
        "dnssec: made {} {} key {} (tag {}), published {}, active {}",
        zone,
        key.role(),
        what,
        key.tag(),
        publish,
        activate);
    return true;
  }
}
