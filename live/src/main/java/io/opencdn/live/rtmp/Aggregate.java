package io.opencdn.live.rtmp;

import java.util.Arrays;

/**
 * The FLV tags of an RTMP aggregate message (type 22): each an 11-byte tag header (type, body size,
 * timestamp with its extension byte, stream id), the body and a 4-byte back pointer. Tag timestamps
 * are relative to the first tag's and rebased on the message's own.
 */
public final class Aggregate {

  /** Receives one tag of an aggregate. */
  @FunctionalInterface
  public interface TagHandler {
    /**
     * @param type the tag's message type (audio, video or data)
     * @param timestamp the tag's timestamp on the message stream's clock
     * @param body the tag's body
     */
    void tag(int type, long timestamp, byte[] body);
  }

  private Aggregate() {}

  /**
   * Hands each tag of {@code m} to {@code handler} in order.
   *
   * @throws RtmpException when a tag runs past the end of the message
   */
  public static void forEach(RtmpMessage m, TagHandler handler) {
    byte[] p = m.payload();
    int pos = 0;
    long base = -1;
    while (pos + 11 <= p.length) {
      int type = p[pos] & 0xff;
      int size = (p[pos + 1] & 0xff) << 16 | (p[pos + 2] & 0xff) << 8 | p[pos + 3] & 0xff;
      long ts =
          ((p[pos + 7] & 0xffL) << 24)
              | (p[pos + 4] & 0xffL) << 16
              | (p[pos + 5] & 0xffL) << 8
              | p[pos + 6] & 0xffL;
      if (pos + 11 + size + 4 > p.length) {
        throw new RtmpException("aggregate message cut short");
      }
      base = base < 0 ? ts : base;
      byte[] body = Arrays.copyOfRange(p, pos + 11, pos + 11 + size);
      handler.tag(type, (m.timestamp() + ts - base) & 0xFFFFFFFFL, body);
      pos += 11 + size + 4;
    }
  }
}
