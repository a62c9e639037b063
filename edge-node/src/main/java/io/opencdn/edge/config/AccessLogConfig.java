package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The access log ({@code accessLog:} section): one line per client request, written by an
 * asynchronous bounded writer ({@link io.opencdn.common.log.AsyncLineWriter}).
 *
 * @param enabled write it at all (default true)
 * @param format {@code json} (default: one JSON object per line with the {@code fields} below) or
 *     {@code text} (the nginx-like line of earlier versions, every field)
 * @param path file appended to (relative to the working directory), or {@code -} for standard
 *     output (default)
 * @param fields the JSON fields written, in this order (default {@link #FIELDS}: all); names follow
 *     CloudFront's real-time logs where they mean the same
 * @param sampleRate the share of requests logged, 0..1 (default 1: every request); each request is
 *     drawn at random
 * @param queueBytes bytes of lines that may wait for the writer, 65536..1073741824 (default 8 MiB);
 *     lines beyond are dropped and counted ({@code cdn_access_log_dropped_total})
 */
public record AccessLogConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("format") String format,
    @JsonProperty("path") String path,
    @JsonProperty("fields") List<String> fields,
    @JsonProperty("sampleRate") Double sampleRate,
    @JsonProperty("queueBytes") Long queueBytes) {

  /** Every field the JSON format knows, in their default order. */
  public static final List<String> FIELDS =
      List.of(
          "timestamp",
          "c-ip",
          "c-port",
          "cs-method",
          "cs-host",
          "cs-uri-stem",
          "cs-uri-query",
          "cs-protocol",
          "cs-protocol-version",
          "ssl-protocol",
          "cs-range",
          "cs-user-agent",
          "sc-status",
          "sc-bytes",
          "time-taken",
          "time-to-first-byte",
          "x-edge-location",
          "edge-id",
          "x-edge-result-type",
          "x-edge-detailed-result-type",
          "cache-key",
          "peer");

  public AccessLogConfig {
    enabled = enabled == null || enabled;
    format = format == null ? "json" : format.toLowerCase(Locale.ROOT);
    ConfigException.require(
        format.equals("json") || format.equals("text"), "format", "json or text", format);
    path = path == null || path.isBlank() ? "-" : path;
    fields = fields == null ? FIELDS : List.copyOf(fields);
    ConfigException.require(!fields.isEmpty(), "fields", "at least one of " + FIELDS, "none");
    List<String> seen = new ArrayList<>();
    for (String f : fields) {
      ConfigException.require(FIELDS.contains(f), "fields", "names among " + FIELDS, f);
      ConfigException.require(!seen.contains(f), "fields", "each name once", f + " twice");
      seen.add(f);
    }
    sampleRate = sampleRate == null ? 1.0 : sampleRate;
    ConfigException.require(sampleRate >= 0 && sampleRate <= 1, "sampleRate", "0..1", sampleRate);
    queueBytes = queueBytes == null ? 8L << 20 : queueBytes;
    ConfigException.require(
        queueBytes >= 65536 && queueBytes <= 1L << 30,
        "queueBytes",
        "65536..1073741824",
        queueBytes);
  }

  /** Every default: JSON lines of every field for every request on standard output. */
  public static AccessLogConfig defaults() {
    return new AccessLogConfig(null, null, null, null, null, null);
  }
}
