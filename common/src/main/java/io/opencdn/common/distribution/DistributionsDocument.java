package io.opencdn.common.distribution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One validated {@code distributions.yaml}: the distributions and the user-defined policies, with
 * the text it was read from and that text's content hash, which names the version. The document is
 * self-contained (it carries its own text), so any member can hand it to another cluster. Built by
 * {@link DistributionsParser}; immutable.
 *
 * @param distributions every distribution
 * @param cachePolicies user-defined cache policies by name (the built-ins are not listed)
 * @param originRequestPolicies user-defined origin request policies by name
 * @param text the YAML text
 * @param hash the first 12 hex digits of the SHA-256 of {@code text}
 * @param responseHeadersPolicies user-defined response headers policies by name
 */
public record DistributionsDocument(
    List<Distribution> distributions,
    Map<String, CachePolicy> cachePolicies,
    Map<String, OriginRequestPolicy> originRequestPolicies,
    String text,
    String hash,
    Map<String, ResponseHeadersPolicy> responseHeadersPolicies) {

  public DistributionsDocument {
    distributions = List.copyOf(distributions);
    cachePolicies = Map.copyOf(cachePolicies);
    originRequestPolicies = Map.copyOf(originRequestPolicies);
    responseHeadersPolicies = Map.copyOf(responseHeadersPolicies);
  }

  /** A document without user-defined response headers policies. */
  public DistributionsDocument(
      List<Distribution> distributions,
      Map<String, CachePolicy> cachePolicies,
      Map<String, OriginRequestPolicy> originRequestPolicies,
      String text,
      String hash) {
    this(distributions, cachePolicies, originRequestPolicies, text, hash, Map.of());
  }

  /** The distribution serving {@code host} (lower case, no port), or the {@code *} one, or null. */
  public Distribution forHost(String host) {
    Distribution any = null;
    for (Distribution d : distributions) {
      for (String h : d.hosts()) {
        if (h.equals(host)) {
          return d;
        }
        if (h.equals("*")) {
          any = d;
        }
      }
    }
    return any;
  }

  /** Host name to distribution, without {@code *}. */
  public Map<String, Distribution> byHost() {
    Map<String, Distribution> m = new HashMap<>();
    distributions.forEach(
        d -> d.hosts().stream().filter(h -> !h.equals("*")).forEach(h -> m.put(h, d)));
    return m;
  }

  /** Every host name the document serves (without {@code *}). */
  public List<String> hosts() {
    return distributions.stream()
        .flatMap(d -> d.hosts().stream())
        .filter(h -> !h.equals("*"))
        .toList();
  }

  /** The content hash of {@code text}: 12 lower-case hex digits of its SHA-256. */
  public static String hashOf(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d).substring(0, 12).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
