package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The part of {@link DistributionsParser} that reads a distribution's {@code certificate}: the
 * short form {@code acme}, or a mapping {@code {source: acme, challenge, names}} or {@code {source:
 * files, cert, key}} ({@code source} may be left out when {@code cert} is given). Each mistake goes
 * to the same {@link Problems}.
 */
final class CertificateParser {

  private static final Set<String> KEYS = Set.of("source", "challenge", "names", "cert", "key");
  private static final String NAME =
      "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}";

  private final YamlTree y;

  CertificateParser(YamlTree y) {
    this.y = y;
  }

  /** The {@code certificate} of a distribution serving {@code hosts}, or null when absent. */
  CertificateSource certificate(Map<String, Node> dist, String key, List<String> hosts) {
    Node n = dist.get("certificate");
    if (n == null) {
      return null;
    }
    String k = key + ".certificate";
    if (n instanceof ScalarNode s) {
      if (!CertificateSource.ACME.equals(s.getValue())) {
        y.problems.add(
            YamlTree.line(n),
            k,
            "acme, or a mapping {source: acme|files, ...}, got '" + s.getValue() + "'");
        return null;
      }
      return acme(n, k, hosts, null, null);
    }
    Map<String, Node> m = y.mapping(n, k, KEYS);
    String source = y.text(m, "source", k, n, false);
    if (source == null) {
      source = m.containsKey("cert") ? CertificateSource.FILES : CertificateSource.ACME;
    }
    if (CertificateSource.FILES.equals(source)) {
      String cert = y.text(m, "cert", k, n, true);
      String pem = y.text(m, "key", k, n, true);
      for (String other : List.of("challenge", "names")) {
        if (m.containsKey(other)) {
          y.problems.add(
              YamlTree.line(m.get(other)), k + "." + other, "only with source: acme, got files");
        }
      }
      return cert == null || pem == null
          ? null
          : new CertificateSource(CertificateSource.FILES, List.of(), null, cert, pem);
    }
    if (!CertificateSource.ACME.equals(source)) {
      y.problems.add(
          YamlTree.line(m.get("source")), k + ".source", "acme or files, got '" + source + "'");
      return null;
    }
    for (String other : List.of("cert", "key")) {
      if (m.containsKey(other)) {
        y.problems.add(
            YamlTree.line(m.get(other)), k + "." + other, "only with source: files, got acme");
      }
    }
    String challenge = y.text(m, "challenge", k, n, false);
    if (challenge != null) {
      challenge = challenge.toLowerCase(Locale.ROOT);
      if (!CertificateSource.CHALLENGES.contains(challenge)) {
        y.problems.add(
            YamlTree.line(m.get("challenge")),
            k + ".challenge",
            "one of " + CertificateSource.CHALLENGES + ", got '" + challenge + "'");
        challenge = null;
      }
    }
    return acme(n, k, hosts, y.texts(m, "names", k, null), challenge);
  }

  private CertificateSource acme(
      Node n, String k, List<String> hosts, List<String> listed, String challenge) {
    List<String> names = new ArrayList<>();
    if (listed == null) {
      hosts.stream().filter(h -> !h.equals("*")).forEach(names::add);
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < listed.size(); i++) {
        String name = listed.get(i).toLowerCase(Locale.ROOT);
        if (!name.matches(NAME) || name.length() > 253) {
          y.problems.add(
              YamlTree.line(n),
              k + ".names[" + i + "]",
              "a DNS name, optionally *.name, got '" + listed.get(i) + "'");
        } else if (seen.add(name)) {
          names.add(name);
        }
      }
    }
    if (names.isEmpty()) {
      y.problems.add(
          YamlTree.line(n),
          k,
          "names for the certificate: hosts other than * or a names list, got none");
      return null;
    }
    if ("http-01".equals(challenge) && names.stream().anyMatch(h -> h.startsWith("*."))) {
      y.problems.add(
          YamlTree.line(n),
          k + ".challenge",
          "dns-01 for a wildcard name (RFC 8555 7.1.3), got http-01");
      return null;
    }
    return new CertificateSource(CertificateSource.ACME, names, challenge, null, null);
  }
}
