package io.opencdn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port free at the moment, for a listener whose port must be known before it starts (a
 * cluster member list, a configuration file); a listener that can report its port binds port 0
 * instead.
 */
public final class Ports {
  private Ports() {}

  /** A TCP port free on 127.0.0.1. */
  public static int free() {
    return free("127.0.0.1");
  }

  /** A TCP port free on {@code host} (a loopback address). */
  public static int free(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
