package io.opencdn.edge.fill;

import io.opencdn.edge.cache.DiskEntryWriter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * What {@link TeeWriter} and {@link RangeTee} share: an origin body read once and sent to two
 * places, the client and the cache (in memory, or a {@link DiskEntryWriter}; {@link CompressTee}
 * adds the encoders, and may have no client), with one back-pressure rule and one failure rule.
 *
 * <p>Back-pressure: after each chunk the origin is paused while the client's queue (as long as the
 * client still takes bytes, {@link #clientActive}), the disk writer's queue or a further sink of
 * the subclass ({@link #sinkFull}) is full, and resumed on the drain of whichever was full, unless
 * the subclass is {@link #holding} (a disk writer being opened). Failure: a body that breaks off,
 * or ends with another length than its {@code Content-Length}, fails the result with {@link
 * FillException.Kind#BROKEN}, resets a client response that has not ended and aborts the disk
 * writer, so a truncated object is neither ended cleanly nor stored.
 */
abstract class BodyTee {

  protected final OriginResponse res;
  protected final HttpServerResponse out;

  /** The declared {@code Content-Length}, -1 when none. */
  protected final long declared;

  protected final Promise<TeeWriter.Result> promise = Promise.promise();

  /** The disk entry the body goes to, or null. */
  protected DiskEntryWriter writer;

  /** Body bytes received so far. */
  protected long received;

  /** Set once the result is decided (failed, or the body complete). */
  protected boolean done;

  BodyTee(OriginResponse res, HttpServerResponse out) {
    this.res = res;
    this.out = out;
    this.declared = res.contentLength();
  }

  /** Handles one chunk of the origin body. */
  protected abstract void chunk(Buffer chunk);

  /** Handles the end of the origin body. */
  protected abstract void end();

  /** Whether the client still takes bytes (its queue then counts for back-pressure). */
  protected abstract boolean clientActive();

  /**
   * Whether the origin must stay paused whatever the queues say (e.g. a writer is being opened).
   */
  protected abstract boolean holding();

  /** Reads the origin body (paused until now) into {@link #chunk} and {@link #end}. */
  protected final Future<TeeWriter.Result> listen() {
    var raw = res.raw();
    raw.handler(this::chunk);
    raw.exceptionHandler(
        t ->
            fail(
                new FillException(
                    FillException.Kind.BROKEN,
                    "origin body broke off after " + received + " bytes: " + t.getMessage(),
                    t)));
    raw.endHandler(v -> end());
    return promise.future();
  }

  /** Pauses the origin while a queue is full (see the class comment); call after each chunk. */
  protected final void pauseIfFull() {
    if (clientFull() || (writer != null && writer.writeQueueFull()) || sinkFull()) {
      res.raw().pause();
      resumeIfPossible();
    }
  }

  /** Resumes the origin unless held or a queue is still full; then waits for that queue's drain. */
  protected final void resumeIfPossible() {
    if (done || holding()) {
      return;
    }
    if (clientFull()) {
      out.drainHandler(v -> resumeIfPossible());
    } else if (writer != null && writer.writeQueueFull()) {
      writer.drainHandler(v -> resumeIfPossible());
    } else if (sinkFull()) {
      sinkDrainHandler(v -> resumeIfPossible());
    } else {
      res.raw().resume();
    }
  }

  private boolean clientFull() {
    return clientActive() && out.writeQueueFull();
  }

  /** Whether a further sink of the subclass (e.g. an encoder) is full; none by default. */
  protected boolean sinkFull() {
    return false;
  }

  /** Calls {@code handler} once when the further sink has room again. */
  protected void sinkDrainHandler(Handler<Void> handler) {}

  /** Fails when the body's length differs from its {@code Content-Length}; true when it did. */
  protected final boolean failedOnLength() {
    if (declared >= 0 && received != declared) {
      fail(
          new FillException(
              FillException.Kind.BROKEN,
              "origin body has " + received + " bytes, Content-Length says " + declared,
              null));
      return true;
    }
    return false;
  }

  /** Fails the result once: resets the client unless its response ended, aborts the writer. */
  protected final void fail(FillException e) {
    if (done) {
      return;
    }
    done = true;
    if (out != null && !out.ended() && !out.closed()) {
      out.reset();
    }
    if (writer != null) {
      writer.abort();
    }
    promise.tryFail(e);
  }

  /**
   * Publishes the disk entry with the received length; the result holds it (null when not
   * published).
   */
  protected final void commit() {
    writer
        .commit(received)
        .onComplete(
            ar ->
                promise.tryComplete(
                    new TeeWriter.Result(null, ar.succeeded() ? ar.result() : null)));
  }
}
