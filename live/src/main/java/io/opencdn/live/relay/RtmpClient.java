package io.opencdn.live.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opencdn.live.rtmp.Amf0;
import io.opencdn.live.rtmp.ChunkReader;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.Control;
import io.opencdn.live.rtmp.Handshake;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RTMP player on Vert.x: the client side of the handshake, {@code connect}, {@code
 * createStream}, {@code play}, then audio, video and metadata messages to a {@link MediaHandler}
 * until the connection ends. Protocol control as in the specification: it announces its chunk size,
 * acknowledges every window the server sets, answers Set Peer Bandwidth with its window and pings
 * with pongs. The edges' relays use it to pull a stream from its ingest edge.
 */
public final class RtmpClient {

  /** Receives the stream's messages (on the client's event loop). */
  @FunctionalInterface
  public interface MediaHandler {
    /**
     * @param type audio, video or data ({@code onMetaData} and its array)
     * @param timestamp the server's timestamp
     */
    void media(int type, long timestamp, byte[] payload);
  }

  private static final Logger LOG = LoggerFactory.getLogger(RtmpClient.class);
  private static final int TXN_CONNECT = 1;
  private static final int TXN_CREATE_STREAM = 2;

  /** Time from connect to Play.Start. */
  static final long SETUP_MILLIS = 5000;

  private final Vertx vertx;
  private final int chunkSize;
  private final int windowAckBytes;
  private final String flashVer;
  private final ByteBuf in = Unpooled.buffer(4096);
  private final ChunkReader reader;
  private final Handshake.Client handshake = new Handshake.Client();
  private final Promise<Void> playing = Promise.promise();
  private final Promise<Void> closed = Promise.promise();
  private NetSocket socket;
  private MediaHandler handler;
  private String app;
  private String stream;
  private String tcUrl;
  private long peerWindow;
  private long acknowledged;
  private int streamId = 1;
  private boolean started;
  private volatile boolean unpublished;
  private volatile boolean closing;

  /**
   * @param chunkSize the chunk size this client sends with
   * @param maxMessageBytes the largest message accepted from the server
   * @param windowAckBytes the window this client acknowledges with (announced to the server)
   * @param flashVer what {@code connect} names this client (servers log it; the edges recognise
   *     relays by it)
   */
  public RtmpClient(
      Vertx vertx, int chunkSize, int maxMessageBytes, int windowAckBytes, String flashVer) {
    this.vertx = vertx;
    this.chunkSize = chunkSize;
    this.windowAckBytes = windowAckBytes;
    this.flashVer = flashVer;
    this.reader = new ChunkReader(maxMessageBytes);
  }

  /**
   * Connects to {@code host:port} and plays {@code app/stream}; the future completes once the
   * server said {@code NetStream.Play.Start} (media follows to {@code handler}) and fails on any
   * error before.
   */
  public Future<Void> play(String host, int port, String app, String stream, MediaHandler handler) {
    this.handler = handler;
    this.app = app;
    this.stream = stream;
    this.tcUrl =
        "rtmp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + app;
    long timer =
        vertx.setTimer(
            SETUP_MILLIS,
            id ->
                fail(new RtmpException("no NetStream.Play.Start within " + SETUP_MILLIS + " ms")));
    playing.future().onComplete(ar -> vertx.cancelTimer(timer));
    vertx
        .createNetClient(
            new NetClientOptions().setTcpNoDelay(true).setConnectTimeout((int) SETUP_MILLIS))
        .connect(port, host)
        .onSuccess(
            s -> {
              socket = s;
              if (closing) {
                s.close();
                return;
              }
              s.handler(this::onData);
              s.closeHandler(v -> onClosed());
              s.exceptionHandler(
                  e -> {
                    LOG.debug("rtmp client {}: {}", tcUrl, e.toString());
                    s.close();
                  });
              s.write(handshake.start());
            })
        .onFailure(this::fail);
    return playing.future();
  }

  /** Completes when the connection has closed (after {@link #play} succeeded or failed). */
  public Future<Void> closed() {
    return closed.future();
  }

  /**
   * Whether the server said the stream ended (unpublished), rather than the connection breaking.
   */
  public boolean unpublished() {
    return unpublished;
  }

  /** Closes the connection. */
  public void close() {
    closing = true;
    if (socket != null) {
      socket.close();
    } else {
      fail(new RtmpException("closed"));
    }
  }

