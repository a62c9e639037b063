package io.opencdn.edge.fill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an origin response body into memory up to a limit. A body that ends before its declared
 * Content-Length, or a connection that breaks mid-body, fails with {@link
 * FillException.Kind#BROKEN} so that nothing incomplete is ever stored. When the body grows past
 * the limit, collection stops and the caller receives what was read with the rest still paused in
 * the response.
 */
public final class BodyCollector {

  /**
   * The result of a collection.
   *
   * @param body the bytes read
   * @param complete true when this is the whole body; false when the limit was passed and the
   *     remainder is still unread (paused) in the response
   */
  public record Collected(Buffer body, boolean complete) {}

  private BodyCollector() {}

  /** Collects the body of {@code response} (paused), stopping after {@code limit} bytes. */
  public static Future<Collected> collect(OriginResponse response, long limit) {
    HttpClientResponse raw = response.raw();
    long declared = response.contentLength();
    Promise<Collected> promise = Promise.promise();
    Buffer body = Buffer.buffer(declared > 0 && declared <= limit ? (int) declared : 4096);
    raw.exceptionHandler(
        t ->
            promise.tryFail(
                new FillException(
                    FillException.Kind.BROKEN,
                    "origin body broke off after " + body.length() + " bytes: " + t.getMessage(),
                    t)));
    raw.handler(
        chunk -> {
          body.appendBuffer(chunk);
          if (body.length() > limit && !promise.future().isComplete()) {
            raw.pause();
            raw.handler(null);
            raw.exceptionHandler(null);
            raw.endHandler(null);
            promise.tryComplete(new Collected(body, false));
          }
        });
    raw.endHandler(
        v -> {
          if (declared >= 0 && body.length() != declared) {
            promise.tryFail(
                new FillException(
                    FillException.Kind.BROKEN,
                    "origin body has " + body.length() + " bytes, Content-Length says " + declared,
                    null));
          } else {
            promise.tryComplete(new Collected(body, true));
          }
        });
    raw.resume();
    return promise.future();
  }
}
