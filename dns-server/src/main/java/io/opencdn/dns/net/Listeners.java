package io.opencdn.dns.net;

import io.netty.channel.EventLoopGroup;
import io.opencdn.dns.config.TcpConfig;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All sockets of one server on one port, spread over {@code instances} threads. UDP on Linux: one
 * {@link MmsgUdpListener} per thread (a blocking socket read with recvmmsg), the sockets sharing
 * the port with SO_REUSEPORT; elsewhere, or where JNA cannot load, or with the system property
 * {@value #UDP_PROPERTY}{@code =netty}: one {@link UdpListener} channel per loop of a Netty event
 * loop group owned here (epoll with SO_REUSEPORT on Linux, else a single NIO channel). TCP: one
 * small verticle per instance (Vert.x gives every verticle instance its own event loop) holding a
 * TCP server; Vert.x shares the TCP port between the servers and spreads connections over them.
 */
public final class Listeners {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  private static final int BIND_ATTEMPTS = 5;

  /** System property choosing the UDP implementation: "netty" for the Netty channel. */
  public static final String UDP_PROPERTY = "opencdn.dns.udp";

  private final Vertx vertx;
  private final EventLoopGroup udpLoops;
  private final String udpIo;
  private final List<DatagramListener> udp = new ArrayList<>();

  /**
   * A fresh UDP listener: a closed one is not bound again (a retried {@link #listen} takes new
   * ones).
   */
  private final java.util.function.Supplier<DatagramListener> newUdp;

  private final List<TcpListener> tcp = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();

  /**
   * @param instances threads (UDP sockets, TCP event loops) to use, at least 1
   * @param idleSeconds TCP idle timeout
   * @param maxConnections TCP connection cap across all instances (also per client)
   */
  public Listeners(
      Vertx vertx, DnsHandler handler, int instances, int idleSeconds, int maxConnections) {
    this(
        vertx,
        handler,
        instances,
        new TcpConfig(maxConnections, maxConnections, idleSeconds, null),
        mmsgWanted());
  }

  /**
   * @param instances threads (UDP sockets, TCP event loops) to use, at least 1
   * @param tcp TCP caps (across all instances), idle timeout and write queue bound
   */
  public Listeners(Vertx vertx, DnsHandler handler, int instances, TcpConfig tcp) {
    this(vertx, handler, instances, tcp, mmsgWanted());
  }

  /**
   * As above, with the UDP implementation chosen: {@code mmsg} for {@link MmsgUdpListener} (must be
   * available).
   */
  Listeners(
      Vertx vertx,
      DnsHandler handler,
      int instances,
      int idleSeconds,
      int maxConnections,
      boolean mmsg) {
    this(
        vertx,
        handler,
        instances,
        new TcpConfig(maxConnections, maxConnections, idleSeconds, null),
        mmsg);
  }

  private Listeners(
      Vertx vertx, DnsHandler handler, int instances, TcpConfig tcpConfig, boolean mmsg) {
    this.vertx = vertx;
    int n = Math.max(1, instances);
    boolean reusePort = n > 1 && (mmsg || UdpListener.nativeTransport());
    int udpSockets = reusePort ? n : 1;
    this.udpLoops = mmsg ? null : UdpListener.group(udpSockets);
    this.udpIo = mmsg ? "recvmmsg" : UdpListener.nativeTransport() ? "netty-epoll" : "netty-nio";
    this.newUdp =
        () ->
            mmsg
                ? new MmsgUdpListener(handler, reusePort)
                : new UdpListener(udpLoops, handler, reusePort);
    for (int i = 0; i < udpSockets; i++) {
      udp.add(newUdp.get());
    }
    TcpListener.Slots slots = new TcpListener.Slots(tcpConfig);
    for (int i = 0; i < n; i++) {
      tcp.add(new TcpListener(vertx, handler, tcpConfig, slots));
    }
  }

  /**
   * For tests: one UDP listener made by {@code newUdp} (made again for a retried listen), one TCP
   * server.
   */
  Listeners(Vertx vertx, DnsHandler handler, java.util.function.Supplier<DatagramListener> newUdp) {
    this.vertx = vertx;
    this.udpLoops = null;
    this.udpIo = "given";
    this.newUdp = newUdp;
    udp.add(newUdp.get());
    tcp.add(new TcpListener(vertx, handler, 10, 100, new AtomicInteger()));
  }

  private static boolean mmsgWanted() {
    if ("netty".equals(System.getProperty(UDP_PROPERTY))) {
      return false;
    }
    if (!MmsgUdpListener.available()) {
      if (System.getProperty("os.name", "").startsWith("Linux")) {
        LOG.info(
            "udp: Netty channels, as the recvmmsg listener cannot run here: {}",
            MmsgUdpListener.unavailableReason());
      }
      return false;
    }
    return true;
  }

  /** How UDP is read: "recvmmsg" ({@link MmsgUdpListener}), "netty-epoll" or "netty-nio". */
  public String udpIo() {
    return udpIo;
  }

  /** Responses dropped because a UDP send buffer was full. */
  public long udpDroppedWrites() {
    return udp.stream().mapToLong(DatagramListener::droppedWrites).sum();
  }

  /** Number of UDP sockets (1 without a native transport). */
  public int udpSockets() {
    return udp.size();
  }

  /** Number of TCP servers. */
  public int tcpServers() {
    return tcp.size();
  }

  /**
   * Binds UDP, then TCP on the same port, instance by instance. With port 0 the first UDP socket
   * picks the port; if a later socket cannot take it, everything is closed and retried (a few
   * times).
   *
   * @return the bound port
   */
  public Future<Integer> listen(String host, int port) {
    return listen(host, port, BIND_ATTEMPTS);
  }

  private Future<Integer> listen(String host, int port, int attempts) {
    if (port != 0) {
      // SO_REUSEPORT would let our channels join sockets another server holds on this port (and
      // split its traffic): a plain socket's bind finds any holder first
      try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
        probe.bind(new java.net.InetSocketAddress(host, port));
      } catch (java.io.IOException e) {
        return Future.failedFuture(
            new java.net.BindException("udp " + host + ":" + port + ": " + e.getMessage()));
      }
    }
    Future<Integer> bound = udp.get(0).listen(host, port);
    for (int i = 1; i < udp.size(); i++) {
      DatagramListener u = udp.get(i);
      bound = bound.compose(p -> u.listen(host, p));
    }
    for (TcpListener t : tcp) {
      bound = bound.compose(p -> deploy(new Instance(t, host, p)));
    }
    return bound.recover(
        e ->
            closeSockets()
                .transform(
                    x -> {
                      if (port != 0 || attempts <= 1) {
                        return Future.failedFuture(e);
                      }
                      udp.replaceAll(closed -> newUdp.get());
                      return listen(host, port, attempts - 1);
                    }));
  }

  private Future<Integer> deploy(Instance instance) {
    return vertx
        .deployVerticle(instance)
        .map(
            id -> {
              synchronized (deployments) {
                deployments.add(id);
              }
              return instance.bound;
            });
  }

  /** Closes every socket and stops the UDP threads or event loops. */
  public Future<Void> close() {
    return closeSockets()
        .eventually(
            () -> {
              if (udpLoops == null) {
                return Future.succeededFuture();
              }
              io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
              udpLoops
                  .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                  .addListener(f -> stopped.complete());
              return stopped.future();
            });
  }

  private Future<Void> closeSockets() {
    List<Future<?>> all = new ArrayList<>();
    udp.forEach(u -> all.add(u.close()));
    synchronized (deployments) {
      deployments.forEach(id -> all.add(vertx.undeploy(id)));
      deployments.clear();
    }
    return Future.join(all).mapEmpty();
  }

  /** One event loop's TCP server. */
  private static final class Instance extends VerticleBase {
    private final TcpListener tcp;
    private final String host;
    private final int port;
    private volatile int bound;

    Instance(TcpListener tcp, String host, int port) {
      this.tcp = tcp;
      this.host = host;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return tcp.listen(host, port).onSuccess(p -> bound = p);
    }

    @Override
    public Future<?> stop() {
      return tcp.close();
    }
  }
}
