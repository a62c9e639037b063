package io.opencdn.dns.dnssec;

import io.opencdn.dns.config.DnssecAlgorithm;
import java.security.PrivateKey;
import java.time.Instant;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * One DNSSEC key of a zone with its role and timing metadata (the fields BIND keeps in a key's
 * {@code .private} file). Times after which something happens; null means never.
 *
 * @param zone the zone apex
 * @param dnskey the public key as published (flags 257 for a KSK or CSK, 256 for a ZSK)
 * @param privateKey the signing key
 * @param ksk signs the DNSKEY set (and is named by CDS/CDNSKEY and the parent's DS)
 * @param zsk signs the zone's other RRsets (a CSK is both)
 * @param created when it was generated
 * @param publish from when it is in the DNSKEY set
 * @param activate from when it signs
 * @param inactive from when it no longer signs, or null
 * @param delete from when it is no longer published, or null
 * @param syncPublish from when CDS and CDNSKEY name it (KSK role), or null
 * @param syncDelete from when they no longer do, or null
 * @param file base name of its files ({@code Kcdn.test.+013+12345})
 */
public record ZoneKey(
    Name zone,
    DNSKEYRecord dnskey,
    PrivateKey privateKey,
    boolean ksk,
    boolean zsk,
    Instant created,
    Instant publish,
    Instant activate,
    Instant inactive,
    Instant delete,
    Instant syncPublish,
    Instant syncDelete,
    String file) {

  /** The key tag (RFC 4034 appendix B). */
  public int tag() {
    return dnskey.getFootprint();
  }

  public DnssecAlgorithm algorithm() {
    return DnssecAlgorithm.of(dnskey.getAlgorithm());
  }

  /** The key's state at {@code now}. */
  public KeyState state(Instant now) {
    if (publish == null || now.isBefore(publish)) {
      return KeyState.GENERATED;
    }
    if (delete != null && !now.isBefore(delete)) {
      return KeyState.REMOVED;
    }
    if (inactive != null && !now.isBefore(inactive)) {
      return KeyState.RETIRED;
    }
    if (activate != null && !now.isBefore(activate)) {
      return KeyState.ACTIVE;
    }
    return KeyState.PUBLISHED;
  }

  /** True while CDS and CDNSKEY name this key. */
  public boolean synced(Instant now) {
    return ksk
        && syncPublish != null
        && !now.isBefore(syncPublish)
        && (syncDelete == null || now.isBefore(syncDelete))
        && state(now).published();
  }

  /** {@code ksk}, {@code zsk} or {@code csk}. */
  public String role() {
    return ksk && zsk ? "csk" : ksk ? "ksk" : "zsk";
  }

  /** The same key with other inactive/delete/syncDelete times (a successor was scheduled). */
  ZoneKey retiring(Instant inactiveAt, Instant deleteAt, Instant syncDeleteAt) {
    return new ZoneKey(
        zone,
        dnskey,
        privateKey,
        ksk,
        zsk,
        created,
        publish,
        activate,
        inactiveAt,
        deleteAt,
        syncPublish,
        syncDeleteAt,
        file);
  }

  /** Every instant at which the key's state or CDS presence changes. */
  java.util.stream.Stream<Instant> events() {
    return java.util.stream.Stream.of(publish, activate, inactive, delete, syncPublish, syncDelete)
        .filter(java.util.Objects::nonNull);
  }
}
