package io.opencdn.edge.cache;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file format of a {@link DiskCache} entry: magic {@code OCDN2}, then (DataOutput) key host,
 * key target, key variant (empty for a primary key), status, request time, response time,
 * lifetime, the Vary values, the headers, the body length and the body. {@code OCDN1} files
 * (written before variant keys existed, without the variant) are still read.
 */
final class DiskEntryFormat {

  private static final byte[] MAGIC = "OCDN2".getBytes(StandardCharsets.US_ASCII);
  /** Files written before variant keys existed: no variant field. */
  private static final byte[] MAGIC_V1 = "OCDN1".getBytes(StandardCharsets.US_ASCII);

  private DiskEntryFormat() {}

  static byte[] write(CacheKey key, CachedResponse r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.body().length() + 1024);
      DataOutputStream out = new DataOutputStream(bytes);
      writeHeader(out, key, r);
      out.writeInt(r.body().length());
      out.write(r.body().getBytes());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file header of an entry: everything up to (not including) the body length field. */
  static byte[] header(CacheKey key, CachedResponse r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
      DataOutputStream out = new DataOutputStream(bytes);
      writeHeader(out, key, r);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeHeader(DataOutputStream out, CacheKey key, CachedResponse r) throws IOException {
    out.write(MAGIC);
    out.writeUTF(key.host());
    writeLong(out, key.target());
    writeLong(out, key.variant() == null ? "" : key.variant());
    out.writeInt(r.status());
    out.writeLong(r.requestTimeMillis());
    out.writeLong(r.responseTimeMillis());
    out.writeLong(r.freshnessLifetimeSeconds());
    out.writeInt(r.varyValues().size());
    for (var e : r.varyValues().entrySet()) {
      writeLong(out, e.getKey());
      writeLong(out, e.getValue());
    }
    out.writeInt(r.headers().size());
    for (var e : r.headers()) {
      writeLong(out, e.getKey());
      writeLong(out, e.getValue());
    }
  }

  /** A decoded file: its key, response (the body empty when not read) and body length. */
  record Stored(CacheKey key, CachedResponse response, long bodyLength) {}

  static Stored read(DataInputStream in, boolean withBody) throws IOException {
    return read(in, withBody ? Integer.MAX_VALUE : -1);
  }

  /** Decodes a file, reading the body only when it is at most {@code maxBody} bytes long. */
  static Stored read(DataInputStream in, long maxBody) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    boolean v1 = java.util.Arrays.equals(magic, MAGIC_V1);
    if (!v1 && !java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a cache entry");
    }
    String host = in.readUTF();
    String target = readLong(in);
    CacheKey key = new CacheKey(host, target, v1 ? null : readLong(in));
    int status = in.readInt();
    long requestTime = in.readLong();
    long responseTime = in.readLong();
    long lifetime = in.readLong();
    Map<String, String> vary = new TreeMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      vary.put(readLong(in), readLong(in));
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      headers.add(Map.entry(readLong(in), readLong(in)));
    }
    int length = in.readInt();
    if (length < 0) {
      throw new IOException("bad body length " + length);
    }
    Buffer body;
    if (length <= maxBody) {
      byte[] b = in.readNBytes(length);
      if (b.length != length) {
        throw new IOException("truncated entry");
      }
      body = Buffer.buffer(b);
    } else {
      body = Buffer.buffer();
    }
    return new Stored(key, new CachedResponse(status, headers, body, requestTime, responseTime, lifetime, vary), length);
  }

  private static void writeLong(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLong(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 24)) {
      throw new IOException("bad string length " + n);
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}
