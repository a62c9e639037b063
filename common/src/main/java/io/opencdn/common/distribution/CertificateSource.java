package io.opencdn.common.distribution;

import java.util.List;

/**
 * Where the HTTPS certificate of a distribution comes from ({@code certificate:} of a distribution
 * in {@code distributions.yaml}): issued and renewed by the cluster through ACME ({@code
 * certificate: acme}), or PEM files present on every edge ({@code certificate: {cert, key}}).
 *
 * @param source {@link #ACME} or {@link #FILES}
 * @param names the names an ACME certificate covers (the distribution's hosts unless listed, {@code
 *     *.name} wildcards allowed with dns-01); empty for files
 * @param challenge {@code dns-01} or {@code http-01} for ACME; null for the edge's {@code
 *     tls.acme.challenge}
 * @param cert PEM certificate chain file (files); null for ACME
 * @param key PEM private key file (files); null for ACME
 */
public record CertificateSource(
    String source, List<String> names, String challenge, String cert, String key) {

  /** Issued through ACME by the cluster. */
  public static final String ACME = "acme";

  /** Read from PEM files on each edge. */
  public static final String FILES = "files";

  /** The challenge types a distribution may name. */
  public static final List<String> CHALLENGES = List.of("dns-01", "http-01");

  public CertificateSource {
    names = List.copyOf(names);
  }

  /** True for an ACME certificate. */
  public boolean acme() {
    return ACME.equals(source);
  }
}
