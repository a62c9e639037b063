package io.opencdn.live.rtmp;

/** RTMP message type ids (Adobe RTMP specification 1.0, sections 5.4, 6.2 and 7.1). */
public final class MessageType {

  /** Protocol control: Set Chunk Size (5.4.1). */
  public static final int SET_CHUNK_SIZE = 1;

  /** Protocol control: Abort Message (5.4.2). */
  public static final int ABORT = 2;

  /** Protocol control: Acknowledgement (5.4.3). */
  public static final int ACKNOWLEDGEMENT = 3;

  /** User Control Message (6.2). */
  public static final int USER_CONTROL = 4;

  /** Protocol control: Window Acknowledgement Size (5.4.4). */
  public static final int WINDOW_ACK_SIZE = 5;

  /** Protocol control: Set Peer Bandwidth (5.4.5). */
  public static final int SET_PEER_BANDWIDTH = 6;

  /** Audio data: an FLV audio tag body. */
  public static final int AUDIO = 8;

  /** Video data: an FLV video tag body. */
  public static final int VIDEO = 9;

  /** Data message in AMF3 (not supported). */
  public static final int DATA_AMF3 = 15;

  /** Shared object in AMF3 (not supported). */
  public static final int SHARED_OBJECT_AMF3 = 16;

  /** Command in AMF3 (not supported). */
  public static final int COMMAND_AMF3 = 17;

  /** Data message in AMF0 (metadata: {@code @setDataFrame onMetaData}). */
  public static final int DATA_AMF0 = 18;

  /** Shared object in AMF0 (not supported). */
  public static final int SHARED_OBJECT_AMF0 = 19;

  /** Command in AMF0: connect, createStream, publish, play, _result, onStatus... */
  public static final int COMMAND_AMF0 = 20;

  /** Aggregate: several FLV tags in one message. */
  public static final int AGGREGATE = 22;

  private MessageType() {}

  /**
   * Whether {@code type} is a protocol control message, sent on chunk stream 2 and message stream
   * 0.
   */
  public static boolean isProtocolControl(int type) {
    return type >= SET_CHUNK_SIZE && type <= SET_PEER_BANDWIDTH && type != USER_CONTROL;
  }
}
