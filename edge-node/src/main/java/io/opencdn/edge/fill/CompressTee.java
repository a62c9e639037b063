package io.opencdn.edge.fill;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;

/**
 * A large compressible body ({@link Compressor#STREAM_ABOVE}) read once and sent to three places:
 * the client as it arrives (the identity body; none for a background fill), the copy the cache
 * stores, and a {@link StreamEncoder} making its gzip and Brotli encodings on the compression pool.
 * The origin is paused while the client's queue or the encoder's input queue is full (back-pressure
 * as in {@link BodyTee}), so the encoder holds at most its high-water mark of input; when the
 * origin has waited for the encoder alone for {@code stallMillis}, the encodings are abandoned and
 * the body goes on: the encoder never costs the client its response.
 *
 * <p>At the end of the body the encodings are finished, {@code store} is given the identity body
 * and the encodings (null when abandoned) and, once what it stores is stored, the client gets its
 * last bytes, so a client that asks again as soon as it has the whole body finds every variant
 * stored. A broken body ({@link BodyTee}) resets the client, abandons the encoder and stores
 * nothing. A client that goes away does not stop the fill.
 */
public final class CompressTee {

  /** How long the origin may wait for the encoder alone before the encodings are given up. */
  public static final long STALL_MILLIS = 3_000;

  /**
   * What was read.
   *
   * @param body the identity body, complete
   * @param encoded its encodings, or null when they were abandoned
   */
  public record Streamed(Buffer body, Compressor.Encoded encoded) {}

  private CompressTee() {}

  /**
   * Streams the body of {@code res} (paused, with a {@code Content-Length}) to {@code out} (its
   * headers set; null for no client) and {@code encoder}, then applies {@code store} (see the class
   * comment). Call on the event loop that owns {@code encoder}.
   */
  public static <T> Future<T> stream(
      OriginResponse res,
      HttpServerResponse out,
      StreamEncoder encoder,
      long stallMillis,
      Function<Streamed, Future<T>> store) {
    return new Tee<>(res, out, encoder, stallMillis, store).start();
  }

  private static final class Tee<T> extends BodyTee {
    private final StreamEncoder encoder;
    private final long stallMillis;
    private final Function<Streamed, Future<T>> store;
    private final Promise<T> stored = Promise.promise();
    private final Vertx vertx;
    private final Buffer copy;
    private Buffer last;
    private long stallTimer = -1;

    Tee(
        OriginResponse res,
        HttpServerResponse out,
        StreamEncoder encoder,
        long stallMillis,
        Function<Streamed, Future<T>> store) {
      super(res, out);
      if (declared < 0) {
        throw new IllegalArgumentException("a streamed compression needs a Content-Length");
      }
      this.encoder = encoder;
      this.stallMillis = stallMillis;
      this.store = store;
      this.vertx = Vertx.currentContext().owner();
      this.copy = Buffer.buffer((int) declared);
    }

    Future<T> start() {
      listen()
          .onFailure(
              t -> {
                cancelStall();
                encoder.abandon("origin body broken");
                stored.tryFail(t);
              });
      if (out != null) {
        out.exceptionHandler(t -> resumeIfPossible()); // the client went away: keep filling
      }
      res.raw().resume();
      return stored.future();
    }

    @Override
    protected boolean clientActive() {
      return out != null && !out.closed() && !out.ended();
    }

    @Override
    protected boolean holding() {
      return false;
    }

    @Override
    protected boolean sinkFull() {
      return encoder.writeQueueFull();
    }

    @Override
    protected void sinkDrainHandler(Handler<Void> handler) {
      encoder.drainHandler(
          v -> {
            cancelStall();
            handler.handle(null);
          });
      if (stallTimer < 0) {
        stallTimer =
            vertx.setTimer(
                stallMillis,
                id -> {
                  stallTimer = -1;
                  encoder.abandon("encoder " + stallMillis + " ms behind the origin");
                });
      }
    }

    private void cancelStall() {
      if (stallTimer >= 0) {
        vertx.cancelTimer(stallTimer);
        stallTimer = -1;
      }
    }

    @Override
    protected void chunk(Buffer chunk) {
      received += chunk.length();
      if (received <= declared) {
        copy.appendBuffer(chunk);
      }
      encoder.write(chunk); // abandoned by the encoder itself past the declared length
      if (clientActive() && received <= declared) {
        if (received == declared) {
          last = chunk; // held until every variant is stored, see the class comment
        } else {
          out.write(chunk);
        }
      }
      pauseIfFull();
    }

    @Override
    protected void end() {
      cancelStall();
      if (failedOnLength()) {
        return;
      }
      done = true;
      encoder
          .end()
          .transform(enc -> store.apply(new Streamed(copy, enc.succeeded() ? enc.result() : null)))
          .onComplete(
              ar -> {
                endClient();
                stored.handle(ar);
              });
    }

    private void endClient() {
      if (clientActive()) {
        if (last != null) {
          out.end(last);
        } else {
          out.end();
        }
      }
      last = null;
    }
  }
}
