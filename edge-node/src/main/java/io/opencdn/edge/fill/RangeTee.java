package io.opencdn.edge.fill;

import io.opencdn.edge.cache.DiskEntryWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The fill of a large object (over {@code maxObjectBytes}, within {@code diskMaxObjectBytes}) asked
 * for with one {@code Range} (RFC 9110 14.2): the whole body is read from the origin and written to
 * a {@link DiskEntryWriter}, while the client gets only its range as a 206 whose headers ({@code
 * Content-Range}, {@code Content-Length}) the caller has already set. Bytes before the range are
 * not sent, the range's bytes are sent as they arrive, and the client response ends after the
 * range's last byte; the origin is still read to the end so the entry is completed. {@code first <
 * 0} means the client got its answer already (a 416): the body only goes to disk. Back-pressure
 * from the client (while its range is being sent) and from the disk pauses the origin; a client
 * that goes away does not stop the fill. A body that breaks off or is shorter than its {@code
 * Content-Length} aborts the writer (nothing is published) and resets the client if its response
 * has not ended (back-pressure and failure as in {@link BodyTee}, shared with {@link TeeWriter}).
 * Without a writer (the disk could not open one) the origin is reset once the client's part has
 * been sent.
 */
public final class RangeTee extends BodyTee {

  /**
   * The client's range, first and last byte; {@code first < 0}: the client has its answer already.
   */
  private final long first;

  private final long last;
  private final Future<DiskEntryWriter> opening;

  private RangeTee(
      OriginResponse res,
      HttpServerResponse out,
      long first,
      long last,
      Future<DiskEntryWriter> opening) {
    super(res, out);
    this.first = first;
    this.last = last;
    this.opening = opening;
  }

  /**
   * Streams {@code res} (paused, with a {@code Content-Length}) into the writer {@code opening}
   * yields (null or failed: not stored) and the bytes {@code first..last} to {@code out}. The
   * result is a published disk-only entry, or a result with neither body nor entry when nothing was
   * stored; it fails with {@link FillException.Kind#BROKEN} for a broken or short body.
   */
  public static Future<TeeWriter.Result> stream(
      OriginResponse res,
      HttpServerResponse out,
      long first,
      long last,
      Future<DiskEntryWriter> opening) {
    return new RangeTee(res, out, first, last, opening).start();
  }

  private Future<TeeWriter.Result> start() {
    Future<TeeWriter.Result> result = listen();
    if (clientActive()) {
      // the client went away: keep filling the disk (an ended response takes no handlers)
      out.exceptionHandler(t -> resumeIfPossible());
    }
    opening.onComplete(
        ar -> {
          writer = ar.succeeded() ? ar.result() : null;
          if (writer == null) {
            stopIfUseless();
          }
          if (done && writer != null) {
            writer.abort();
          }
          resumeIfPossible();
        });
    return result;
  }

  @Override
  protected boolean clientActive() {
    return first >= 0 && !out.closed() && !out.ended();
  }

  @Override
  protected boolean holding() {
    return !opening.isComplete();
  }

  @Override
  protected void chunk(Buffer chunk) {
    long from = received;
    received += chunk.length();
    if (writer != null) {
      writer.write(chunk);
    }
    if (clientActive()) {
      long sendFrom = Math.max(from, first);
      long sendTo = Math.min(received - 1, last);
      if (sendFrom <= sendTo) {
        out.write(chunk.slice((int) (sendFrom - from), (int) (sendTo - from + 1)));
      }
      if (received > last) {
        out.end();
      }
    }
    if (stopIfUseless()) {
      return;
    }
    pauseIfFull();
  }

  /** Without a disk entry to fill, stops reading the origin once the client has its part. */
  private boolean stopIfUseless() {
    if (done || !opening.isComplete() || writer != null || clientActive()) {
      return false;
    }
    done = true;
    res.raw().handler(null);
    res.raw().exceptionHandler(t -> {});
    res.raw().endHandler(null);
    res.raw().request().reset();
    promise.tryComplete(new TeeWriter.Result(null, null));
    return true;
  }

  @Override
  protected void end() {
    if (done || failedOnLength()) {
      return;
    }
    done = true;
    if (clientActive()) {
      out.end(); // cannot happen for a range within the declared length; never leave it open
    }
    if (writer == null) {
      promise.tryComplete(new TeeWriter.Result(null, null));
    } else {
      commit();
    }
  }
}
