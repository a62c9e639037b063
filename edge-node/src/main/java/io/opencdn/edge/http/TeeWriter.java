package io.opencdn.edge.http;

import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.OriginResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Streams an origin body to the client while collecting it for the cache: each chunk is written
 * as it arrives (with back-pressure from the client), and appended to the copy while the copy
 * stays within {@code limit}. The result is the complete body, or {@code null} when it outgrew
 * the limit (then it is only streamed). A body that breaks off or is shorter than its
 * {@code Content-Length} fails with {@link FillException.Kind#BROKEN} and resets the client
 * connection, so a truncated object is never ended cleanly nor stored. A client that goes away
 * does not stop the fill: the object is still read and stored.
 */
final class TeeWriter {

  private TeeWriter() {}

  /** The response headers must already be set on {@code out}; this writes the body. */
  static Future<Buffer> stream(OriginResponse res, HttpServerResponse out, long limit) {
    long declared = res.contentLength();
    Promise<Buffer> promise = Promise.promise();
    Buffer[] copy = {Buffer.buffer(declared > 0 && declared <= limit ? (int) declared : 8192)};
    long[] received = {0};
    if (declared < 0) {
      out.setChunked(true);
    }
    var raw = res.raw();
    raw.handler(chunk -> {
      received[0] += chunk.length();
      if (copy[0] != null) {
        if (copy[0].length() + chunk.length() > limit) {
          copy[0] = null;
        } else {
          copy[0].appendBuffer(chunk);
        }
      }
      if (!out.closed() && !out.ended()) {
        out.write(chunk);
        if (out.writeQueueFull()) {
          raw.pause();
          out.drainHandler(v -> raw.resume());
        }
      }
    });
    raw.exceptionHandler(t -> {
      out.reset();
      promise.tryFail(new FillException(FillException.Kind.BROKEN,
          "origin body broke off after " + received[0] + " bytes: " + t.getMessage(), t));
    });
    raw.endHandler(v -> {
      if (declared >= 0 && received[0] != declared) {
        out.reset();
        promise.tryFail(new FillException(FillException.Kind.BROKEN,
            "origin body has " + received[0] + " bytes, Content-Length says " + declared, null));
        return;
      }
      if (!out.closed() && !out.ended()) {
        out.end();
      }
      promise.tryComplete(copy[0]);
    });
    out.exceptionHandler(t -> raw.resume()); // the client went away: keep filling the cache
    raw.resume();
    return promise.future();
  }
}
