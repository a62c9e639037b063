package io.opencdn.edge.fill;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.opencdn.common.distribution.Compression;
import io.opencdn.edge.cache.CachedResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compression at fill time for behaviors with {@code compress: true}: decides whether an origin
 * response is compressed ({@link #compresses}, CloudFront's conditions from {@link Compression}),
 * encodes its body once with Brotli and gzip on a small worker pool of its own (never on an event
 * loop; at most {@link #THREADS} bodies of at most {@value Compression#MAX_BYTES} bytes at a time;
 * bodies over {@link #STREAM_ABOVE} are encoded chunk by chunk as they stream in, {@link
 * StreamEncoder}, with bounded input queues), and builds the three entries a fill stores as
 * variants of the URL ({@link #variants}): identity, {@code gzip} and {@code br}, each with {@code
 * Vary: Accept-Encoding}, the encoded ones with {@code Content-Encoding}, their own {@code
 * Content-Length} and a weak {@code ETag} (RFC 9110 8.8.3: the bytes differ, the content is the
 * same). Hits then cost no compression at all.
 *
 * <p>Brotli is Google's library through brotli4j (JNI); where its native library does not load,
 * only gzip is made and clients that accept only Brotli get identity (logged once at start).
 */
public final class Compressor {

  private static final Logger LOG = LoggerFactory.getLogger(Compressor.class);

  /** Name of the compression pool (a shared worker pool of the edge's Vert.x). */
  public static final String POOL = "cdn-compress";

  /** Threads of the compression pool (per edge). */
  public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  /**
   * Bodies up to this size get the denser settings (Brotli 9, gzip 9), larger ones the faster
   * (Brotli 5, gzip 6). Brotli 11 is not used: the first client waits for the encoding, and on a
   * 100 KB page it took 430 ms against 13 ms for Brotli 9, for an output 11% smaller.
   */
  static final int DENSE_UP_TO = 1 << 20;

  /**
   * Bodies larger than this are encoded as they stream in ({@link #streaming}, the identity body
   * going to the client meanwhile); smaller ones are collected and encoded whole ({@link #encode}),
   * which is faster for them and keeps the first client's response in its own encoding.
   */
  public static final long STREAM_ABOVE = 256L << 10;

  private static final boolean BROTLI = loadBrotli();

  private WorkerExecutor pool;
  private Vertx poolOwner;

  /**
   * The encodings of one body.
   *
   * @param gzip the gzip member (RFC 1952)
   * @param br the Brotli stream (RFC 7932), or null when Brotli is unavailable
   */
  public record Encoded(Buffer gzip, Buffer br) {}

  /**
   * One entry to store and the request headers that select it.
   *
   * @param coding {@code br}, {@code gzip} or empty for identity
   * @param requestHeaders the filling request's headers with {@code Accept-Encoding} set to select
   *     this entry
   * @param entry what is stored
   */
  public record Variant(String coding, MultiMap requestHeaders, CachedResponse entry) {}

  /** Whether Brotli is available in this process. */
  public static boolean brotli() {
    return BROTLI;
  }

  /**
   * Whether a response is compressed at fill time: a 200 with a {@code Content-Length} within
   * CloudFront's bounds and at most {@code maxObjectBytes} (it is held in memory), of a
   * compressible type, not already encoded ({@code Content-Encoding} absent or {@code identity}),
   * not a range, without {@code Cache-Control: no-transform} (RFC 9111 5.2.2.6).
   */
  public static boolean compresses(
      int status, MultiMap headers, long contentLength, long maxObjectBytes) {
    if (status != 200
        || !Compression.compressibleLength(contentLength)
        || contentLength > maxObjectBytes
        || headers.contains("Content-Range")
        || !Compression.compressibleType(headers.get("Content-Type"))) {
      return false;
    }
    for (String ce : headers.getAll("Content-Encoding")) {
      if (!ce.isBlank() && !ce.trim().equalsIgnoreCase("identity")) {
        return false;
      }
    }
    for (String cc : headers.getAll("Cache-Control")) {
      if (cc.toLowerCase(Locale.ROOT).contains("no-transform")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Encodes {@code body} on the compression pool of the current context's Vert.x; the future
   * completes on the caller's context.
   */
  public Future<Encoded> encode(Buffer body) {
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return Future.failedFuture(new IllegalStateException("encode called off a Vert.x context"));
    }
    return pool(ctx.owner()).executeBlocking(() -> encodeNow(body.getBytes()), false);
  }

  /**
   * A {@link StreamEncoder} for a body of {@code length} bytes (its {@code Content-Length}) on the
   * compression pool, used from the current context: input beyond {@code length}, or an encoding
   * over {@code maxOutput} bytes, abandons it.
   */
  public StreamEncoder streaming(long length, long maxOutput, StreamEncoder.Meters meters) {
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      throw new IllegalStateException("streaming called off a Vert.x context");
    }
    return new StreamEncoder(
        pool(ctx.owner()), ctx, length, maxOutput, length <= DENSE_UP_TO, BROTLI, meters);
  }

  private synchronized WorkerExecutor pool(Vertx vertx) {
    if (pool == null || poolOwner != vertx) {
      pool = vertx.createSharedWorkerExecutor(POOL, THREADS);
      poolOwner = vertx;
    }
    return pool;
  }

  /** Both encodings of {@code in}, in the calling thread. */
  static Encoded encodeNow(byte[] in) throws IOException {
    boolean dense = in.length <= DENSE_UP_TO;
    return new Encoded(gzip(in, dense ? 9 : 6), BROTLI ? brotli(in, dense ? 9 : 5) : null);
  }

  /** A gzip member (RFC 1952) of {@code in} at {@code level}. */
  static Buffer gzip(byte[] in, int level) {
    Deflater d = new Deflater(level, true);
    try {
      d.setInput(in);
      d.finish();
      Buffer out = Buffer.buffer(in.length / 3 + 64);
      out.appendBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
      byte[] chunk = new byte[64 * 1024];
      while (!d.finished()) {
        int n = d.deflate(chunk);
        out.appendBytes(chunk, 0, n);
      }
      CRC32 crc = new CRC32();
      crc.update(in);
      out.appendIntLE((int) crc.getValue());
      out.appendIntLE(in.length);
      return out;
    } finally {
      d.end();
    }
  }

  /** A Brotli stream (RFC 7932) of {@code in} at {@code quality}, text mode, 4 MiB window. */
  static Buffer brotli(byte[] in, int quality) throws IOException {
    Encoder.Parameters p =
        new Encoder.Parameters().setQuality(quality).setWindow(22).setMode(Encoder.Mode.TEXT);
    return Buffer.buffer(Encoder.compress(in, p));
  }

  /**
   * The entries one compressed fill stores: identity, then gzip, then br (br last, so that it is
   * the newest variant of the index), each selected by {@code requestHeaders} with its own {@code
   * Accept-Encoding}. Without Brotli the {@code br} variant holds the identity body (a client that
   * names {@code br} may not accept gzip).
   */
  public static List<Variant> variants(
      OriginResponse res, Buffer body, Encoded enc, MultiMap requestHeaders, long lifetime) {
    Variant identity = variant(res, body, "", null, requestHeaders, lifetime);
    Variant gzip = variant(res, enc.gzip(), "gzip", "gzip", requestHeaders, lifetime);
    Variant br =
        enc.br() != null
            ? variant(res, enc.br(), "br", "br", requestHeaders, lifetime)
            : variant(res, body, "br", null, requestHeaders, lifetime);
    return List.of(identity, gzip, br);
  }

  private static Variant variant(
      OriginResponse res,
      Buffer body,
      String selecting,
      String contentEncoding,
      MultiMap requestHeaders,
      long lifetime) {
    MultiMap h = headers(res.headers(), contentEncoding, body.length());
    MultiMap rh = MultiMap.caseInsensitiveMultiMap().addAll(requestHeaders);
    if (selecting.isEmpty()) {
      rh.remove("Accept-Encoding");
    } else {
      rh.set("Accept-Encoding", selecting);
    }
    CachedResponse entry =
        CachedResponse.of(
            res.status(), h, body, rh, res.requestTimeMillis(), res.responseTimeMillis(), lifetime);
    return new Variant(selecting, rh, entry);
  }

  /**
   * The headers of a variant of a response with {@code origin}'s headers: {@code Vary:
   * Accept-Encoding} added, {@code Content-Encoding} set to {@code contentEncoding} (null for
   * identity) with the {@code ETag} weakened, {@code Content-Length} of {@code length}.
   */
  public static MultiMap headers(MultiMap origin, String contentEncoding, long length) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(origin);
    h.remove("Content-Encoding");
    if (!varies(h)) {
      h.add("Vary", "Accept-Encoding");
    }
    if (contentEncoding != null) {
      h.set("Content-Encoding", contentEncoding);
      String etag = h.get("ETag");
      if (etag != null && !etag.startsWith("W/")) {
        h.set("ETag", "W/" + etag);
      }
    }
    h.set("Content-Length", Long.toString(length));
    return h;
  }

  /**
   * Keeps what made {@code stored} an encoded variant when a 304 updates its headers into {@code
   * merged} (RFC 9111 4.3.4): the 304 carries the origin's strong ETag and {@code Vary}, which
   * would make the encoded bytes claim the identity's strong validator or drop the selecting {@code
   * Accept-Encoding}.
   */
  public static void keepVariant(CachedResponse stored, MultiMap merged) {
    String storedTag = stored.etag();
    String tag = merged.get("ETag");
    if (stored.header("Content-Encoding") != null
        && storedTag != null
        && storedTag.startsWith("W/")
        && tag != null
        && !tag.startsWith("W/")) {
      merged.set("ETag", "W/" + tag);
    }
    if (stored.varyValues().containsKey("accept-encoding") && !varies(merged)) {
      merged.add("Vary", "Accept-Encoding");
    }
  }

  /** Whether {@code Vary} already names {@code Accept-Encoding}. */
  private static boolean varies(MultiMap h) {
    for (String v : h.getAll("Vary")) {
      for (String n : v.split(",")) {
        if (n.trim().equalsIgnoreCase("Accept-Encoding")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean loadBrotli() {
    try {
      Brotli4jLoader.ensureAvailability();
      return true;
    } catch (Throwable t) {
      LOG.warn("Brotli unavailable, compressing with gzip only: {}", t.toString());
      return false;
    }
  }
}
