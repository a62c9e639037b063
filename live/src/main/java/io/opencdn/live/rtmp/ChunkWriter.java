package io.opencdn.live.rtmp;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts RTMP messages into chunks (Adobe RTMP specification 1.0, section 5.3). Every message starts
 * with a type 0 header (absolute timestamp, length, type and stream id) and continues in type 3
 * chunks, so an encoded message does not depend on what was sent before it on the connection: one
 * encoding of a media message is written to every viewer as is. Timestamps of 2^24-1 ms and more go
 * into the extended timestamp field, repeated on each type 3 chunk of the message.
 */
public final class ChunkWriter {

  /** Chunk stream of protocol control messages (5.4). */
  public static final int CSID_CONTROL = 2;

  /** Chunk stream of commands. */
  public static final int CSID_COMMAND = 3;

  /** Chunk stream of audio. */
  public static final int CSID_AUDIO = 4;

  /** Chunk stream of data (metadata) messages. */
  public static final int CSID_DATA = 5;

  /** Chunk stream of video. */
  public static final int CSID_VIDEO = 6;

  private ChunkWriter() {}

  /** {@code message} in chunks of {@code chunkSize} on chunk stream {@code csid}. */
  public static Buffer encode(int csid, RtmpMessage message, int chunkSize) {
    return encode(
        csid,
        message.type(),
        message.timestamp(),
        message.streamId(),
        message.payload(),
        chunkSize);
  }

  /**
   * One message in chunks of {@code chunkSize}.
   *
   * @param csid chunk stream id, 2..65599
   * @param timestamp absolute timestamp, taken modulo 2^32
   */
  public static Buffer encode(
      int csid, int type, long timestamp, int streamId, byte[] payload, int chunkSize) {
    if (csid < 2 || csid > 65_599) {
      throw new IllegalArgumentException("chunk stream id " + csid);
    }
    if (payload.length > 0xFFFFFF) {
      throw new IllegalArgumentException("message of " + payload.length + " bytes");
    }
    long ts = timestamp & 0xFFFFFFFFL;
    boolean ext = ts >= 0xFFFFFF;
    int basic = csid < 64 ? 1 : csid < 320 ? 2 : 3;
    int chunks = payload.length == 0 ? 1 : (payload.length + chunkSize - 1) / chunkSize;
    int size = basic + 11 + (ext ? 4 : 0) + payload.length + (chunks - 1) * (basic + (ext ? 4 : 0));
    byte[] out = new byte[size];
    int p = basicHeader(out, 0, 0, csid);
    int field = ext ? 0xFFFFFF : (int) ts;
    p = medium(out, p, field);
    p = medium(out, p, payload.length);
    out[p++] = (byte) type;
    out[p++] = (byte) streamId;
    out[p++] = (byte) (streamId >>> 8);
    out[p++] = (byte) (streamId >>> 16);
    out[p++] = (byte) (streamId >>> 24);
    if (ext) {
      p = uint32(out, p, ts);
    }
    int off = 0;
    while (true) {
      int n = Math.min(chunkSize, payload.length - off);
      System.arraycopy(payload, off, out, p, n);
      p += n;
      off += n;
      if (off >= payload.length) {
        break;
      }
      p = basicHeader(out, p, 3, csid);
      if (ext) {
        p = uint32(out, p, ts);
      }
    }
    return Buffer.buffer(out);
  }

  private static int basicHeader(byte[] out, int p, int fmt, int csid) {
    if (csid < 64) {
      out[p++] = (byte) (fmt << 6 | csid);
    } else if (csid < 320) {
      out[p++] = (byte) (fmt << 6);
      out[p++] = (byte) (csid - 64);
    } else {
      out[p++] = (byte) (fmt << 6 | 1);
      out[p++] = (byte) ((csid - 64) & 0xff);
      out[p++] = (byte) ((csid - 64) >>> 8);
    }
    return p;
  }

  private static int medium(byte[] out, int p, int v) {
    out[p] = (byte) (v >>> 16);
    out[p + 1] = (byte) (v >>> 8);
    out[p + 2] = (byte) v;
    return p + 3;
  }

  private static int uint32(byte[] out, int p, long v) {
    out[p] = (byte) (v >>> 24);
    out[p + 1] = (byte) (v >>> 16);
    out[p + 2] = (byte) (v >>> 8);
    out[p + 3] = (byte) v;
    return p + 4;
  }
}
