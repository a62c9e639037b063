package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import org.xbill.DNS.Name;

/**
 * One authoritative zone.
 *
 * @param origin zone apex, e.g. {@code cdn.test.}
 * @param file BIND master file, relative to the config file, absolute, or {@code classpath:NAME}
 */
public record ZoneSource(@JsonProperty("origin") String origin, @JsonProperty("file") String file) {
  public ZoneSource {
    DnsConfig.parseName("origin", origin);
    ConfigException.require(file != null && !file.isBlank(), "file", "a zone file", "nothing");
  }

  /** The origin as an absolute name. */
  public Name name() {
    return DnsConfig.parseName("origin", origin);
  }
}
