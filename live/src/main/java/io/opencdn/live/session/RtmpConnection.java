package io.opencdn.live.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.rtmp.Aggregate;
import io.opencdn.live.rtmp.Amf0;
import io.opencdn.live.rtmp.ChunkReader;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.Control;
import io.opencdn.live.rtmp.Handshake;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Media;
import io.opencdn.live.stream.Source;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one RTMP connection (Adobe RTMP specification 1.0): handshake, then chunks in
 * both directions, protocol control (chunk size, acknowledgement window, peer bandwidth, ping), and
 * the NetConnection and NetStream commands of a publisher ({@code connect}, {@code releaseStream},
 * {@code FCPublish}, {@code createStream}, {@code publish}, media, {@code FCUnpublish}, {@code
 * deleteStream}) or a player ({@code connect}, {@code createStream}, {@code getStreamLength},
 * {@code play}). Every message stream is id {@value Media#PLAY_STREAM_ID}.
 *
 * <p>Media is accepted only after a publish was accepted (the key checked by the {@link
 * SessionHandler}); a client that sends media before, or anything malformed, is disconnected, which
 * affects nothing else. A connection must be publishing or playing within {@value #SETUP_MILLIS}
 * ms, and a publisher that sends nothing for {@value #PUBLISH_IDLE_MILLIS} ms is disconnected.
 */
public final class RtmpConnection implements Source {

  /** Time from accept to publishing or playing. */
  public static final long SETUP_MILLIS = 10_000;

  /** A publisher silent this long is disconnected. */
  public static final long PUBLISH_IDLE_MILLIS = 30_000;

  private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);

  private enum State {
    HANDSHAKE,
    CONNECTING,
    CONNECTED,
    PUBLISHING,
    PLAYING,
    CLOSED
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final Context context;
  private final LiveConfig config;
  private final SessionHandler handler;
  private final Runnable onClose;
  private final Clock clock;
  private final ByteBuf in = Unpooled.buffer(4096);
  private final Handshake.Server handshake;
  private final ChunkReader reader;
  private State state = State.HANDSHAKE;
  private long peerWindow;
  private long acknowledged;
  private boolean relayClient;
  private LiveStream stream;
  private Viewer viewer;
  private long lastMediaMillis;
  private long timer = -1;

  /**
   * @param clock time of the publisher's idle check and the handshake's timestamp
   * @param onClose runs once when the connection has closed
   */
  public RtmpConnection(
      Vertx vertx,
      NetSocket socket,
      LiveConfig config,
      SessionHandler handler,
      Clock clock,
      Runnable onClose) {
    this.vertx = vertx;
    this.socket = socket;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.handler = handler;
    this.onClose = onClose;
    this.clock = clock;
    this.handshake = new Handshake.Server((int) clock.millis());
    this.reader = new ChunkReader(config.maxMessageBytes());
  }

  /** Starts reading; call on the socket's event loop. */
  public void start() {
    socket.handler(this::onData);
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(
        e -> {
          LOG.debug("rtmp {}: {}", socket.remoteAddress(), e.toString());
          socket.close();
        });
    timer =
        vertx.setTimer(
            SETUP_MILLIS,
            id -> {
              timer = -1;
              if (state != State.PUBLISHING && state != State.PLAYING && state != State.CLOSED) {
                LOG.debug(
                    "rtmp {}: neither publishing nor playing after {} ms",
                    socket.remoteAddress(),
                    SETUP_MILLIS);
                socket.close();
              }
            });
  }

  private void onData(Buffer data) {
    if (state == State.CLOSED) {
      return;
    }
    in.writeBytes(((BufferInternal) data).getByteBuf());
    try {
      if (state == State.HANDSHAKE) {
        Buffer reply = handshake.feed(in);
        if (reply != null) {
          socket.write(reply);
        }
        if (!handshake.done()) {
          return;
        }
        state = State.CONNECTING;
      }
      reader.read(in, this::onMessage);
      if (peerWindow > 0
          && reader.bytesRead() - acknowledged >= peerWindow
          && state != State.CLOSED) {
        acknowledged = reader.bytesRead();
        socket.write(Control.acknowledgement(acknowledged));
      }
    } catch (RtmpException e) {
      LOG.info("rtmp {}: closing: {}", socket.remoteAddress(), e.getMessage());
      close();
    } finally {
      in.discardSomeReadBytes();
    }
  }

  private void onMessage(RtmpMessage m) {
    if (state == State.CLOSED) {
      return;
    }
    switch (m.type()) {
      case MessageType.COMMAND_AMF0 -> onCommand(Command.parse(m.payload()));
      case MessageType.COMMAND_AMF3 -> {
        // an AMF3 command message whose body is AMF0 after a format byte (what Flash clients send)
        if (m.payload().length < 1 || m.payload()[0] != 0) {
          throw new RtmpException("AMF3 command messages are not supported");
        }
        onCommand(Command.parse(java.util.Arrays.copyOfRange(m.payload(), 1, m.payload().length)));
      }
      case MessageType.AUDIO, MessageType.VIDEO -> media(m.type(), m.timestamp(), m.payload());
      case MessageType.DATA_AMF0 -> data(m);
      case MessageType.AGGREGATE -> aggregate(m);
      case MessageType.WINDOW_ACK_SIZE ->
          peerWindow = Control.readUint32(m.payload(), "Window Acknowledgement Size");
      case MessageType.USER_CONTROL -> {
        if (Control.userControlEvent(m.payload()) == Control.PING_REQUEST) {
          socket.write(
              Control.userControl(Control.PING_RESPONSE, Control.userControlArgument(m.payload())));
        }
      }
      default -> {
        // Acknowledgement, Set Peer Bandwidth from a client, shared objects: nothing to do
      }
    }
  }

  private void media(int type, long timestamp, byte[] payload) {
    if (state != State.PUBLISHING) {
      throw new RtmpException("media before an accepted publish");
    }
    lastMediaMillis = clock.millis();
    stream.push(this, type, timestamp, payload);
  }

  private void data(RtmpMessage m) {
    if (state != State.PUBLISHING) {
      return; // players send none; a publisher's metadata before publish is dropped
    }
    byte[] p = m.payload();
    List<Object> head = Amf0.decodeAll(p);
    if (!head.isEmpty() && "@setDataFrame".equals(head.get(0))) {
      p = java.util.Arrays.copyOfRange(p, Amf0.lengthOfFirst(p), p.length);
      head = head.subList(1, head.size());
    }
    if (!head.isEmpty() && "onMetaData".equals(head.get(0))) {
      stream.push(this, MessageType.DATA_AMF0, m.timestamp(), p);
    }
  }

  private void aggregate(RtmpMessage m) {
    Aggregate.forEach(
        m,
        (type, at, body) -> {
          if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
            media(type, at, body);
          } else if (type == MessageType.DATA_AMF0) {
            data(new RtmpMessage(type, at, m.streamId(), body));
          }
        });
  }

  private void onCommand(Command c) {
    switch (c.name()) {
      case "connect" -> connect(c);
      case "createStream" -> {
        requireConnected(c);
        result(c, (double) Media.PLAY_STREAM_ID);
      }
      case "releaseStream", "FCPublish", "FCSubscribe", "getStreamLength" -> {
        if (c.transaction() > 0) {
          result(c, Amf0.UNDEFINED);
        }
      }
      case "publish" -> publish(c);
      case "play" -> play(c);
      case "FCUnpublish", "deleteStream", "closeStream" -> {
        if (state == State.PUBLISHING || state == State.PLAYING) {
          close();
        }
      }
      default -> LOG.debug("rtmp {}: command {} ignored", socket.remoteAddress(), c.name());
    }
  }

  private void requireConnected(Command c) {
    if (state != State.CONNECTED) {
      throw new RtmpException(c.name() + " before connect");
    }
  }

  private void connect(Command c) {
    if (state != State.CONNECTING) {
      throw new RtmpException("connect twice");
    }
    String app = c.property("app");
    app = app == null ? "" : app.replaceFirst("[?].*$", "").replaceAll("/+$", "");
    if (!app.equals(config.app())) {
      send(
          Command.encode(
              0,
              ChunkReader.DEFAULT_CHUNK_SIZE,
              "_error",
              c.transaction(),
              null,
              Command.status(
                  "error", "NetConnection.Connect.Rejected", "no application '" + app + "' here")));
      LOG.info("rtmp {}: connect to application '{}' refused", socket.remoteAddress(), app);
      closeAfterWrites();
      return;
    }
    String flashVer = c.property("flashVer");
    relayClient = flashVer != null && flashVer.startsWith(RELAY_FLASH_VERSION);
    state = State.CONNECTED;
    socket.write(Control.windowAckSize(config.windowAckBytes()));
    socket.write(Control.setPeerBandwidth(config.windowAckBytes(), Control.LIMIT_DYNAMIC));
    socket.write(Control.setChunkSize(config.chunkSize()));
    send(Command.connectSuccess(config.chunkSize(), c.transaction()));
  }

  /** The flashVer prefix of the edges' relay clients. */
  public static final String RELAY_FLASH_VERSION = "OpenCDN relay";

  private void publish(Command c) {
    requireConnected(c);
    StreamName nameAndKey = StreamName.parse(c.stringArg(0));
    try {
      if (nameAndKey == null) {
        throw new Refusal(
            "NetStream.Publish.BadName", "stream names are " + LiveConfig.STREAM_NAME);
      }
      stream = handler.publish(nameAndKey.name(), nameAndKey.key(), this);
    } catch (Refusal r) {
      refuse(r);
      return;
    }
    state = State.PUBLISHING;
    lastMediaMillis = clock.millis();
    cancelTimer();
    timer =
        vertx.setPeriodic(
            PUBLISH_IDLE_MILLIS / 3,
            id -> {
              if (clock.millis() - lastMediaMillis > PUBLISH_IDLE_MILLIS) {
                LOG.info(
                    "rtmp {}: publisher of {} silent for {} ms, closing",
                    socket.remoteAddress(),
                    stream.name(),
                    PUBLISH_IDLE_MILLIS);
                close();
              }
            });
    socket.write(Control.userControl(Control.STREAM_BEGIN, Media.PLAY_STREAM_ID));
    onStatus("status", "NetStream.Publish.Start", nameAndKey.name() + " is now published.");
  }

  private void play(Command c) {
    requireConnected(c);
    StreamName nameAndKey = StreamName.parse(c.stringArg(0));
    LiveStream s;
    try {
      if (nameAndKey == null) {
        throw new Refusal(
            "NetStream.Play.StreamNotFound", "stream names are " + LiveConfig.STREAM_NAME);
      }
      s = handler.play(nameAndKey.name(), relayClient);
    } catch (Refusal r) {
      refuse(r);
      return;
    }
    stream = s;
    state = State.PLAYING;
    cancelTimer();
    String name = nameAndKey.name();
    socket.write(Control.userControl(Control.STREAM_BEGIN, Media.PLAY_STREAM_ID));
    onStatus("status", "NetStream.Play.Reset", "Playing and resetting " + name + ".");
    onStatus("status", "NetStream.Play.Start", "Started playing " + name + ".");
    viewer =
        new Viewer(
            socket,
            context,
            config.viewerBufferBytes(),
            relayClient,
            () -> {
              LOG.info(
                  "rtmp {}: player of {} fell {} bytes behind, dropped",
                  socket.remoteAddress(),
                  name,
                  config.viewerBufferBytes());
              close();
            },
            () -> {
              onStatus("status", "NetStream.Play.UnpublishNotify", name + " is now unpublished.");
              onStatus("status", "NetStream.Play.Stop", "Stopped playing " + name + ".");
              closeAfterWrites();
            });
    s.attach(viewer);
  }

  private void refuse(Refusal r) {
    LOG.info("rtmp {}: refused: {} ({})", socket.remoteAddress(), r.getMessage(), r.code());
    onStatus("error", r.code(), r.getMessage());
    closeAfterWrites();
  }

  private void send(Buffer b) {
    socket.write(b);
  }

  /** Answers {@code c} with {@code _result} and {@code info}. */
  private void result(Command c, Object info) {
    send(Command.encode(0, config.chunkSize(), "_result", c.transaction(), null, info));
  }

  /** Sends an {@code onStatus} on the media stream. */
  private void onStatus(String level, String code, String description) {
    send(
        Command.encode(
            Media.PLAY_STREAM_ID,
            config.chunkSize(),
            "onStatus",
            0,
            null,
            Command.status(level, code, description)));
  }

  private void closeAfterWrites() {
    State was = state;
    state = State.CLOSED;
    socket.end().onComplete(v -> socket.close());
    leave(was);
  }

  /** Closes the connection (on its event loop). */
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.CLOSED;
    socket.close();
    leave(was);
  }

  private void closed() {
    if (state != State.CLOSED) {
      State was = state;
      state = State.CLOSED;
      leave(was);
    }
    cancelTimer();
    in.release();
    onClose.run();
  }

  private void leave(State was) {
    cancelTimer();
    if (was == State.PUBLISHING) {
      handler.unpublished(stream, this);
    } else if (was == State.PLAYING && viewer != null) {
      viewer.close();
      stream.detach(viewer);
      handler.stopped(stream, viewer);
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public void displaced() {
    context.runOnContext(
        v -> {
          LOG.info(
              "rtmp {}: publisher of {} displaced by a newer one",
              socket.remoteAddress(),
              stream == null ? "?" : stream.name());
          close();
        });
  }

  @Override
  public String describe() {
    return "publisher " + socket.remoteAddress();
  }
}
