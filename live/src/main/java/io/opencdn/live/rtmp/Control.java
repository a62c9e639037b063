package io.opencdn.live.rtmp;

import io.vertx.core.buffer.Buffer;

/**
 * Protocol control messages (Adobe RTMP specification 1.0, section 5.4) and User Control Messages
 * (6.2 and 7.1.7), built ready to send (chunk stream 2, message stream 0, timestamp 0) and read.
 */
public final class Control {

  /** User control event: Stream Begin (the stream is ready for media). */
  public static final int STREAM_BEGIN = 0;

  /** User control event: Stream EOF. */
  public static final int STREAM_EOF = 1;

  /** User control event: Stream Dry. */
  public static final int STREAM_DRY = 2;

  /** User control event: Set Buffer Length (a player's buffer, in milliseconds). */
  public static final int SET_BUFFER_LENGTH = 3;

  /** User control event: Stream Is Recorded. */
  public static final int STREAM_IS_RECORDED = 4;

  /** User control event: Ping Request. */
  public static final int PING_REQUEST = 6;

  /** User control event: Ping Response. */
  public static final int PING_RESPONSE = 7;

  /** Set Peer Bandwidth limit type: dynamic. */
  public static final int LIMIT_DYNAMIC = 2;

  private Control() {}

  /** Set Chunk Size: from now on the sender's chunks carry up to {@code size} bytes. */
  public static Buffer setChunkSize(int size) {
    return control(MessageType.SET_CHUNK_SIZE, uint32(size & 0x7FFFFFFF));
  }

  /** Acknowledgement of {@code bytesReceived} (taken modulo 2^32). */
  public static Buffer acknowledgement(long bytesReceived) {
    return control(MessageType.ACKNOWLEDGEMENT, uint32(bytesReceived));
  }

  /** Window Acknowledgement Size: acknowledge every {@code size} bytes received. */
  public static Buffer windowAckSize(int size) {
    return control(MessageType.WINDOW_ACK_SIZE, uint32(size));
  }

  /** Set Peer Bandwidth of {@code size} with limit type {@code limit}. */
  public static Buffer setPeerBandwidth(int size, int limit) {
    byte[] p = new byte[5];
    System.arraycopy(uint32(size), 0, p, 0, 4);
    p[4] = (byte) limit;
    return control(MessageType.SET_PEER_BANDWIDTH, p);
  }

  /** A User Control Message of {@code event} with a 4-byte argument (stream id or timestamp). */
  public static Buffer userControl(int event, long argument) {
    byte[] p = new byte[6];
    p[0] = (byte) (event >>> 8);
    p[1] = (byte) event;
    System.arraycopy(uint32(argument), 0, p, 2, 4);
    return ChunkWriter.encode(
        ChunkWriter.CSID_CONTROL,
        MessageType.USER_CONTROL,
        0,
        0,
        p,
        ChunkReader.DEFAULT_CHUNK_SIZE);
  }

  /** Set Buffer Length (a client's event): stream {@code streamId}, {@code millis} of buffer. */
  public static Buffer setBufferLength(int streamId, int millis) {
    byte[] p = new byte[10];
    p[1] = SET_BUFFER_LENGTH;
    System.arraycopy(uint32(streamId), 0, p, 2, 4);
    System.arraycopy(uint32(millis), 0, p, 6, 4);
    return ChunkWriter.encode(
        ChunkWriter.CSID_CONTROL,
        MessageType.USER_CONTROL,
        0,
        0,
        p,
        ChunkReader.DEFAULT_CHUNK_SIZE);
  }

  /** The event type of a User Control Message. */
  public static int userControlEvent(byte[] payload) {
    if (payload.length < 2) {
      throw new RtmpException("User Control Message of " + payload.length + " bytes");
    }
    return (payload[0] & 0xff) << 8 | payload[1] & 0xff;
  }

  /** The first 4-byte argument of a User Control Message. */
  public static long userControlArgument(byte[] payload) {
    if (payload.length < 6) {
      throw new RtmpException("User Control Message of " + payload.length + " bytes");
    }
    return (payload[2] & 0xffL) << 24
        | (payload[3] & 0xffL) << 16
        | (payload[4] & 0xffL) << 8
        | payload[5] & 0xffL;
  }

  /** The big-endian unsigned 32-bit value at the start of a control message of {@code what}. */
  public static long readUint32(byte[] payload, String what) {
    if (payload.length < 4) {
      throw new RtmpException(what + " of " + payload.length + " bytes (expected 4)");
    }
    return (payload[0] & 0xffL) << 24
        | (payload[1] & 0xffL) << 16
        | (payload[2] & 0xffL) << 8
        | payload[3] & 0xffL;
  }

  private static Buffer control(int type, byte[] payload) {
    // protocol control messages travel on chunk stream 2, message stream 0; they are short enough
    // for one chunk at the initial size, whatever chunk size is in force
    return ChunkWriter.encode(
        ChunkWriter.CSID_CONTROL, type, 0, 0, payload, ChunkReader.DEFAULT_CHUNK_SIZE);
  }

  private static byte[] uint32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
