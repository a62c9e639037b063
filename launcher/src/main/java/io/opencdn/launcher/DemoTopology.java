package io.opencdn.launcher;

import java.util.List;

/**
 * The demo contract: fixed loopback addresses, names and expected routing that the README, the
 * tests and {@code ./cdn demo} share. Keep it stable.
 */
final class DemoTopology {

  /** One demo edge. */
  record DemoEdge(String id, String city, String address, int httpPort) {
    String config() {
      return "classpath:demo/edge-" + id + ".yaml";
    }

    String baseUrl() {
      return "http://" + address + ":" + httpPort;
    }

    /**
     * The RTMP URL of live stream {@code stream} at this edge (the demo configs' {@code
     * live.rtmp}).
     */
    String rtmpUrl(String stream) {
      return "rtmp://" + address + ":" + RTMP_PORT + "/live/" + stream;
    }

    /** The HLS playlist of live stream {@code stream} through this edge. */
    String hlsUrl(String stream) {
      return baseUrl() + "/live/" + stream + "/index.m3u8";
    }

    /** The HTTPS port of every demo edge (its own address). */
    int httpsPort() {
      return HTTPS_PORT;
    }
  }

  /** A client subnet and the edge it must be sent to. */
  record Expectation(String subnet, String where, String edgeId) {}

  static final String DNS_HOST = "127.0.0.1";
  static final int DNS_PORT = 8053;

  /** The DNS server's admin listener ({@code /route} for the status page's explain panel). */
  static final int DNS_ADMIN_PORT = 8054;

  static final String ZONE = "cdn.test.";
  static final String GEO_NAME = "www.cdn.test.";
  static final String ORIGIN_HOST = "127.0.0.1";
  static final int ORIGIN_PORT = 9090;

  /** The standby origin of the demo's origin group (same content as the origin). */
  static final int STANDBY_PORT = 9092;

  /** The demo's distributions, published once every component is ready. */
  static final String DISTRIBUTIONS = "demo/distributions.yaml";

  static final int CLUSTER_PORT = 5701;

  /** RTMP port of every demo edge ({@code live.rtmp} of the demo configs). */
  static final int RTMP_PORT = 1935;

  /** The live stream the banner shows, published to {@link #LIVE_INGEST}. */
  static final String LIVE_STREAM = "demo";

  /** The edge the banner publishes to. */
  static final String LIVE_INGEST = "eu-west";

  /** Each edge's HTTPS listener, on its own address; certificates from {@link DemoCertificates}. */
  static final int HTTPS_PORT = 8443;

  static final List<DemoEdge> EDGES =
      List.of(
          new DemoEdge("us-east", "Ashburn", "127.0.0.11", 8080),
          new DemoEdge("eu-west", "Frankfurt", "127.0.0.12", 8080),
          new DemoEdge("ap-northeast", "Tokyo", "127.0.0.13", 8080));

  static final List<Expectation> EXPECTED =
      List.of(
          new Expectation("81.2.69.0/24", "London", "eu-west"),
          new Expectation("1.0.16.0/24", "Japan", "ap-northeast"),
          new Expectation("8.8.8.0/24", "United States", "us-east"));

  private DemoTopology() {}

  static DemoEdge edge(String id) {
    return EDGES.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
  }
}
