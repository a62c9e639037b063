package io.opencdn.dns.routing;

/** Address family an answer needs: IPv4 for A records, IPv6 for AAAA records. */
public enum Family {
  IPV4,
  IPV6
}
