package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Certificates obtained and renewed through ACME (RFC 8555), {@code tls.acme}: the cluster orders
 * one certificate for {@code hosts} from the ACME server at {@code directory}, proving control of
 * each name with DNS-01 challenges that the cluster's own DNS servers answer (so wildcards work and
 * no third party's DNS credentials are needed). Needs a {@code cluster} section.
 *
 * @param directory the ACME directory URL ({@code https://acme-v02.api.letsencrypt.org/directory})
 * @param contact the account's contact ({@code mailto:ops@example.org}); null for none
 * @param hosts the names of the certificate (a distribution's hosts; {@code *.cdn.test} wildcards
 *     allowed); the first is its subject
 * @param challenge {@code dns-01} (default; the only one served yet)
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
    @JsonProperty("settleMillis") Integer settleMillis) {

  /** The challenge types {@code challenge} accepts. */
  public static final List<String> CHALLENGES = List.of("dns-01");

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
    ConfigException.require(
        hosts != null && !hosts.isEmpty(), "hosts", "at least one host name", "none");
    hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
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
}
