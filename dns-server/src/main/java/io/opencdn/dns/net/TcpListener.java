package io.opencdn.dns.net;

import io.opencdn.dns.config.TcpConfig;
import io.opencdn.dns.wire.DnsHandler;
import io.opencdn.dns.wire.Transport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message is preceded by its 2-byte length. Queries
 * may be pipelined on one connection; responses are written in query order. A connection idle for
 * {@code idleSeconds} is closed (RFC 7766 6.2.3), and so is one whose handler throws. At most
 * {@code maxConnections} connections are open at once, and at most {@code maxConnectionsPerClient}
 * from one address (shared by all listeners given the same {@link Slots}); a connection beyond a
 * cap is closed at once (RFC 7766 6.2.2 lets a server limit its connections). Several listeners may
 * bind the same port: Vert.x spreads the accepted connections over their event loops.
 *
 * <p>Memory per connection is bounded: when more than {@code writeQueueBytes} of responses wait to
 * be sent (the client pipelines queries and does not read), no further query is read or answered
 * until the queue drains; a client that never reads stops being read, and its connection is closed
 * after {@code idleSeconds} without progress.
 */
public final class TcpListener {

  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private final Vertx vertx;
  private final DnsHandler handler;
  private final TcpConfig config;
  private final Slots slots;
  private NetServer server;

  /**
   * The connection slots of one server, shared by its listeners: a total cap and a cap per client
   * address. Thread-safe.
   */
  public static final class Slots {
    private final AtomicInteger open;
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final int max;
    private final int maxPerClient;
    private final LongAdder refused = new LongAdder();

    /** Slots for {@code config}'s caps. */
    public Slots(TcpConfig config) {
      this(config.maxConnections(), config.maxConnectionsPerClient(), new AtomicInteger());
    }

    Slots(int max, int maxPerClient, AtomicInteger open) {
      this.max = max;
      this.maxPerClient = maxPerClient;
      this.open = open;
    }

    /** Takes a slot for a connection from {@code client}; false (nothing taken) over a cap. */
    boolean take(InetAddress client) {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        refused.increment();
        return false;
      }
      if (perClient.merge(client, 1, Integer::sum) > maxPerClient) {
        release(client);
        refused.increment();
        return false;
      }
      return true;
    }

    void release(InetAddress client) {
      perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
      open.decrementAndGet();
    }

    /** Connections open now. */
    public int open() {
      return open.get();
    }

    /** Connections closed at once because a cap was reached. */
    public long refused() {
      return refused.sum();
    }
  }

  /** A listener with the default caps ({@link TcpConfig#DEFAULT}) and {@code idleSeconds}. */
  public TcpListener(Vertx vertx, DnsHandler handler, int idleSeconds) {
    this(vertx, handler, new TcpConfig(null, null, idleSeconds, null), null);
  }

  /**
   * A listener without a per-client cap.
   *
   * @param maxConnections cap on open connections counted in {@code open}
   * @param open connection counter, shared by the listeners of one server
   */
  public TcpListener(
      Vertx vertx, DnsHandler handler, int idleSeconds, int maxConnections, AtomicInteger open) {
    this(
        vertx,
        handler,
        new TcpConfig(maxConnections, maxConnections, idleSeconds, null),
        new Slots(maxConnections, maxConnections, open));
  }

  /**
   * @param config caps, idle timeout and write queue bound
   * @param slots the server's connection slots, shared by its listeners (null: this listener's own)
   */
  public TcpListener(Vertx vertx, DnsHandler handler, TcpConfig config, Slots slots) {
    this.vertx = vertx;
    this.handler = handler;
    this.config = config;
    this.slots = slots != null ? slots : new Slots(config);
  }

  /** Default connection cap. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  /** Binds {@code host:port} and completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server =
        vertx.createNetServer(
            new NetServerOptions()
                .setIdleTimeout(config.idleSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true));
    server.connectHandler(this::onConnection);
    return server.listen(port, host).map(NetServer::actualPort);
  }

  private void onConnection(NetSocket socket) {
    InetAddress source;
    try {
      source = InetAddress.getByName(socket.remoteAddress().hostAddress());
    } catch (Exception e) {
      socket.close();
      return;
    }
    if (!slots.take(source)) {
      LOG.debug("tcp connection from {} refused: cap reached", source);
      socket.close();
      return;
    }
    socket.closeHandler(v -> slots.release(source));
    socket.setWriteQueueMaxSize(config.writeQueueBytes());
    // the parser reads from the socket as a stream: pausing it stops both reading and answering
    RecordParser parser = RecordParser.newFixed(2, socket);
    parser.handler(
        new Framer(parser, query -> answer(socket, parser, query, source), socket::close));
    parser.exceptionHandler(e -> LOG.debug("tcp connection from {}: {}", source, e.toString()));
  }

  private void answer(NetSocket socket, RecordParser parser, byte[] query, InetAddress source) {
    try {
      byte[] response = handler.handle(query, source, Transport.TCP);
      if (response == null) {
        return;
      }
      Buffer out =
          Buffer.buffer(response.length + 2)
              .appendUnsignedShort(response.length)
              .appendBytes(response);
      socket.write(out);
      if (socket.writeQueueFull()) {
        // the client does not read what it asked for: read no more until it does
        parser.pause();
        socket.drainHandler(
            v -> {
              socket.drainHandler(null);
              parser.resume();
            });
      }
    } catch (Exception | StackOverflowError e) {
      LOG.warn("closing tcp connection from {}: {}", source, e.toString());
      socket.close();
    }
  }

  /** Alternates between reading a 2-byte length and reading that many bytes. */
  private static final class Framer implements Handler<Buffer> {
    private final RecordParser parser;
    private final Consumer<byte[]> onMessage;
    private final Runnable onEmpty;
    private boolean expectLength = true;

    Framer(RecordParser parser, Consumer<byte[]> onMessage, Runnable onEmpty) {
      this.parser = parser;
      this.onMessage = onMessage;
      this.onEmpty = onEmpty;
    }

    @Override
    public void handle(Buffer frame) {
      if (expectLength) {
        int length = frame.getUnsignedShort(0);
        if (length == 0) {
          onEmpty.run();
          return;
        }
        expectLength = false;
        parser.fixedSizeMode(length);
      } else {
        expectLength = true;
        parser.fixedSizeMode(2);
        onMessage.accept(frame.getBytes());
      }
    }
  }

  /** Connections open now (all listeners sharing the slots). */
  public int openConnections() {
    return slots.open();
  }

  /** Connections refused because a cap was reached (all listeners sharing the slots). */
  public long refusedConnections() {
    return slots.refused();
  }

  /** Stops accepting and closes the server. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
