package io.opencdn.launcher;

import static io.opencdn.testing.Await.await;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.SelfSigned;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The in-process cluster of the Pebble tests ({@link AcmePebbleTest}, {@link
 * AcmeDistributionsPebbleTest}): a DNS server of the cluster (where Pebble sends its lookups) and
 * edges with {@code tls.acme}, each on its own Vert.x and Hazelcast member; what an edge serves
 * over TLS and its {@code /_cdn/acme} status. {@link #stop} stops them all (edges, DNS server,
 * Vert.x instances, members) and the cluster can start again.
 */
final class AcmeCluster {

  private final String name;
  private final String token;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<HazelcastInstance> members = new ArrayList<>();
  final List<EdgeNode> edges = new ArrayList<>();
  private DnsServer dns;

  /** A cluster named {@code name}; {@code token} is the edges' admin token. */
  AcmeCluster(String name, String token) {
    this.name = name;
    this.token = token;
  }

  /**
   * The {@code cluster:} value of a member of a cluster on the 127.0.0.1 ports {@code hz} (all of
   * them its members), with a {@code %d} left for the member's own port.
   */
  String clusterTemplate(String secret, int[] hz) {
    StringBuilder members = new StringBuilder();
    for (int p : hz) {
      members.append(members.isEmpty() ? "" : ", ").append("127.0.0.1:").append(p);
    }
    return "{name: %s, secret: %s, bind: 127.0.0.1:%%d, members: [%s]}"
        .formatted(name, secret, members);
  }

  /**
   * Starts the DNS server of the cluster on {@code listen} (port 0: any) with the {@code cdn.test}
   * zone and the geo name {@code www.cdn.test.} at {@code ttl}, its member bound to {@code
   * cluster}: its DNS port.
   */
  int startDns(int listen, int ttl, String cluster) {
    DnsConfig dnsConfig =
        ConfigLoader.parse(
            """
            listen: 127.0.0.1:%d
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: %d, answers: 1}]
            cluster: %s
            """
                .formatted(listen, ttl, cluster),
            "dns.yaml",
            DnsConfig.class);
    HazelcastInstance m =
        ClusterNode.start(
            dnsConfig.cluster(), name + "-dns-" + dnsConfig.cluster().bind().port(), false);
    members.add(m);
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    dns = new DnsServer(v, dnsConfig, "classpath:demo/dns.yaml", m, Clock.systemUTC());
    return await(dns.start());
  }

  /**
   * The configuration of edge {@code i}: HTTP on {@code http}, HTTPS on {@code https} with the
   * fallback certificate and {@code tls.acme} ordering from {@code pebble} (fast retries), then
   * {@code acme}'s lines (indented as keys of {@code acme:}), every host to a closed origin port.
   */
  static EdgeConfig edgeConfig(
      int i,
      int http,
      int https,
      String token,
      SelfSigned.Pem fallback,
      Pebble pebble,
      String acme,
      String cluster) {
    return ConfigLoader.parse(
        """
        id: edge-%d
        latitude: 50
        longitude: 8
        listen: 127.0.0.1:%d
        adminToken: %s
        tls:
          listen: 127.0.0.1:%d
          certificates: [{cert: "%s", key: "%s"}]
          acme:
            directory: %s
            trustRoot: "%s"
            retrySeconds: 1
            retryMaxSeconds: 4
            settleMillis: 200
        %s
        distributions: [{host: "*", origin: "http://127.0.0.1:9"}]
        cluster: %s
        """
            .formatted(
                i,
                http,
                token,
                https,
                fallback.cert(),
                fallback.key(),
                pebble.directory(),
                pebble.httpsCert,
                acme.strip().indent(4).stripTrailing(),
                cluster),
        "edge-" + i + ".yaml",
        EdgeConfig.class);
  }

  /** Starts an edge with {@code cfg} on a new member of its cluster: the edge. */
  EdgeNode startEdge(EdgeConfig cfg) {
    HazelcastInstance m =
        ClusterNode.start(cfg.cluster(), name + "-edge-" + cfg.cluster().bind().port(), false);
    members.add(m);
    return startEdge(cfg, m);
  }

  /** Starts an edge with {@code cfg} on the running member {@code m}: the edge. */
  EdgeNode startEdge(EdgeConfig cfg, HazelcastInstance m) {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    EdgeNode e = new EdgeNode(v, cfg, m, Clock.systemUTC());
    await(e.start());
    edges.add(e);
    return e;
  }

  /** The member started {@code i}-th (0: the DNS server's, then the edges' in order). */
  HazelcastInstance member(int i) {
    return members.get(i);
  }

  /** Stops the edges, the DNS server, the Vert.x instances and the members. */
  void stop() {
    edges.forEach(e -> e.stop().toCompletionStage().toCompletableFuture().join());
    edges.clear();
    if (dns != null) {
      await(dns.stop());
      dns = null;
    }
    vertxes.forEach(v -> await(v.close()));
    vertxes.clear();
    members.forEach(m -> m.getLifecycleService().terminate());
    members.clear();
  }

  /** {@code GET /_cdn/acme} of {@code edge} with the admin token. */
  JsonObject acme(EdgeNode edge) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + edge.port() + "/_cdn/acme"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The serial of the certificate {@code edge} serves for {@code host}, null when untrusted. */
  static String serial(EdgeNode edge, String host, SSLContext trust) {
    try (SSLSocket s = connect(edge.tlsPort(), host, trust)) {
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return leaf.getSerialNumber().toString(16);
    } catch (IOException e) {
      return null;
    }
  }

  /** A TLS connection to 127.0.0.1:port naming {@code host}, the host name checked. */
  static SSLSocket connect(int port, String host, SSLContext trust) throws IOException {
    Socket raw = new Socket();
    raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(raw, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(host)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.setSoTimeout(5000);
    s.startHandshake();
    return s;
  }

  /** A client context trusting the certificates of {@code pem} only. */
  static SSLContext trusting(String pem) throws Exception {
    List<X509Certificate> roots = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      roots.add((X509Certificate) c);
    }
    return Pebble.trusting(roots);
  }
}
