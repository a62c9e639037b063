package io.opencdn.live.rtmp;

/**
 * One RTMP message, reassembled from its chunks.
 *
 * @param type message type id ({@link MessageType})
 * @param timestamp absolute timestamp in milliseconds, 0..2^32-1 (RTMP timestamps are 32 bits)
 * @param streamId message stream id (0 for control messages)
 * @param payload the message body; never modified once built
 */
public record RtmpMessage(int type, long timestamp, int streamId, byte[] payload) {

  @Override
  public String toString() {
    return "RtmpMessage[type "
        + type
        + " ts "
        + timestamp
        + " stream "
        + streamId
        + " "
        + payload.length
        + " bytes]";
  }
}