  private void onData(Buffer data) {
    if (closing) {
      return;
    }
    in.writeBytes(((BufferInternal) data).getByteBuf());
    try {
      if (!handshake.done()) {
        Buffer c2 = handshake.feed(in);
        if (c2 != null) {
          socket.write(c2);
        }
        if (!handshake.done()) {
          return;
        }
        socket.write(Control.setChunkSize(chunkSize));
        socket.write(
            Command.encode(
                0,
                chunkSize,
                "connect",
                TXN_CONNECT,
                Command.object(
                    "app",
                    app,
                    "flashVer",
                    flashVer,
                    "tcUrl",
                    tcUrl,
                    "fpad",
                    false,
                    "capabilities",
                    15.0,
                    "audioCodecs",
                    4071.0,
                    "videoCodecs",
                    252.0,
                    "videoFunction",
                    1.0)));
      }
      reader.read(in, this::onMessage);
      if (peerWindow > 0 && reader.bytesRead() - acknowledged >= peerWindow) {
        acknowledged = reader.bytesRead();
        socket.write(Control.acknowledgement(acknowledged));
      }
    } catch (RtmpException e) {
      LOG.info("rtmp client {}: closing: {}", tcUrl, e.getMessage());
      fail(e);
    } finally {
      in.discardSomeReadBytes();
    }
  }

  private void onMessage(RtmpMessage m) {
    switch (m.type()) {
      case MessageType.AUDIO, MessageType.VIDEO -> {
        if (started) {
          handler.media(m.type(), m.timestamp(), m.payload());
        }
      }
      case MessageType.DATA_AMF0 -> {
        List<Object> v = Amf0.decodeAll(m.payload());
        if (started && !v.isEmpty() && "onMetaData".equals(v.get(0))) {
          handler.media(m.type(), m.timestamp(), m.payload());
        }
      }
      case MessageType.COMMAND_AMF0 -> onCommand(Command.parse(m.payload()));
      case MessageType.WINDOW_ACK_SIZE ->
          peerWindow = Control.readUint32(m.payload(), "Window Acknowledgement Size");
      case MessageType.SET_PEER_BANDWIDTH -> socket.write(Control.windowAckSize(windowAckBytes));
      case MessageType.USER_CONTROL -> {
        if (Control.userControlEvent(m.payload()) == Control.PING_REQUEST) {
          socket.write(
              Control.userControl(Control.PING_RESPONSE, Control.userControlArgument(m.payload())));
        }
      }
      default -> {
        // Acknowledgement, Stream Begin and the like
      }
    }
  }

  private void onCommand(Command c) {
    switch (c.name()) {
      case "_result" -> {
        if (c.transaction() == TXN_CONNECT) {
          socket.write(
              Command.encode(0, chunkSize, "createStream", TXN_CREATE_STREAM, (Object) null));
        } else if (c.transaction() == TXN_CREATE_STREAM) {
          streamId = (int) c.numberArg(0, 1);
          socket.write(Command.encode(streamId, chunkSize, "play", 0, null, stream, -1.0));
          socket.write(Control.setBufferLength(streamId, 0));
        }
      }
      case "_error" -> fail(new RtmpException("server refused: " + describe(c)));
      case "onStatus" -> {
        Object info = c.args().isEmpty() ? null : c.args().get(0);
        String level =
            info instanceof java.util.Map<?, ?> map ? String.valueOf(map.get("level")) : "";
        String code =
            info instanceof java.util.Map<?, ?> map ? String.valueOf(map.get("code")) : "";
        if ("error".equals(level)) {
          fail(new RtmpException("server refused: " + code));
        } else if ("NetStream.Play.Start".equals(code)) {
          started = true;
          playing.tryComplete();
        } else if ("NetStream.Play.UnpublishNotify".equals(code)
            || "NetStream.Play.Stop".equals(code)) {
          unpublished = true;
          close();
        }
      }
      default -> {
        // onBWDone, |RtmpSampleAccess and the like
      }
    }
  }

  private static String describe(Command c) {
    return c.args().isEmpty() ? c.name() : String.valueOf(c.args().get(0));
  }

  private void fail(Throwable t) {
    playing.tryFail(t);
    closing = true;
    if (socket != null) {
      socket.close();
    } else {
      closed.tryComplete();
    }
  }

  private void onClosed() {
    playing.tryFail(new RtmpException("connection closed before NetStream.Play.Start"));
    closed.tryComplete();
  }
}
