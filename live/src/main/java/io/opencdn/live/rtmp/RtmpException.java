package io.opencdn.live.rtmp;

/**
 * Input that breaks the RTMP protocol (a malformed chunk, handshake or AMF0 value, a message over
 * the configured size). The connection that sent it is closed; nothing else is affected.
 */
public final class RtmpException extends RuntimeException {

  public RtmpException(String message) {
    super(message);
  }
}
