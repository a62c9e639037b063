package io.opencdn.edge.cache;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The file format of a {@link DiskCache} entry: magic {@code OCDN3}, then (DataOutput) key host,
 * key target, key variant (empty for a primary key), status, request time, response time, lifetime,
 * the Vary values, the headers, the body length, the CRC32C of the body, and the body. A file is
 * complete when its size is exactly the header, the two fields and the body length, and intact when
 * its body matches the checksum. Files of earlier versions ({@code OCDN1}, {@code OCDN2}: no
 * checksum, written without sync) are not read.
 */
final class DiskEntryFormat {

  private static final byte[] MAGIC = "OCDN3".getBytes(StandardCharsets.US_ASCII);

  /** Bytes after the header: the body length and the body's CRC32C. */
  static final int LENGTH_AND_CHECKSUM = 8;

  private DiskEntryFormat() {}

  static byte[] write(CacheKey key, CachedResponse r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.body().length() + 1024);
      DataOutputStream out = new DataOutputStream(bytes);
      writeHeader(out, key, r);
      byte[] body = r.body().getBytes();
      out.writeInt(body.length);
      out.writeInt(checksum(body, 0, body.length));
      out.write(body);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file header of an entry: everything up to (not including) the body length and checksum. */
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

  private static void writeHeader(DataOutputStream out, CacheKey key, CachedResponse r)
      throws IOException {
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

  /** The CRC32C of {@code length} bytes of {@code b} from {@code offset}. */
  static int checksum(byte[] b, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(b, offset, length);
    return (int) crc.getValue();
  }

  /**
   * A decoded file: its key, response (the body empty when not read), body length, the body's
   * checksum and where the body starts in the file.
   */
  record Stored(
      CacheKey key, CachedResponse response, long bodyLength, int checksum, long bodyOffset) {
    /** The file size of a complete entry. */
    long fileSize() {
      return bodyOffset + bodyLength;
    }
  }

  /**
   * Decodes a file, reading the body only when it is at most {@code maxBody} bytes long; a body
   * read is checked against its checksum. Throws on a file of an earlier version, a truncated file
   * or a checksum mismatch.
   */
  static Stored read(InputStream raw, long maxBody) throws IOException {
    Counting counting = new Counting(raw);
    DataInputStream in = new DataInputStream(counting);
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a cache entry of this version");
    }
    String host = in.readUTF();
    String target = readLong(in);
    CacheKey key = new CacheKey(host, target, readLong(in));
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
    int checksum = in.readInt();
    long offset = counting.count;
    Buffer body;
    if (length <= maxBody) {
      byte[] b = in.readNBytes(length);
      if (b.length != length) {
        throw new IOException("truncated entry");
      }
      if (checksum(b, 0, length) != checksum) {
        throw new IOException("checksum mismatch");
      }
      body = Buffer.buffer(b);
    } else {
      body = Buffer.buffer();
    }
    return new Stored(
        key,
        new CachedResponse(status, headers, body, requestTime, responseTime, lifetime, vary),
        length,
        checksum,
        offset);
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      count += k;
      return k;
    }
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
