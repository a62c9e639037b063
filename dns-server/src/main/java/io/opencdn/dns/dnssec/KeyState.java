package io.opencdn.dns.dnssec;

/**
 * Where a key stands at one instant, from its timing metadata ({@link ZoneKey}), in the order a key
 * goes through them: created but not yet in the DNSKEY set; published (in the DNSKEY set, not
 * signing: pre-publication, RFC 6781 4.1.1.1); active (signing); retired (still published, no
 * longer signing, until the signatures it made have left the caches); removed.
 */
public enum KeyState {
  GENERATED,
  PUBLISHED,
  ACTIVE,
  RETIRED,
  REMOVED;

  /** True while the key is in the DNSKEY set. */
  public boolean published() {
    return this == PUBLISHED || this == ACTIVE || this == RETIRED;
  }
}
