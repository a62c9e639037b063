package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.time.Duration;

/**
 * The optional {@code dnssec} section of the DNS config: every zone is signed online with the keys
 * of {@code keyDirectory} ({@link io.opencdn.dns.dnssec.KeyManager}), for queries with the DO bit
 * (RFC 3225).
 *
 * <pre>{@code
 * dnssec:
 *   keyDirectory: keys              # relative to the config file; shared by every DNS server of a cluster
 *   algorithm: ECDSAP256SHA256      # or ED25519
 *   keys: csk                       # one combined key, or ksk+zsk
 *   dnskeyTtl: 3600
 *   signatureValiditySeconds: 1209600
 *   signatureRefreshSeconds: 259200
 *   zskLifetimeDays: 30             # 0: never rolled
 *   kskLifetimeDays: 365            # 0: never rolled (a CSK rolls as a KSK)
 *   prepublishSeconds: 86400
 *   retireSeconds: 86400
 *   dsWaitSeconds: 172800
 *   keyCheckSeconds: 60
 * }</pre>
 *
 * @param keyDirectory directory of the keys in BIND's format ({@code K<zone>+<alg>+<tag>.key} and
 *     {@code .private}), relative to the config file; created, and keys generated in it, when
 *     missing. Every DNS server of a cluster reads the same directory (shared storage or copies
 *     kept in step): they then answer with the same DNSKEY set
 * @param algorithm {@code ECDSAP256SHA256} (13, the default) or {@code ED25519} (15); for new keys
 * @param keys {@code csk} (one key signs everything, the default) or {@code ksk+zsk}
 * @param dnskeyTtl TTL of DNSKEY, CDS and CDNSKEY, 60..86400 (default 3600)
 * @param signatureValiditySeconds how long a signature is valid from its window's start,
 *     3600..7776000 (default 14 days)
 * @param signatureRefreshSeconds the signature window: signatures made within one window share
 *     inception and expiration (and so are cached), at most half the validity (default 3 days)
 * @param zskLifetimeDays a ZSK is replaced (pre-publication) after this many days, 0 for never
 *     (default 30)
 * @param kskLifetimeDays a KSK or CSK is replaced (double signature) after this many days, 0 for
 *     never (default 365)
 * @param prepublishSeconds a new ZSK is in the DNSKEY set this long before it signs (at least the
 *     DNSKEY TTL), default 86400
 * @param retireSeconds a retired ZSK stays in the DNSKEY set this long after it stopped signing
 *     (the largest TTL of the zone), default 86400
 * @param dsWaitSeconds how long the old and the new KSK both sign the DNSKEY set, for the parent to
 *     take the new DS (CDS/CDNSKEY name it) and resolvers to forget the old one, default 172800
 * @param keyCheckSeconds how often the key directory is read again (new keys from another server,
 *     successors due), 1..86400 (default 60)
 */
