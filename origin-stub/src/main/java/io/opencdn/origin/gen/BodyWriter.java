package io.opencdn.origin.gen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;

/**
 * Streams part of a {@link SyntheticBody} to a response in 64 KiB chunks, honouring the response's
 * back-pressure ({@code writeQueueFull}/{@code drainHandler}) so a 1 GiB object never sits in
 * memory. The returned future completes after the last chunk is written, or fails when the
 * connection closes first.
 */
final class BodyWriter {

  static final int CHUNK = 64 * 1024;

  private final HttpServerResponse response;
  private final SyntheticBody body;
  private final long end;
  private final Promise<Void> done = Promise.promise();

  private BodyWriter(HttpServerResponse response, SyntheticBody body, long end) {
    this.response = response;
    this.body = body;
    this.end = end;
  }

  /** Writes bytes {@code [from, to)} of {@code body}; does not end the response. */
  static Future<Void> write(HttpServerResponse response, SyntheticBody body, long from, long to) {
    BodyWriter w = new BodyWriter(response, body, to);
    response.closeHandler(v -> w.done.tryFail("connection closed by the client"));
    w.pump(from);
    return w.done.future();
  }

  private void pump(long pos) {
    while (pos < end) {
      if (response.closed()) {
        done.tryFail("connection closed by the client");
        return;
      }
      int n = (int) Math.min(CHUNK, end - pos);
      Future<Void> written = response.write(body.buffer(pos, n));
      pos += n;
      if (pos == end) {
        written.onComplete(done);
        return;
      }
      if (response.writeQueueFull()) {
        long next = pos;
        response.drainHandler(v -> pump(next));
        return;
      }
    }
    done.tryComplete();
  }
}
