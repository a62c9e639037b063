package io.opencdn.edge.cluster.acme;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.AcmeChallenge;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpChallengesTest {

  private static final String SECRET = "a-cluster-secret-0123456789";

  @Test
  void servesTheSignedAnswersOfTheClusterBeforeAnythingElse() throws Exception {
    Vertx v = Vertx.vertx();
    try (TestCluster cluster = TestCluster.start("http01", 1)) {
      HazelcastInstance hz = cluster.member(0);
      HttpChallenges challenges = new HttpChallenges(v, hz, SECRET, Clock.systemUTC());
      await(challenges.start());
      HttpServer server =
          v.createHttpServer()
              .requestHandler(challenges.before(req -> req.response().end("behind")));
      int port = await(server.listen(0, "127.0.0.1")).actualPort();
      ChallengeBoard board =
          new ChallengeBoard(hz.getMap(ClusterMaps.ACME_CHALLENGES), RecordMac.fromSecret(SECRET));
      long until = System.currentTimeMillis() + 60_000;
      board.publishHttp(Map.of("Tok_en-1", "Tok_en-1.thumbprint"), until, 60);
      // written without the secret: never served
      hz.<String, String>getMap(ClusterMaps.ACME_CHALLENGES)
          .set(
              ChallengeBoard.httpKey("forged"),
              new AcmeChallenge(List.of("forged.x"), until, null)
                  .signed(RecordMac.fromSecret("another-secret-0123456789"), "http-01/forged")
                  .encode());

      Await.until(
          Duration.ofSeconds(5),
          () -> get(port, "/.well-known/acme-challenge/Tok_en-1").statusCode() == 200);
      long before = challenges.served();
      HttpResponse<String> ok = get(port, "/.well-known/acme-challenge/Tok_en-1");
      assertThat(ok.body()).isEqualTo("Tok_en-1.thumbprint");
      assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(get(port, "/.well-known/acme-challenge/tok_en-1").statusCode())
          .as("tokens keep their case")
          .isEqualTo(404);
      assertThat(get(port, "/.well-known/acme-challenge/forged").statusCode()).isEqualTo(404);
      assertThat(get(port, "/.well-known/acme-challenge/../x").statusCode()).isEqualTo(404);
      assertThat(get(port, "/index.html").body()).isEqualTo("behind");
      assertThat(challenges.served()).isEqualTo(before + 1);

      board.withdrawHttp(List.of("Tok_en-1"));
      Await.until(
          Duration.ofSeconds(5),
          () -> get(port, "/.well-known/acme-challenge/Tok_en-1").statusCode() == 404);
      challenges.stop();
    } finally {
      await(v.close());
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
