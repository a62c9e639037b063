package io.opencdn.edge.cluster.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real TCP connects on loopback: an accepting port and a refusing port both give one RTT. */
class TcpConnectConnectorTest {

  @Test
  void anAcceptedAndARefusedConnectBothMeasureOneRoundTrip() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, lo)) {
      closedPort = probe.getLocalPort();
    }
    try (ServerSocket open = new ServerSocket(0, 50, lo)) {
      InetSocketAddress accepting = new InetSocketAddress(lo, open.getLocalPort());
      InetSocketAddress refusing = new InetSocketAddress(lo, closedPort);
      long start = System.nanoTime();
      Map<InetSocketAddress, Double> rtts =
          new TcpConnectConnector().measure(List.of(accepting, refusing), lo, 1000);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(rtts).containsOnlyKeys(accepting, refusing);
      assertThat(rtts.values()).allMatch(ms -> ms >= 0 && ms < 500);
      assertThat(tookMs).isLessThan(1000);
    }
  }

  @Test
  void aSourceAddressThatIsNotLocalGivesNoSampleAndNoError() {
    Map<InetSocketAddress, Double> rtts =
        new TcpConnectConnector()
            .measure(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)),
                LatencyProberTest.addr("192.0.2.77"),
                200);
    assertThat(rtts).isEmpty();
  }
}
