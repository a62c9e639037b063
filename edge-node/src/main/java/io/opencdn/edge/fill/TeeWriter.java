package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.DiskEntryWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Supplier;

/**
 * Streams an origin body to the client while collecting it for the cache: each chunk is written as
 * it arrives (with back-pressure from the client), and appended to the copy while the copy stays
 * within {@code limit}. The result is the complete body, or {@code null} when it outgrew the limit
 * (then it is only streamed). A body that breaks off or is shorter than its {@code Content-Length}
 * fails with {@link FillException.Kind#BROKEN} and resets the client connection, so a truncated
 * object is never ended cleanly nor stored (back-pressure and failure as in {@link BodyTee}, shared
 * with {@link RangeTee}). A client that goes away does not stop the fill: the object is still read
 * and stored.
 *
 * <p>With a {@code spill} (a disk tier), a body that outgrows the limit is not dropped but
 * continues into a {@link DiskEntryWriter}: the copy so far, then every further chunk, with
 * back-pressure from both the client and the disk (the origin is paused while either queue is full,
 * so memory stays bounded by the limit plus the writer's queue). At the end the writer is committed
 * with the received length, yielding a disk-only entry; a broken or short body aborts it.
 */
public final class TeeWriter {

  /**
   * What the tee kept: the body in memory, or a published disk-only entry, or neither (both null).
   */
  public record Result(Buffer body, CachedResponse onDisk) {}

  private TeeWriter() {}

  /**
   * Streams the body of {@code res} (paused) to {@code out}, whose response headers must already be
   * set, keeping a copy of up to {@code limit} bytes; when the body outgrows {@code limit} and
   * {@code spill} is not null, it opens a disk writer and the body goes on into it (see the class
   * comment).
   */
  public static Future<Result> stream(
      OriginResponse res,
      HttpServerResponse out,
      long limit,
      Supplier<Future<DiskEntryWriter>> spill) {
    return new Tee(res, out, limit, spill).start();
  }

  private static final class Tee extends BodyTee {
    private final long limit;
    private final Supplier<Future<DiskEntryWriter>> spill;
    private Buffer copy;
    private boolean opening;
    private Buffer last;

    Tee(
        OriginResponse res,
        HttpServerResponse out,
        long limit,
        Supplier<Future<DiskEntryWriter>> spill) {
      super(res, out);
      this.limit = limit;
      this.spill = spill;
      this.copy = Buffer.buffer(declared > 0 && declared <= limit ? (int) declared : 8192);
    }

    Future<Result> start() {
      if (declared < 0) {
        out.setChunked(true);
      }
      Future<Result> result = listen();
      out.exceptionHandler(t -> resumeIfPossible()); // the client went away: keep filling the cache
      res.raw().resume();
      return result;
    }

    @Override
    protected boolean clientActive() {
      return !out.closed() && !out.ended();
    }

    @Override
    protected boolean holding() {
      return opening;
    }

    @Override
    protected void chunk(Buffer chunk) {
      received += chunk.length();
      if (writer != null) {
        writer.write(chunk);
      } else if (copy != null) {
        if (copy.length() + chunk.length() <= limit) {
          copy.appendBuffer(chunk);
        } else if (spill != null && (declared < 0 || received <= declared)) {
          Buffer sofar = copy.appendBuffer(chunk); // at most limit plus one chunk
          copy = null;
          opening = true;
          res.raw().pause();
          spill
              .get()
              .onComplete(
                  ar -> {
                    opening = false;
                    if (ar.succeeded() && ar.result() != null) {
                      if (done) {
                        ar.result().abort();
                      } else {
                        writer = ar.result();
                        writer.write(sofar);
                      }
                    }
                    resumeIfPossible();
                  });
        } else {
          copy = null;
        }
      }
      if (clientActive()) {
        if (declared >= 0 && received == declared && writer == null && copy != null) {
          // the last bytes: held until the copy is stored (end()), so a client that sends its next
          // request as soon as it has the whole body, on any connection, finds the object stored
          last = chunk;
        } else {
          out.write(chunk);
        }
      }
      pauseIfFull();
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

    @Override
    protected void end() {
      if (failedOnLength()) {
        return;
      }
      done = true;
      if (writer == null) {
        // the copy is stored (synchronously, by the listeners of the result) before the client's
        // response ends with its last bytes
        try {
          promise.tryComplete(new Result(copy, null));
        } finally {
          endClient();
        }
      } else {
        endClient();
        commit();
      }
    }
  }
}
