package io.opencdn.dns.net;

import io.vertx.core.Future;

/** One UDP socket serving DNS: {@link MmsgUdpListener} on Linux, else {@link UdpListener}. */
public interface DatagramListener {

  /** Binds {@code host:port} (0 = any free port) and completes with the bound port; called once. */
  Future<Integer> listen(String host, int port);

  /** Responses dropped because the socket's send buffer was full. */
  long droppedWrites();

  /** Closes the socket; completes when it no longer answers. */
  Future<Void> close();
}
