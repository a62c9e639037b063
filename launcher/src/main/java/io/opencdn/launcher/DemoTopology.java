package io.opencdn.launcher;

import java.util.List;

/**
 * The demo contract: fixed loopback addresses, names and expected routing that the README,
 * the tests and {@code ./cdn demo} share. Keep it stable.
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

    /** The HTTPS port of every demo edge (its own address). */
    int httpsPort() {
      return HTTPS_PORT;
    }
  }

  /** A client subnet and the edge it must be sent to. */
  record Expectation(String subnet, String where, String edgeId) {}

  static final String DNS_HOST = "127.0.0.1";
  static final int DNS_PORT = 8053;
  static final String ZONE = "cdn.test.";
  static final String GEO_NAME = "www.cdn.test.";
  static final String ORIGIN_HOST = "127.0.0.1";
  static final int ORIGIN_PORT = 9090;
  static final int CLUSTER_PORT = 5701;
  /** Each edge's HTTPS listener, on its own address; certificates from {@link DemoCertificates}. */
  static final int HTTPS_PORT = 8443;

  static final List<DemoEdge> EDGES = List.of(
      new DemoEdge("us-east", "Ashburn", "127.0.0.11", 8080),
      new DemoEdge("eu-west", "Frankfurt", "127.0.0.12", 8080),
      new DemoEdge("ap-northeast", "Tokyo", "127.0.0.13", 8080));

  static final List<Expectation> EXPECTED = List.of(
      new Expectation("81.2.69.0/24", "London", "eu-west"),
      new Expectation("1.0.16.0/24", "Japan", "ap-northeast"),
      new Expectation("8.8.8.0/24", "United States", "us-east"));

  private DemoTopology() {}

  static DemoEdge edge(String id) {
    return EDGES.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
  }
}
