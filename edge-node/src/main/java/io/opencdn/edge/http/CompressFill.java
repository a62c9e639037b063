package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.BodyCollector;
import io.opencdn.edge.fill.CompressTee;
import io.opencdn.edge.fill.Compressor;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.FillStore;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;

/**
 * The fill of a behavior with {@code compress: true} and a compressible response ({@link
 * Compressor#compresses}), for the {@link FillLeader}: the body is stored as identity, gzip and br
 * variants ({@link FillStore#compressed}). A body up to {@link Compressor#STREAM_ABOVE} is
 * collected and encoded whole off the event loop, and the leader's client gets its own encoding
 * once stored, like the waiters. A larger one is encoded as it streams in ({@link CompressTee}): a
 * plain GET leader gets the identity body as it arrives ({@code Vary: Accept-Encoding}, {@code
 * Miss}) and its last bytes once every variant is stored; any other leader (HEAD, conditional,
 * background refresh) gets its encoding once stored, like the waiters.
 */
final class CompressFill {

  /** Answers the leader's client with an outcome and completes the flight. */
  interface Finish {
    void finish(
        HttpServerRequest req,
        SingleFlight.Flight<CacheKey, FillOutcome> flight,
        FillOutcome outcome);
  }

  private final FillStore store;
  private final ProxyHeaders headers;
  private final Clock clock;
  private final Finish finish;
  private final EdgeMetrics metrics;

  CompressFill(
      FillStore store, ProxyHeaders headers, Clock clock, Finish finish, EdgeMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.headers = headers;
    this.clock = clock;
    this.finish = finish;
  }

  /**
   * Fills {@code key} from {@code res} (compressible); {@code tee}: the leader's client is a plain
   * GET that may get the identity body as it streams.
   */
  void fill(
      HttpServerRequest req,
      boolean tee,
      MultiMap requestHeaders,
      CacheKey key,
      OriginResponse res,
      long lifetime,
      SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    if (res.contentLength() > Compressor.STREAM_ABOVE) {
      streamed(tee ? req : null, req, requestHeaders, key, res, lifetime, flight);
    } else {
      collected(req, requestHeaders, key, res, lifetime, flight);
    }
  }

  private void collected(
      HttpServerRequest req,
      MultiMap requestHeaders,
      CacheKey key,
      OriginResponse res,
      long lifetime,
      SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    BodyCollector.collect(res, res.contentLength())
        .onComplete(
            body -> {
              if (body.failed() || !body.result().complete()) {
                if (body.succeeded()) {
                  res.raw().request().reset();
                }
                FillException e =
                    body.failed()
                        ? FillException.from(body.cause())
                        : new FillException(
                            FillException.Kind.BROKEN, "origin body longer than declared", null);
                finish.finish(req, flight, new FillOutcome.Failed(e));
              } else {
                store
                    .compressed(key, requestHeaders, res, lifetime, body.result().body())
                    .onComplete(outcome -> finish.finish(req, flight, outcome.result()));
              }
            });
  }

  /**
   * Streams the body into the encoders; {@code client} gets the identity body as it arrives (null:
   * no client, or {@code req} answered from the outcome).
   */
  private void streamed(
      HttpServerRequest client,
      HttpServerRequest req,
      MultiMap requestHeaders,
      CacheKey key,
      OriginResponse res,
      long lifetime,
      SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    HttpServerResponse out = null;
    if (client != null) {
      CachedResponse head = FillStore.entry(res, Buffer.buffer(), requestHeaders, lifetime);
      out = client.response();
      out.setStatusCode(res.status());
      headers.toClient(
          out,
          Compressor.headers(res.headers(), null, res.contentLength()),
          "Miss from " + headers.edgeId());
      out.putHeader("Age", Long.toString(head.currentAgeSeconds(clock.millis())));
    }
    CompressTee.stream(
            res,
            out,
            store.encoder(res),
            CompressTee.STALL_MILLIS,
            streamed -> store.compressedStreamed(key, requestHeaders, res, lifetime, streamed))
        .onComplete(
            ar -> {
              FillOutcome outcome =
                  ar.succeeded()
                      ? ar.result()
                      : new FillOutcome.Failed(FillException.from(ar.cause()));
              if (client != null) {
                if (ar.failed()) {
                  metrics.errors.increment(); // the client's response was reset by the tee
                }
                flight.complete(outcome); // the client had its response from the tee
              } else {
                finish.finish(req, flight, outcome);
              }
            });
  }
}