public record DnssecConfig(
    @JsonProperty("keyDirectory") String keyDirectory,
    @JsonProperty("algorithm") String algorithm,
    @JsonProperty("keys") String keys,
    @JsonProperty("dnskeyTtl") Integer dnskeyTtl,
    @JsonProperty("signatureValiditySeconds") Long signatureValiditySeconds,
    @JsonProperty("signatureRefreshSeconds") Long signatureRefreshSeconds,
    @JsonProperty("zskLifetimeDays") Integer zskLifetimeDays,
    @JsonProperty("kskLifetimeDays") Integer kskLifetimeDays,
    @JsonProperty("prepublishSeconds") Long prepublishSeconds,
    @JsonProperty("retireSeconds") Long retireSeconds,
    @JsonProperty("dsWaitSeconds") Long dsWaitSeconds,
    @JsonProperty("keyCheckSeconds") Integer keyCheckSeconds) {

  public DnssecConfig {
    keyDirectory =
        keyDirectory == null || keyDirectory.isBlank() ? "dnssec-keys" : keyDirectory.trim();
    algorithm =
        algorithm == null
            ? DnssecAlgorithm.ECDSAP256SHA256.name()
            : algorithm.trim().toUpperCase(java.util.Locale.ROOT);
    String alg = algorithm;
    ConfigException.require(
        java.util.Arrays.stream(DnssecAlgorithm.values()).anyMatch(a -> a.matches(alg)),
        "algorithm",
        "ECDSAP256SHA256 (13) or ED25519 (15)",
        algorithm);
    keys = keys == null ? "csk" : keys.trim().toLowerCase(java.util.Locale.ROOT);
    ConfigException.require(
        keys.equals("csk") || keys.equals("ksk+zsk"), "keys", "csk or ksk+zsk", keys);
    dnskeyTtl = dnskeyTtl == null ? 3600 : dnskeyTtl;
    signatureValiditySeconds =
        signatureValiditySeconds == null ? 14 * 86_400L : signatureValiditySeconds;
    signatureRefreshSeconds =
        signatureRefreshSeconds == null
            ? Math.min(3 * 86_400L, signatureValiditySeconds / 2)
            : signatureRefreshSeconds;
    zskLifetimeDays = zskLifetimeDays == null ? 30 : zskLifetimeDays;
    kskLifetimeDays = kskLifetimeDays == null ? 365 : kskLifetimeDays;
    prepublishSeconds =
        prepublishSeconds == null ? Math.max(86_400L, dnskeyTtl) : prepublishSeconds;
    retireSeconds = retireSeconds == null ? 86_400L : retireSeconds;
    dsWaitSeconds = dsWaitSeconds == null ? 2 * 86_400L : dsWaitSeconds;
    keyCheckSeconds = keyCheckSeconds == null ? 60 : keyCheckSeconds;
    ConfigException.require(
        dnskeyTtl >= 60 && dnskeyTtl <= 86_400, "dnskeyTtl", "60..86400 seconds", dnskeyTtl);
    ConfigException.require(
        signatureValiditySeconds >= 3600 && signatureValiditySeconds <= 90 * 86_400L,
        "signatureValiditySeconds",
        "3600..7776000 seconds",
        signatureValiditySeconds);
    ConfigException.require(
        signatureRefreshSeconds >= 60 && signatureRefreshSeconds * 2 <= signatureValiditySeconds,
        "signatureRefreshSeconds",
        "60 seconds .. half of signatureValiditySeconds (" + signatureValiditySeconds / 2 + ")",
        signatureRefreshSeconds);
    ConfigException.require(
        zskLifetimeDays >= 0 && zskLifetimeDays <= 3650,
        "zskLifetimeDays",
        "0..3650 days",
        zskLifetimeDays);
    ConfigException.require(
        kskLifetimeDays >= 0 && kskLifetimeDays <= 36500,
        "kskLifetimeDays",
        "0..36500 days",
        kskLifetimeDays);
    ConfigException.require(
        prepublishSeconds >= dnskeyTtl && prepublishSeconds <= 90 * 86_400L,
        "prepublishSeconds",
        "dnskeyTtl (" + dnskeyTtl + ") .. 7776000 seconds",
        prepublishSeconds);
    ConfigException.require(
        retireSeconds >= 0 && retireSeconds <= 90 * 86_400L,
        "retireSeconds",
        "0..7776000 seconds",
        retireSeconds);
    ConfigException.require(
        dsWaitSeconds >= dnskeyTtl && dsWaitSeconds <= 90 * 86_400L,
        "dsWaitSeconds",
        "dnskeyTtl (" + dnskeyTtl + ") .. 7776000 seconds",
        dsWaitSeconds);
    ConfigException.require(
        keyCheckSeconds >= 1 && keyCheckSeconds <= 86_400,
        "keyCheckSeconds",
        "1..86400 seconds",
        keyCheckSeconds);
    long zsk = zskLifetimeDays * 86_400L;
    ConfigException.require(
        zsk == 0 || zsk > prepublishSeconds + retireSeconds,
        "zskLifetimeDays",
        "0 or longer than prepublishSeconds + retireSeconds",
        zskLifetimeDays);
    long ksk = kskLifetimeDays * 86_400L;
    ConfigException.require(
        ksk == 0 || ksk > dsWaitSeconds,
        "kskLifetimeDays",
        "0 or longer than dsWaitSeconds",
        kskLifetimeDays);
  }

  /** The defaults, keys in {@code dir}. */
  public static DnssecConfig defaults(String dir) {
    return new DnssecConfig(dir, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The algorithm of new keys. */
  public DnssecAlgorithm algorithmValue() {
    for (DnssecAlgorithm a : DnssecAlgorithm.values()) {
      if (a.matches(algorithm)) {
        return a;
      }
    }
    throw new IllegalStateException(algorithm);
  }

  /** True for one combined signing key (CSK). */
  public boolean combinedKey() {
    return keys.equals("csk");
  }

  public Duration validity() {
    return Duration.ofSeconds(signatureValiditySeconds);
  }

  public Duration refresh() {
    return Duration.ofSeconds(signatureRefreshSeconds);
  }

  public Duration zskLifetime() {
    return Duration.ofDays(zskLifetimeDays);
  }

  public Duration kskLifetime() {
    return Duration.ofDays(kskLifetimeDays);
  }

  public Duration prepublish() {
    return Duration.ofSeconds(prepublishSeconds);
  }

  public Duration retire() {
    return Duration.ofSeconds(retireSeconds);
  }

  public Duration dsWait() {
    return Duration.ofSeconds(dsWaitSeconds);
  }
}
