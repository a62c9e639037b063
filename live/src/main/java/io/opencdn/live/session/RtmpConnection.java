package io.opencdn.live.session;

import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.rtmp.Amf0;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Media;
import io.opencdn.live.stream.Source;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one RTMP connection (Adobe RTMP specification 1.0): handshake, then chunks in
 * both directions, protocol control (chunk size, acknowledgement window, peer bandwidth, ping), and
 * the NetConnection and NetStream commands of a publisher ({@code connect}, {@code releaseStream},
 * {@code FCPublish}, {@code createStream}, {@code publish}, media, {@code FCUnpublish}, {@code
 * deleteStream}) or a player ({@code connect}, {@code createStream}, {@code getStreamLength},
 * {@code play}). Every message stream is id {@value Media#PLAY_STREAM_ID}. The bytes (handshake,
 * chunks, protocol control, replies) are the {@link RtmpChannel}'s, a publisher's media is
 * forwarded by its {@link PublishedMedia}; this class keeps the connection's state and answers the
 * commands.
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
    CONNECTING, // handshake, then waiting for connect
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
  private final RtmpChannel channel;
  private final PublishedMedia media;
  private State state = State.CONNECTING;
  private boolean relayClient;
  private LiveStream stream;
  private Viewer viewer;
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
    this.channel = new RtmpChannel(socket, config, clock);
    this.media = new PublishedMedia(this, clock);
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
    try {
      channel.read(data, this::onMessage);
      if (state != State.CLOSED) {
        channel.acknowledge();
      }
    } catch (RtmpException e) {
      LOG.info("rtmp {}: closing: {}", socket.remoteAddress(), e.getMessage());
      close();
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
        onCommand(Command.parse(Arrays.copyOfRange(m.payload(), 1, m.payload().length)));
      }
      case MessageType.AUDIO, MessageType.VIDEO ->
          media.media(m.type(), m.timestamp(), m.payload());
      case MessageType.DATA_AMF0 -> media.data(m);
      case MessageType.AGGREGATE -> media.aggregate(m);
      default -> channel.control(m);
    }
  }

  private void onCommand(Command c) {
    switch (c.name()) {
      case "connect" -> connect(c);
      case "createStream" -> {
        requireConnected(c);
        channel.result(c, (double) Media.PLAY_STREAM_ID);
      }
      case "releaseStream", "FCPublish", "FCSubscribe", "getStreamLength" -> {
        if (c.transaction() > 0) {
          channel.result(c, Amf0.UNDEFINED);
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
      channel.connectRefused(
          c.transaction(), "NetConnection.Connect.Rejected", "no application '" + app + "' here");
      LOG.info("rtmp {}: connect to application '{}' refused", socket.remoteAddress(), app);
      closeAfterWrites();
      return;
    }
    String flashVer = c.property("flashVer");
    relayClient = flashVer != null && flashVer.startsWith(RELAY_FLASH_VERSION);
    state = State.CONNECTED;
    channel.connected(c.transaction());
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
    media.publishing(stream);
    cancelTimer();
    timer =
        vertx.setPeriodic(
            PUBLISH_IDLE_MILLIS / 3,
            id -> {
              if (media.silentFor(PUBLISH_IDLE_MILLIS)) {
                LOG.info(
                    "rtmp {}: publisher of {} silent for {} ms, closing",
                    socket.remoteAddress(),
                    stream.name(),
                    PUBLISH_IDLE_MILLIS);
                close();
              }
            });
    channel.streamBegin();
    channel.onStatus("status", "NetStream.Publish.Start", nameAndKey.name() + " is now published.");
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
    channel.streamBegin();
    channel.onStatus("status", "NetStream.Play.Reset", "Playing and resetting " + name + ".");
    channel.onStatus("status", "NetStream.Play.Start", "Started playing " + name + ".");
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
              channel.onStatus(
                  "status", "NetStream.Play.UnpublishNotify", name + " is now unpublished.");
              channel.onStatus("status", "NetStream.Play.Stop", "Stopped playing " + name + ".");
              closeAfterWrites();
            });
    s.attach(viewer);
  }

  private void refuse(Refusal r) {
    LOG.info("rtmp {}: refused: {} ({})", socket.remoteAddress(), r.getMessage(), r.code());
    channel.onStatus("error", r.code(), r.getMessage());
    closeAfterWrites();
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
    channel.release();
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
