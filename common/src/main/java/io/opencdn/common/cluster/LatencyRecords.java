package io.opencdn.common.cluster;

/**
 * What the {@link RecordMac} tags of the latency maps cover. Both maps hold JSON strings (their
 * contract is in the DNS server's {@code HazelcastLatency} and {@code ProbeTargets}) with a
 * {@code "tag"} field in {@link RecordMac#hex} form:
 *
 * <ul>
 *   <li>{@value #TARGETS} (written by DNS servers, read by edges): client prefix to
 *       {@code {"address", "seenAtMillis", "tag"}}, tag over {@link #target};</li>
 *   <li>{@value #SAMPLES} (written by edges, read by DNS servers): {@code "<prefix>|<edge id>"} to
 *       {@code {"rttMillis", "atMillis", "tag"}}, tag over {@link #sample}.</li>
 * </ul>
 *
 * The map key is part of each tag, so a record cannot be moved to another prefix or edge.
 */
public final class LatencyRecords {

  /** Map of probe targets. */
  public static final String TARGETS = "latency-targets";
  /** Map of measurements. */
  public static final String SAMPLES = "latency";

  private LatencyRecords() {}

  /** The tagged parts of a probe target stored under {@code prefix}. */
  public static Object[] target(String prefix, String address, long seenAtMillis) {
    return new Object[] {"target", prefix, address, seenAtMillis};
  }

  /** The tagged parts of a measurement stored under {@code key} ({@code "<prefix>|<edge id>"}). */
  public static Object[] sample(String key, double rttMillis, long atMillis) {
    return new Object[] {"latency", key, rttMillis, atMillis};
  }
}
