package io.opencdn.edge.http;

import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.config.AccessLogConfig;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The access log: one line per sampled client request, formatted on the event loop into bytes when
 * the response ends (or the connection closes first) and handed to an {@link AsyncLineWriter},
 * which writes it on a thread of its own (a full queue drops lines and counts them; nothing waits).
 * The format and the fields are {@link AccessLine}'s. Every request, sampled or not, has its body
 * bytes counted ({@code cdn_response_bytes_total}).
 */
public final class AccessLog {

  private final AsyncLineWriter writer;
  private final AccessLine format;
  private final double sampleRate;
  private final Clock clock;
  private final EdgeMetrics metrics;

  /**
   * An access log writing through {@code writer} (null: none, only bytes are counted).
   *
   * @param config format, fields and sample rate
   * @param edgeId the {@code edge-id} field
   * @param region the {@code x-edge-location} field
   * @param clock the clock of the {@code timestamp} field
   */
  public AccessLog(
      AsyncLineWriter writer,
      AccessLogConfig config,
      String edgeId,
      String region,
      Clock clock,
      EdgeMetrics metrics) {
    this.writer = writer;
    this.format = new AccessLine(config, edgeId, region);
    this.sampleRate = config.enabled() ? config.sampleRate() : 0;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Arranges the line and the byte count of {@code req}; the returned entry takes what later stages
   * learn (the cache key).
   */
  Entry watch(HttpServerRequest req) {
    boolean sampled =
        writer != null
            && (sampleRate >= 1
                || sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate);
    Entry line = new Entry(req, sampled, sampled ? clock.millis() : 0, System.nanoTime());
    // bodyEndHandler and the response's closeHandler: endHandler and the connection's
    // closeHandler belong to the load meter of the cluster package
    HttpServerResponse out = req.response();
    out.bodyEndHandler(line);
    out.closeHandler(line);
    if (sampled) {
      out.headersEndHandler(line.firstByte());
    }
    return line;
  }

  /** The line of one request, written once: at the body's end or at close, whichever is first. */
  final class Entry implements Handler<Void> {
    final HttpServerRequest req;
    final boolean sampled;
    final long startMillis;
    final long startNanos;
    long headersNanos;
    CacheKey key;
    private boolean logged;

    Entry(HttpServerRequest req, boolean sampled, long startMillis, long startNanos) {
      this.req = req;
      this.sampled = sampled;
      this.startMillis = startMillis;
      this.startNanos = startNanos;
    }

    /** The cache key the request was looked up under. */
    void key(CacheKey k) {
      key = k;
    }

    Handler<Void> firstByte() {
      return v -> headersNanos = System.nanoTime();
    }

    @Override
    public void handle(Void ignored) {
      if (logged) {
        return;
      }
      logged = true;
      long bytes = req.response().bytesWritten();
      metrics.responseBytes(bytes);
      if (sampled) {
        format.write(writer, this, bytes, System.nanoTime());
      }
    }
  }

  /** The access log's writer ({@code accessLog.path}), or null when the access log is off. */
  public static AsyncLineWriter openWriter(AccessLogConfig c) {
    if (!c.enabled() || c.sampleRate() == 0) {
      return null;
    }
    try {
      return AsyncLineWriter.open(c.path(), c.queueBytes(), "access-log");
    } catch (java.io.IOException | RuntimeException e) {
      throw io.opencdn.common.config.ConfigException.invalid(
          "accessLog.path",
          "a file that can be appended to, or - (standard output)",
          c.path() + " (" + e.getMessage() + ")");
    }
  }
}
