package io.opencdn.launcher;

import java.io.IOException;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The demo's banner: where each process listens, and the commands to try (dig, curl over HTTP and
 * HTTPS, the control plane, failover, live streaming, the status page's login link).
 */
final class DemoBanner {

  private DemoBanner() {}

  /**
   * The banner printed once everything is ready.
   *
   * @param env the demo's environment (tokens, secret, certificate paths)
   * @param version the live version of the distributions
   * @param tls the demo CA and edge certificate made for this run
   * @param acmeDirectory the ACME directory of {@code --acme-directory}, or null
   * @param pid the process id of a child by name (-1 when unknown)
   */
  static String text(
      Map<String, String> env,
      String version,
      DemoCertificates tls,
      String acmeDirectory,
      ToLongFunction<String> pid) {
    String dig = "dig @" + DemoTopology.DNS_HOST + " -p " + DemoTopology.DNS_PORT + " www.cdn.test";
    StringBuilder b = new StringBuilder("\n");
    b.append("OpenCDN demo is running. Ctrl-C stops all of it.\n\n");
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "origin", "http://127.0.0.1:" + DemoTopology.ORIGIN_PORT, pid.applyAsLong("origin")));
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "origin (standby)",
            "http://127.0.0.1:" + DemoTopology.STANDBY_PORT,
            pid.applyAsLong("origin-standby")));
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      b.append(
          String.format(
              "  %-19s %-26s pid %d%n",
              "edge " + e.id() + " (" + e.city() + ")",
              e.baseUrl(),
              pid.applyAsLong("edge-" + e.id())));
    }
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "dns",
            DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_PORT + " udp+tcp",
            pid.applyAsLong("dns")));
    b.append("\nResolve (the answer is the nearest healthy edge):\n");
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      b.append(
          String.format(
              "  %s +subnet=%s +short   # %s -> %s%n",
              dig, x.subnet(), x.where(), DemoTopology.edge(x.edgeId()).address()));
    }
    b.append("  ").append(dig).append(" +tcp +subnet=81.2.69.0/24 +short\n");
    b.append("  dig @127.0.0.1 -p 8053 cdn.test SOA     dig @127.0.0.1 -p 8053 nothere.cdn.test\n");
    b.append("\nFetch through an edge (X-Cache: Miss, then Hit):\n");
    b.append("  curl -si -H 'Host: www.cdn.test' http://127.0.0.12:8080/index.html\n");
    b.append(
        "  curl -si -H 'Host: www.cdn.test' 'http://127.0.0.12:8080/gen/video.bin?size=1048576' -o /dev/null -D -\n");
    b.append("  curl -s -H 'Authorization: Bearer ")
        .append(env.get("CDN_ADMIN_TOKEN"))
        .append("' http://127.0.0.1:9090/_origin/stats\n");
    String cacert;
    if (acmeDirectory == null) {
      cacert = tls.ca().toString();
      b.append("\nHTTPS on every edge (HTTP/2; the demo CA made for this run: ")
          .append(cacert)
          .append("):\n");
    } else {
      cacert = "acme-root.pem";
      b.append("\nHTTPS on every edge (HTTP/2), certificates issued by ")
          .append(acmeDirectory)
          .append(" through DNS-01 (a few seconds; until then the demo CA's):\n")
          .append("  curl -s -H 'Authorization: Bearer ")
          .append(env.get("CDN_ADMIN_TOKEN"))
          .append("' http://127.0.0.12:8080/_cdn/acme\n")
          .append("  the ACME server's root, e.g. Pebble's: ")
          .append("curl -sk https://127.0.0.1:15000/roots/0 > acme-root.pem\n");
    }
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      b.append("  curl -si --cacert ")
          .append(cacert)
          .append(" --resolve www.cdn.test:")
          .append(e.httpsPort())
          .append(':')
          .append(e.address())
          .append(" https://www.cdn.test:")
          .append(e.httpsPort())
          .append("/index.html\n");
    }
    b.append("\nDistributions (version ")
        .append(version)
        .append(" of ")
        .append(DemoTopology.DISTRIBUTIONS)
        .append(" is live; change a rule and apply it):\n");
    b.append("  export CDN_ADMIN_TOKEN=").append(env.get("CDN_ADMIN_TOKEN")).append("\n");
    b.append(
        "  ./cdn config status      ./cdn config show > distributions.yaml      ./cdn config apply distributions.yaml\n");
    b.append(
        "  ./cdn explain-request 'http://www.cdn.test/gen/a.bin?size=10&utm_source=x'      ./cdn config rollback\n");
    b.append("\nFail over: kill -9 ")
        .append(pid.applyAsLong("edge-eu-west"))
        .append("   (eu-west) and London is answered with the next-nearest edge within seconds.\n");
    b.append("Bring it back: CDN_CLUSTER_SECRET=")
        .append(env.get("CDN_CLUSTER_SECRET"))
        .append(" CDN_TLS_CERT=")
        .append(env.get("CDN_TLS_CERT"))
        .append(" CDN_TLS_KEY=")
        .append(env.get("CDN_TLS_KEY"));
    if (env.containsKey("CDN_ACME")) {
      b.append(" CDN_ACME='").append(env.get("CDN_ACME")).append('\'');
    }
    b.append(" ./cdn edge --config classpath:demo/edge-eu-west.yaml\n");
    live(b, env);
    b.append(
            "\nStatus page (world map, failovers, explain; open in a browser, a one-time login link):\n  ")
        .append(statusLink(env))
        .append('\n');
    return b.toString();
  }

  /**
   * The live streaming lines: an RTMP publish URL with the demo stream's key (derived from the
   * cluster secret, as every edge checks it), ffmpeg publishing a test pattern there, and the RTMP
   * and HLS play URLs on the other edges.
   */
  private static void live(StringBuilder b, Map<String, String> env) {
    DemoTopology.DemoEdge ingest = DemoTopology.edge(DemoTopology.LIVE_INGEST);
    String stream = DemoTopology.LIVE_STREAM;
    String key =
        io.opencdn.live.cluster.StreamKeys.hmac(env.get("CDN_CLUSTER_SECRET")).keyFor(stream);
    String publish = ingest.rtmpUrl(stream) + "?key=" + key;
    b.append("\nLive: publish to ")
        .append(ingest.id())
        .append(" (OBS: server rtmp://")
        .append(ingest.address())
        .append(':')
        .append(DemoTopology.RTMP_PORT)
        .append("/live, stream key ")
        .append(stream)
        .append("?key=")
        .append(key)
        .append("), play on the other edges:\n");
    b.append("  ").append(publish).append('\n');
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      if (e != ingest) {
        b.append("  ").append(e.rtmpUrl(stream)).append('\n');
      }
    }
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      if (e != ingest) {
        b.append("  ").append(e.hlsUrl(stream)).append('\n');
      }
    }
    b.append(
            "  ffmpeg -re -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=frequency=440 -c:v libx264"
                + " -preset veryfast -tune zerolatency -g 25 -c:a aac -f flv '")
        .append(publish)
        .append("'\n");
    b.append("  ffplay ")
        .append(DemoTopology.EDGES.get(0).rtmpUrl(stream))
        .append("     ffplay ")
        .append(DemoTopology.EDGES.get(2).hlsUrl(stream))
        .append('\n');
    b.append("  curl -s -H 'Authorization: Bearer ")
        .append(env.get("CDN_ADMIN_TOKEN"))
        .append("' ")
        .append(DemoTopology.EDGES.get(0).baseUrl())
        .append("/_cdn/live   # one upstream per stream per edge\n");
  }

  /** A one-time login link to us-east's status page, or why there is none. */
  private static String statusLink(Map<String, String> env) {
    try {
      return io.opencdn.launcher.control.StatusLinkCommand.link(
          io.opencdn.launcher.control.StatusLinkCommand.DEMO_EDGE, env.get("CDN_ADMIN_TOKEN"));
    } catch (IOException | RuntimeException e) {
      return "(none: " + e.getMessage() + "; ./cdn status-link asks again)";
    }
  }
}
