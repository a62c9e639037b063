package io.opencdn.launcher;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * What would keep {@code ./cdn demo} from binding its loopback addresses, found before it starts.
 */
final class DemoPreflight {

  private DemoPreflight() {}

  /** Null when the demo can start; else what is in the way and how to fix it. */
  static String preflight() {
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      String p = tcpFree(e.address(), e.httpPort());
      p = p != null ? p : tcpFree(e.address(), DemoTopology.RTMP_PORT);
      p = p != null ? p : tcpFree(e.address(), e.httpsPort());
      if (p != null) {
        return p;
      }
    }
    String p = tcpFree(DemoTopology.ORIGIN_HOST, DemoTopology.ORIGIN_PORT);
    p = p != null ? p : tcpFree(DemoTopology.ORIGIN_HOST, DemoTopology.STANDBY_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.DNS_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.DNS_ADMIN_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.CLUSTER_PORT);
    if (p != null) {
      return p;
    }
    try (DatagramSocket s =
        new DatagramSocket(
            new InetSocketAddress(
                InetAddress.getByName(DemoTopology.DNS_HOST), DemoTopology.DNS_PORT))) {
      return null;
    } catch (IOException e) {
      return "UDP "
          + DemoTopology.DNS_HOST
          + ":"
          + DemoTopology.DNS_PORT
          + " is in use (is another demo running?)";
    }
  }

  private static String tcpFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (java.net.BindException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("assign")) {
        return "cannot bind "
            + host
            + ": this system does not route all of 127.0.0.0/8 to loopback"
            + " (on macOS: sudo ifconfig lo0 alias "
            + host
            + ")";
      }
      return host + ":" + port + " is in use (is another demo running?)";
    } catch (IOException e) {
      return "cannot bind " + host + ":" + port + ": " + e.getMessage();
    }
  }
}
