package io.opencdn.dns.wire;

/** The transport a query arrived on; it decides whether a response may be truncated. */
public enum Transport {
  /**
   * UDP: responses are cut to the client's advertised size with TC set (RFC 1035 4.2.1, RFC 6891
   * 6.2.5).
   */
  UDP,
  /** TCP with 2-byte length framing (RFC 1035 4.2.2, RFC 7766): responses are never truncated. */
  TCP
}
