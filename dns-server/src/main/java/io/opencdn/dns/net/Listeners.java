package io.opencdn.dns.net;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All sockets of one server on one port, spread over {@code instances} event loops: each instance
 * is a small verticle (Vert.x gives every verticle instance its own event loop) holding a TCP
 * server and, where the platform allows it, its own UDP socket. Several UDP sockets share the port
 * with SO_REUSEPORT, which needs a native transport (epoll on Linux, enabled with
 * {@code VertxOptions.setPreferNativeTransport(true)}); without one a single UDP socket is used.
 * Vert.x shares the TCP port between the servers by itself and spreads connections over them.
 */
public final class Listeners {

  private static final int BIND_ATTEMPTS = 5;

  private final Vertx vertx;
  private final List<UdpListener> udp = new ArrayList<>();
  private final List<TcpListener> tcp = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();

  /**
   * @param instances event loops to use, at least 1
   * @param idleSeconds TCP idle timeout
   * @param maxConnections TCP connection cap across all instances
   */
  public Listeners(Vertx vertx, DnsHandler handler, int instances, int idleSeconds, int maxConnections) {
    this.vertx = vertx;
    int n = Math.max(1, instances);
    boolean reusePort = n > 1 && vertx.isNativeTransportEnabled();
    for (int i = 0; i < (reusePort ? n : 1); i++) {
      udp.add(new UdpListener(vertx, handler, reusePort));
    }
    AtomicInteger open = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      tcp.add(new TcpListener(vertx, handler, idleSeconds, maxConnections, open));
    }
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
   * picks the port; if a later socket cannot take it, everything is closed and retried (a few times).
   *
   * @return the bound port
   */
  public Future<Integer> listen(String host, int port) {
    return listen(host, port, BIND_ATTEMPTS);
  }

  private Future<Integer> listen(String host, int port, int attempts) {
    Instance first = new Instance(udp.get(0), tcp.get(0), host, port);
    Future<Integer> bound = deploy(first);
    for (int i = 1; i < tcp.size(); i++) {
      UdpListener u = i < udp.size() ? udp.get(i) : null;
      TcpListener t = tcp.get(i);
      bound = bound.compose(p -> deploy(new Instance(u, t, host, p)));
    }
    return bound.recover(e -> close().transform(x -> port != 0 || attempts <= 1
        ? Future.failedFuture(e) : listen(host, port, attempts - 1)));
  }

  private Future<Integer> deploy(Instance instance) {
    return vertx.deployVerticle(instance).map(id -> {
      synchronized (deployments) {
        deployments.add(id);
      }
      return instance.bound;
    });
  }

  /** Closes every socket. */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    synchronized (deployments) {
      deployments.forEach(id -> all.add(vertx.undeploy(id)));
      deployments.clear();
    }
    return Future.join(all).mapEmpty();
  }

  /** One event loop's sockets. */
  private static final class Instance extends VerticleBase {
    private final UdpListener udp;
    private final TcpListener tcp;
    private final String host;
    private final int port;
    private volatile int bound;

    Instance(UdpListener udp, TcpListener tcp, String host, int port) {
      this.udp = udp;
      this.tcp = tcp;
      this.host = host;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Future<Integer> u = udp == null ? Future.succeededFuture(port) : udp.listen(host, port);
      return u.compose(p -> tcp.listen(host, p)).onSuccess(p -> bound = p);
    }

    @Override
    public Future<?> stop() {
      return Future.join(udp == null ? Future.succeededFuture() : udp.close(), tcp.close());
    }
  }
}
