package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Certificates obtained and renewed through ACME (RFC 8555), {@code tls.acme}: the cluster orders
 * one certificate for {@code hosts}, and one for each distribution of {@code distributions.yaml}
 * that says {@code certificate: acme}, from the ACME server at {@code directory}, proving control
 * of each name with DNS-01 challenges that the cluster's own DNS servers answer (so wildcards work
 * and no third party's DNS credentials are needed) or HTTP-01 challenges that every edge answers on
 * its plain HTTP listener. Needs a {@code cluster} section.
 *
 * @param directory the ACME directory URL ({@code https://acme-v02.api.letsencrypt.org/directory})
 * @param contact the account's contact ({@code mailto:ops@example.org}); null for none
 * @param hosts the names of a certificate ordered whatever the distributions say ({@code
 *     *.cdn.test} wildcards allowed; the first is its subject); empty (default) for none
 * @param challenge {@code dns-01} (default) or {@code http-01}: how names are proven, unless a
 *     distribution's {@code certificate.challenge} says otherwise
 * @param storeDirectory directory where the account key and the certificates are kept too (files of
 *     mode 0600, private keys sealed as in the cluster), so that a restart of the whole cluster
 *     does not order again; null for the cluster's memory only
 * @param trustRoot PEM file of the CA that signs the directory's HTTPS certificate, when it is not
 *     one the JDK trusts (a test server such as Pebble); null for the JDK's
 * @param retrySeconds back-off after a failed order, doubled per failure up to {@code
 *     retryMaxSeconds} (default 10)
 * @param retryMaxSeconds longest back-off (default 3600)
 * @param settleMillis wait between publishing the challenges and asking the server to check them,
 *     for the DNS servers to receive them (default 500)
 */
public record AcmeConfig(
    @JsonProperty("directory") String directory,
    @JsonProperty("contact") String contact,
    @JsonProperty("hosts") List<String> hosts,
    @JsonProperty("challenge") String challenge,
    @JsonProperty("trustRoot") String trustRoot,
    @JsonProperty("retrySeconds") Integer retrySeconds,
    @JsonProperty("retryMaxSeconds") Integer retryMaxSeconds,
    @JsonProperty("settleMillis") Integer settleMillis,
    @JsonProperty("storeDirectory") String storeDirectory) {

  /** The challenge types {@code challenge} accepts. */
  public static final List<String> CHALLENGES = List.of("dns-01", "http-01");

  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}");

  public AcmeConfig {
    ConfigException.require(
        directory != null && (directory.startsWith("https://") || directory.startsWith("http://")),
        "directory",
        "the ACME directory URL (https://...)",
        directory);
    try {
      URI.create(directory).toURL();
    } catch (IllegalArgumentException | java.net.MalformedURLException e) {
      throw ConfigException.invalid("directory", "a URL", directory);
    }
    ConfigException.require(
        contact == null || contact.startsWith("mailto:"),
        "contact",
        "mailto:ADDRESS or nothing",
        contact);
    hosts =
        hosts == null ? List.of() : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    for (int i = 0; i < hosts.size(); i++) {
      ConfigException.require(
          HOST.matcher(hosts.get(i)).matches(),
          "hosts[" + i + "]",
          "a DNS name, optionally *.name",
          hosts.get(i));
    }
    challenge = challenge == null ? "dns-01" : challenge.toLowerCase(Locale.ROOT);
    ConfigException.require(
        CHALLENGES.contains(challenge), "challenge", "one of " + CHALLENGES, challenge);
    ConfigException.require(
        !challenge.equals("http-01") || hosts.stream().noneMatch(h -> h.startsWith("*.")),
        "challenge",
        "dns-01 when hosts has a wildcard (RFC 8555 7.1.3)",
        challenge);
    ConfigException.require(
        storeDirectory == null || !storeDirectory.isBlank(),
        "storeDirectory",
        "a directory path or nothing",
        storeDirectory);
    retrySeconds = retrySeconds == null ? 10 : retrySeconds;
    ConfigException.require(
        retrySeconds >= 1 && retrySeconds <= 86_400, "retrySeconds", "1..86400", retrySeconds);
    retryMaxSeconds = retryMaxSeconds == null ? 3600 : retryMaxSeconds;
    ConfigException.require(
        retryMaxSeconds >= retrySeconds && retryMaxSeconds <= 86_400,
        "retryMaxSeconds",
        "retrySeconds..86400",
        retryMaxSeconds);
    settleMillis = settleMillis == null ? 500 : settleMillis;
    ConfigException.require(
        settleMillis >= 0 && settleMillis <= 60_000, "settleMillis", "0..60000", settleMillis);
  }

  /** Settings of {@code tls.acme} without a store directory (as before it existed). */
  public AcmeConfig(
      String directory,
      String contact,
      List<String> hosts,
      String challenge,
      String trustRoot,
      Integer retrySeconds,
      Integer retryMaxSeconds,
      Integer settleMillis) {
    this(
        directory,
        contact,
        hosts,
        challenge,
        trustRoot,
        retrySeconds,
        retryMaxSeconds,
        settleMillis,
        null);
  }

  /** These settings for one certificate of {@code names}, proven by {@code challenge}. */
  public AcmeConfig forNames(List<String> names, String challenge) {
    return new AcmeConfig(
        directory,
        contact,
        names,
        challenge == null ? this.challenge : challenge,
        trustRoot,
        retrySeconds,
        retryMaxSeconds,
        settleMillis,
        storeDirectory);
  }
}
