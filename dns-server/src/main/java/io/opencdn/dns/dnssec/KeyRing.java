package io.opencdn.dns.dnssec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;

/**
 * The keys of one zone as they stand at one instant: the DNSKEY RRset (every published key), the
 * keys that sign it (active KSKs and CSKs), the key that signs everything else (the active ZSK or
 * CSK activated last: after a pre-published ZSK takes over, only it signs), and the CDS/CDNSKEY
 * RRsets (RFC 7344: the KSKs the parent's DS should name). Immutable; {@link #validUntil} is the
 * next instant at which some key changes state, when a new ring must be made.
 */
public final class KeyRing {

  private final Name zone;
  private final List<ZoneKey> keys;
  private final RRset dnskeys;
  private final List<ZoneKey> keySigners;
  private final ZoneKey dataSigner;
  private final RRset cds;
  private final RRset cdnskey;
  private final Instant validUntil;

  /** The ring of {@code zone} at {@code now} from its {@code keys} (of any state). */
  public KeyRing(Name zone, List<ZoneKey> keys, Instant now, long ttl) {
    this.zone = zone;
    this.keys = List.copyOf(keys);
    RRset set = new RRset();
    RRset cdsSet = new RRset();
    RRset cdnskeySet = new RRset();
    List<ZoneKey> ksks = new ArrayList<>();
    List<ZoneKey> zsks = new ArrayList<>();
    for (ZoneKey k : keys) {
      KeyState s = k.state(now);
      DNSKEYRecord d = k.dnskey();
      if (s.published()) {
        set.addRR(
            new DNSKEYRecord(
                zone, DClass.IN, ttl, d.getFlags(), d.getProtocol(), d.getAlgorithm(), d.getKey()));
      }
      if (s == KeyState.ACTIVE && k.ksk()) {
        ksks.add(k);
      }
      if (s == KeyState.ACTIVE && k.zsk()) {
        zsks.add(k);
      }
      if (k.synced(now)) {
        cdsSet.addRR(new CDSRecord(zone, DClass.IN, ttl, DSRecord.Digest.SHA256, d));
        cdnskeySet.addRR(
            new CDNSKEYRecord(
                zone, DClass.IN, ttl, d.getFlags(), d.getProtocol(), d.getAlgorithm(), d.getKey()));
      }
    }
    zsks.sort(Comparator.comparing(ZoneKey::activate));
    this.dnskeys = set.size() == 0 ? null : set;
    this.keySigners =
        ksks.isEmpty()
            ? (zsks.isEmpty() ? List.of() : List.of(zsks.get(zsks.size() - 1)))
            : List.copyOf(ksks);
    this.dataSigner =
        !zsks.isEmpty()
            ? zsks.get(zsks.size() - 1)
            : ksks.stream().max(Comparator.comparing(ZoneKey::activate)).orElse(null);
    this.cds = cdsSet.size() == 0 ? null : cdsSet;
    this.cdnskey = cdnskeySet.size() == 0 ? null : cdnskeySet;
    this.validUntil =
        keys.stream()
            .flatMap(ZoneKey::events)
            .filter(now::isBefore)
            .min(Comparator.naturalOrder())
            .orElse(Instant.MAX);
  }

  public Name zone() {
    return zone;
  }

  /** Every key of the zone, in any state. */
  public List<ZoneKey> keys() {
    return keys;
  }

  /** True when some key signs: the zone's answers are signed. */
  public boolean signing() {
    return dataSigner != null && dnskeys != null;
  }

  /** The DNSKEY RRset, or null when no key is published. */
  public RRset dnskeys() {
    return dnskeys;
  }

  /** The keys that sign the DNSKEY (and CDS/CDNSKEY) RRsets. */
  public List<ZoneKey> keySigners() {
    return keySigners;
  }

  /** The key that signs the other RRsets, or null. */
  public ZoneKey dataSigner() {
    return dataSigner;
  }

  /** CDS RRset (SHA-256 digests of the KSKs the parent should trust), or null. */
  public RRset cds() {
    return cds;
  }

  /** CDNSKEY RRset, or null. */
  public RRset cdnskey() {
    return cdnskey;
  }

  /** The first instant after the ring's at which a key changes state. */
  public Instant validUntil() {
    return validUntil;
  }

  /** DS records (SHA-256) for the parent: one per KSK that CDS names, else per active KSK. */
  public List<DSRecord> ds(long ttl) {
    List<DSRecord> out = new ArrayList<>();
    if (cds != null) {
      cds.rrs(false)
          .forEach(
              r -> {
                CDSRecord c = (CDSRecord) r;
                out.add(
                    new DSRecord(
                        zone,
                        DClass.IN,
                        ttl,
                        c.getFootprint(),
                        c.getAlgorithm(),
                        c.getDigestID(),
                        c.getDigest()));
              });
      return out;
    }
    keySigners.forEach(
        k -> out.add(new DSRecord(zone, DClass.IN, ttl, DSRecord.Digest.SHA256, k.dnskey())));
    return out;
  }
}
