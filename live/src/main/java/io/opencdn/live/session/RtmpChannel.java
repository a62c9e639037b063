package io.opencdn.live.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.rtmp.ChunkReader;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.Control;
import io.opencdn.live.rtmp.Handshake;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.live.stream.Media;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The byte stream of one server-side RTMP connection (Adobe RTMP specification 1.0, sections 5.2 to
 * 5.4): the handshake, the chunk streams read into messages, the protocol control a server answers
 * by itself (Window Acknowledgement Size, Acknowledgement, ping), and the command replies it writes
 * ({@code _result}, {@code _error}, {@code onStatus}). What the messages mean is the {@link
 * RtmpConnection}'s. Used on the connection's event loop only.
 */
final class RtmpChannel {

  private final NetSocket socket;
  private final LiveConfig config;
  private final ByteBuf in = Unpooled.buffer(4096);
  private final Handshake.Server handshake;
  private final ChunkReader reader;
  private long peerWindow;
  private long acknowledged;

  /**
   * @param clock time of the handshake's timestamp
   */
  RtmpChannel(NetSocket socket, LiveConfig config, Clock clock) {
    this.socket = socket;
    this.config = config;
    this.handshake = new Handshake.Server((int) clock.millis());
    this.reader = new ChunkReader(config.maxMessageBytes());
  }

  /**
   * Takes bytes read from the socket: answers the handshake until it is done, then passes each
   * complete message to {@code messages}, in order.
   *
   * @throws RtmpException when the handshake or a chunk is malformed or a message too long
   */
  void read(Buffer data, Consumer<RtmpMessage> messages) {
    in.writeBytes(((BufferInternal) data).getByteBuf());
    try {
      if (!handshake.done()) {
        Buffer reply = handshake.feed(in);
        if (reply != null) {
          socket.write(reply);
        }
        if (!handshake.done()) {
          return;
        }
      }
      reader.read(in, messages);
    } finally {
      in.discardSomeReadBytes();
    }
  }

  /** Sends an Acknowledgement once the client's window has been read since the last one. */
  void acknowledge() {
    if (peerWindow > 0 && reader.bytesRead() - acknowledged >= peerWindow) {
      acknowledged = reader.bytesRead();
      socket.write(Control.acknowledgement(acknowledged));
    }
  }

  /**
   * Takes a protocol control message: a Window Acknowledgement Size is kept, a ping answered;
   * anything else (Acknowledgement, Set Peer Bandwidth from a client, shared objects) is ignored.
   */
  void control(RtmpMessage m) {
    switch (m.type()) {
      case MessageType.WINDOW_ACK_SIZE ->
          peerWindow = Control.readUint32(m.payload(), "Window Acknowledgement Size");
      case MessageType.USER_CONTROL -> {
        if (Control.userControlEvent(m.payload()) == Control.PING_REQUEST) {
          socket.write(
              Control.userControl(Control.PING_RESPONSE, Control.userControlArgument(m.payload())));
        }
      }
      default -> {
        // nothing to do
      }
    }
  }

  /**
   * Accepts {@code connect}: the acknowledgement window, the client's bandwidth, the chunk size
   * from now on, then {@code _result}.
   */
  void connected(double transaction) {
    socket.write(Control.windowAckSize(config.windowAckBytes()));
    socket.write(Control.setPeerBandwidth(config.windowAckBytes(), Control.LIMIT_DYNAMIC));
    socket.write(Control.setChunkSize(config.chunkSize()));
    socket.write(Command.connectSuccess(config.chunkSize(), transaction));
  }

  /**
   * Refuses {@code connect} with {@code _error} (written with the default chunk size: the client
   * has been told no other).
   */
  void connectRefused(double transaction, String code, String description) {
    socket.write(
        Command.encode(
            0,
            ChunkReader.DEFAULT_CHUNK_SIZE,
            "_error",
            transaction,
            null,
            Command.status("error", code, description)));
  }

  /** Answers {@code c} with {@code _result} and {@code info}. */
  void result(Command c, Object info) {
    socket.write(Command.encode(0, config.chunkSize(), "_result", c.transaction(), null, info));
  }

  /** Sends Stream Begin for the media stream. */
  void streamBegin() {
    socket.write(Control.userControl(Control.STREAM_BEGIN, Media.PLAY_STREAM_ID));
  }

  /** Sends an {@code onStatus} on the media stream. */
  void onStatus(String level, String code, String description) {
    socket.write(
        Command.encode(
            Media.PLAY_STREAM_ID,
            config.chunkSize(),
            "onStatus",
            0,
            null,
            Command.status(level, code, description)));
  }

  /** Frees the read buffer (once the socket has closed). */
  void release() {
    in.release();
  }
}
