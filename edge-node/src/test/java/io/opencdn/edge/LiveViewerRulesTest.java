package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.live.Ffmpeg;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;

/**
 * Live HLS keeps the viewer rules of the behavior its path falls under: with a document whose
 * {@code /live/*} behavior requires CloudFront-signed cookies (for every host), a viewer without
 * them is refused at the ingest edge and at a relaying edge, one with them watches through either,
 * and the relaying edge's fetch from the ingest (which carries no viewer cookie) passes on the
 * cluster's token, which a viewer cannot forge.
 */
class LiveViewerRulesTest {

  static final KeyPair KEY = SignedUrlEdgeTest.generate();
  static Vertx vertx;
  static LiveEdges live;
  static Ffmpeg.Proc publisher;

  @BeforeAll
  static void start() throws Exception {
    Ffmpeg.require();
    vertx = Vertx.vertx();
    TestOrigin origin = new TestOrigin(vertx);
    live = LiveEdges.start("live-viewer", 2, origin.url());
    String doc =
        """
        distributions:
          - id: all
            hosts: ["*"]
            origins:
              - {id: site, url: "%s"}
            behaviors:
              - {path: "/live/*", target: site, trustedKeyGroups: [kg1]}
              - {path: "*", target: site}
        keyGroups:
          - {id: kg1, keys: [{id: KLIVE, publicKey: "%s"}]}
        """
            .formatted(origin.url(), SignedUrlEdgeTest.pem(KEY.getPublic()));
    live.edges.forEach(e -> e.activate(DistributionsParser.parse(doc, "d.yaml")));
    publisher = Ffmpeg.publish(live.publishUrl(0, "cam"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (publisher != null) {
      publisher.close();
    }
    if (live != null) {
      live.close();
    }
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  static String cookies() {
    CookiesForCustomPolicy c =
        CloudFrontUtilities.create()
            .getCookiesForCustomPolicy(
                r ->
                    r.resourceUrl("http://127.0.0.1:*/live/cam/*")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("KLIVE")
                        .expirationDate(Instant.now().plusSeconds(3600)));
    return String.join(
        "; ", c.policyHeaderValue(), c.signatureHeaderValue(), c.keyPairIdHeaderValue());
  }

  @Test
  void signedCookiesGuardLiveHlsAtTheIngestAndAtARelay() throws Exception {
    String jar = cookies();
    for (int edge : new int[] {0, 1}) {
      int e = edge;
      assertThat(
              Await.poll(
                  () -> {
                    try {
                      HttpResponse<byte[]> r = live.get(e, "/live/cam/index.m3u8", "Cookie", jar);
                      return r.statusCode() == 200
                          && LiveEdges.segments(new String(r.body())).size() >= 2;
                    } catch (Exception ex) {
                      return false;
                    }
                  },
                  Duration.ofSeconds(30)))
          .as("signed playlist at edge %d", edge)
          .isTrue();
      HttpResponse<byte[]> unsigned = live.get(edge, "/live/cam/index.m3u8");
      assertThat(unsigned.statusCode()).as("unsigned playlist at edge %d", edge).isEqualTo(403);
      String playlist = new String(live.get(edge, "/live/cam/index.m3u8", "Cookie", jar).body());
      String segment = LiveEdges.segments(playlist).get(0);
      assertThat(live.get(edge, "/live/cam/" + segment).statusCode()).isEqualTo(403);
      HttpResponse<byte[]> signed = live.get(edge, "/live/cam/" + segment, "Cookie", jar);
      assertThat(signed.statusCode()).isEqualTo(200);
      assertThat(signed.body()[0]).as("MPEG-TS sync byte").isEqualTo((byte) 0x47);
      // a forged relay token does not stand in for the signature
      assertThat(
              live.get(
                      edge,
                      "/live/cam/" + segment,
                      "OpenCDN-Relay-Authorization",
                      "Bearer 00000000")
                  .statusCode())
          .isEqualTo(403);
    }
    // the relaying edge fetched from the ingest, whose rules it passed with the cluster token
    HttpResponse<byte[]> relayed =
        live.get(
            1,
            "/live/cam/"
                + LiveEdges.segments(
                        new String(live.get(1, "/live/cam/index.m3u8", "Cookie", jar).body()))
                    .get(0),
            "Cookie",
            jar);
    assertThat(relayed.headers().firstValue("X-Cache").orElse("")).contains("from edge-1");
  }
}
