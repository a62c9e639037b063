package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * The DNS decision log ({@code decisionLog:} section): for a sample of the geo-routed answers, one
 * JSON line explaining the decision ({@link DecisionLog}). Read at start.
 *
 * @param enabled write it at all (default false)
 * @param path file appended to, or {@code -} for standard output (default)
 * @param sampleRate the share of geo-routed answers explained, 0..1 (default 0.01); each answer is
 *     drawn at random. Explaining runs the location chain and the policies again with their notes
 *     on the query's thread, some tens of µs per sampled answer
 * @param queueBytes bytes of lines that may wait for the writer, 65536..1073741824 (default 4 MiB);
 *     lines beyond are dropped and counted ({@code dns_decision_log_dropped_total})
 */
public record DecisionLogConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("path") String path,
    @JsonProperty("sampleRate") Double sampleRate,
    @JsonProperty("queueBytes") Long queueBytes) {

  /** Off. */
  public static final DecisionLogConfig DEFAULT = new DecisionLogConfig(null, null, null, null);

  public DecisionLogConfig {
    enabled = enabled != null && enabled;
    path = path == null || path.isBlank() ? "-" : path;
    sampleRate = sampleRate == null ? 0.01 : sampleRate;
    ConfigException.require(sampleRate >= 0 && sampleRate <= 1, "sampleRate", "0..1", sampleRate);
    queueBytes = queueBytes == null ? 4L << 20 : queueBytes;
    ConfigException.require(
        queueBytes >= 65536 && queueBytes <= 1L << 30,
        "queueBytes",
        "65536..1073741824",
        queueBytes);
  }
}
