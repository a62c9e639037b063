package io.opencdn.dns.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP (RFC 1035 4.2.1): one datagram in, at most one datagram out. Every failure is
 * contained to its packet, so a malformed datagram never stops the listener.
 */
public final class UdpListener {

  private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);

  private final Vertx vertx;
  private final DnsHandler handler;
  private final boolean reusePort;
  private DatagramSocket socket;

  public UdpListener(Vertx vertx, DnsHandler handler) {
    this(vertx, handler, false);
  }

  /** @param reusePort set SO_REUSEPORT so several sockets (event loops) share the port; needs a native transport */
  public UdpListener(Vertx vertx, DnsHandler handler, boolean reusePort) {
    this.vertx = vertx;
    this.handler = handler;
    this.reusePort = reusePort;
  }

  /** Binds {@code host:port} (0 = any free port) and completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    socket = vertx.createDatagramSocket(new DatagramSocketOptions()
        .setIpV6(host.contains(":"))
        .setReceiveBufferSize(1 << 20)
        .setSendBufferSize(1 << 20)
        .setReuseAddress(reusePort)
        .setReusePort(reusePort));
    socket.exceptionHandler(e -> LOG.debug("udp socket error", e));
    socket.handler(this::onPacket);
    return socket.listen(port, host).map(s -> s.localAddress().port());
  }

  private void onPacket(DatagramPacket packet) {
    try {
      InetAddress source = InetAddress.getByName(packet.sender().hostAddress());
      byte[] response = handler.handle(packet.data().getBytes(), source, Transport.UDP);
      if (response != null) {
        socket.send(Buffer.buffer(response), packet.sender().port(), packet.sender().hostAddress())
            .onFailure(e -> LOG.debug("udp send to {} failed: {}", packet.sender(), e.toString()));
      }
    } catch (Exception | StackOverflowError e) {
      LOG.warn("dropped a udp packet from {}: {}", packet.sender(), e.toString());
    }
  }

  /** Closes the socket. */
  public Future<Void> close() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }
}
