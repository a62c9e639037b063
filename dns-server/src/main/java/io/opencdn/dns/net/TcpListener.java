package io.opencdn.dns.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message is preceded by its 2-byte length.
 * Queries may be pipelined on one connection; responses are written in query order. A
 * connection idle for {@code idleSeconds} is closed (RFC 7766 6.2.3), and so is one whose handler
 * throws. At most {@code maxConnections} connections are open at once (shared by all listeners
 * given the same counter); a connection beyond the cap is closed at once (RFC 7766 6.2.2 lets a
 * server limit its connections). Several listeners may bind the same port: Vert.x spreads the
 * accepted connections over their event loops.
 */
public final class TcpListener {

  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private final Vertx vertx;
  private final DnsHandler handler;
  private final int idleSeconds;
  private final int maxConnections;
  private final AtomicInteger open;
  private NetServer server;

  /** A listener with at most {@link #DEFAULT_MAX_CONNECTIONS} connections. */
  public TcpListener(Vertx vertx, DnsHandler handler, int idleSeconds) {
    this(vertx, handler, idleSeconds, DEFAULT_MAX_CONNECTIONS, new AtomicInteger());
  }

  /**
   * @param maxConnections cap on open connections counted in {@code open}
   * @param open connection counter, shared by the listeners of one server
   */
  public TcpListener(Vertx vertx, DnsHandler handler, int idleSeconds, int maxConnections, AtomicInteger open) {
    this.vertx = vertx;
    this.handler = handler;
    this.idleSeconds = idleSeconds;
    this.maxConnections = maxConnections;
    this.open = open;
  }

  /** Default connection cap. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  /** Binds {@code host:port} and completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server = vertx.createNetServer(new NetServerOptions()
        .setIdleTimeout(idleSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setTcpNoDelay(true));
    server.connectHandler(this::onConnection);
    return server.listen(port, host).map(NetServer::actualPort);
  }

  private void onConnection(NetSocket socket) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      LOG.debug("tcp connection from {} refused: {} connections open", socket.remoteAddress(), maxConnections);
      socket.close();
      return;
    }
    socket.closeHandler(v -> open.decrementAndGet());
    InetAddress source;
    try {
      source = InetAddress.getByName(socket.remoteAddress().hostAddress());
    } catch (Exception e) {
      socket.close();
      return;
    }
    RecordParser parser = RecordParser.newFixed(2);
    parser.handler(new Framer(parser, query -> answer(socket, query, source), socket::close));
    socket.handler(parser);
    socket.exceptionHandler(e -> LOG.debug("tcp connection from {}: {}", source, e.toString()));
  }

  private void answer(NetSocket socket, byte[] query, InetAddress source) {
    try {
      byte[] response = handler.handle(query, source, Transport.TCP);
      if (response == null) {
        return;
      }
      Buffer out = Buffer.buffer(response.length + 2).appendUnsignedShort(response.length).appendBytes(response);
      socket.write(out);
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

  /** Connections open now (all listeners sharing the counter). */
  public int openConnections() {
    return open.get();
  }

  /** Stops accepting and closes the server. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
