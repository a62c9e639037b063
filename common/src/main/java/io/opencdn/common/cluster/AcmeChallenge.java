package io.opencdn.common.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The values an ACME server must find under one challenge name (RFC 8555 8.4: the TXT records of
 * {@code _acme-challenge.<host>}; 8.3: the key authorization of an HTTP-01 token), the value of
 * {@link ClusterMaps#ACME_CHALLENGES}. A host and its wildcard share a record name, so one record
 * holds several values. {@link #signed} with the cluster's {@link RecordMac} over the name, the
 * values and the expiry, so a member without the secret cannot have the DNS servers vouch for a
 * certificate of its choosing; stored as text ({@link #encode}), so no serializer is needed.
 *
 * @param values the TXT values (base64url digests) or key authorizations, none containing a space
 * @param expiresAtMillis wall-clock time after which the values are no longer served
 * @param tag the record's MAC, null when not signed
 */
public record AcmeChallenge(List<String> values, long expiresAtMillis, byte[] tag) {

  public AcmeChallenge {
    values = List.copyOf(values);
    for (String v : values) {
      if (v.isEmpty() || v.indexOf(' ') >= 0) {
        throw new IllegalArgumentException("challenge value with a space or empty: " + v);
      }
    }
  }

  /** This challenge tagged with {@code mac}, to be stored under {@code name}. */
  public AcmeChallenge signed(RecordMac mac, String name) {
    return new AcmeChallenge(values, expiresAtMillis, mac.tag(parts(name)));
  }

  /** True when a member knowing the cluster secret wrote this challenge under {@code name}. */
  public boolean authentic(RecordMac mac, String name) {
    return name != null && mac.verify(tag, parts(name));
  }

  /** {@code tag expiresAtMillis value...}, separated by spaces. */
  public String encode() {
    StringBuilder b = new StringBuilder(tag == null ? "-" : RecordMac.hex(tag));
    b.append(' ').append(expiresAtMillis);
    values.forEach(v -> b.append(' ').append(v));
    return b.toString();
  }

  /** The challenge {@link #encode} wrote, or null when {@code text} is not one. */
  public static AcmeChallenge decode(String text) {
    if (text == null) {
      return null;
    }
    String[] p = text.split(" ");
    if (p.length < 2) {
      return null;
    }
    try {
      List<String> values = new ArrayList<>(List.of(p).subList(2, p.length));
      return new AcmeChallenge(values, Long.parseLong(p[1]), RecordMac.parseHex(p[0]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Object[] parts(String name) {
    return new Object[] {"acme-challenge", name, String.join(" ", values), expiresAtMillis};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AcmeChallenge c && c.encode().equals(encode());
  }

  @Override
  public int hashCode() {
    return Objects.hash(encode());
  }
}
