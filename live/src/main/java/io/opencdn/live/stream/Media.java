package io.opencdn.live.stream;

import io.opencdn.live.rtmp.ChunkWriter;
import io.opencdn.live.rtmp.MessageType;
import io.vertx.core.buffer.Buffer;

/**
 * One message of a live stream on this edge's timeline: audio, video or metadata, with its RTMP
 * encoding for players made once and shared by every viewer (a type 0 header per message, so the
 * same bytes are valid on any connection that uses the stream's chunk size; message stream id
 * {@value #PLAY_STREAM_ID}).
 */
public final class Media {

  /** The message stream id every player gets from {@code createStream}. */
  public static final int PLAY_STREAM_ID = 1;

  private final int type;
  private final long timestamp;
  private final byte[] payload;
  private final boolean keyFrame;
  private final boolean config;
  private final Buffer chunks;

  /**
   * @param type {@link MessageType#AUDIO}, {@link MessageType#VIDEO} or {@link
   *     MessageType#DATA_AMF0}
   * @param timestamp milliseconds on the stream's timeline
   * @param payload the FLV tag body (metadata: {@code onMetaData} and its array)
   * @param chunkSize the chunk size of the encoding for players
   */
  public Media(int type, long timestamp, byte[] payload, int chunkSize) {
    this.type = type;
    this.timestamp = timestamp;
    this.payload = payload;
    this.keyFrame = type == MessageType.VIDEO && FlvTag.isKeyFrame(payload);
    this.config =
        type == MessageType.VIDEO
            ? FlvTag.isVideoConfig(payload)
            : type == MessageType.AUDIO && FlvTag.isAudioConfig(payload);
    int csid =
        type == MessageType.VIDEO
            ? ChunkWriter.CSID_VIDEO
            : type == MessageType.AUDIO ? ChunkWriter.CSID_AUDIO : ChunkWriter.CSID_DATA;
    this.chunks = ChunkWriter.encode(csid, type, timestamp, PLAY_STREAM_ID, payload, chunkSize);
  }

  public int type() {
    return type;
  }

  /** Milliseconds on the stream's timeline. */
  public long timestamp() {
    return timestamp;
  }

  /** The FLV tag body; never modified. */
  public byte[] payload() {
    return payload;
  }

  /** Whether this is a video key frame (a GOP starts here). */
  public boolean keyFrame() {
    return keyFrame;
  }

  /** Whether this is a codec configuration (AVC or AAC sequence header). */
  public boolean config() {
    return config;
  }

  public boolean video() {
    return type == MessageType.VIDEO;
  }

  public boolean audio() {
    return type == MessageType.AUDIO;
  }

  /** The message in RTMP chunks for players; shared, never modified. */
  public Buffer chunks() {
    return chunks;
  }

  /** Size of the encoding, which is what a viewer's buffer counts. */
  public int size() {
    return chunks.length();
  }
}
