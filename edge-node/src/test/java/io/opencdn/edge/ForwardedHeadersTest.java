package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fields a client could steer the origin with (which host, scheme, path or method it serves) are
 * dropped on the way to the origin unless the distribution trusts them; the cluster's internal
 * {@code X-Cdn-*} fields never pass.
 */
class ForwardedHeadersTest extends EdgeHarness {

  static final List<String> STEERING =
      List.of(
          "Forwarded",
          "X-Forwarded-Host",
          "X-Forwarded-Proto",
          "X-Forwarded-Port",
          "X-Forwarded-Prefix",
          "X-Original-URL",
          "X-Rewrite-URL",
          "X-Original-Host",
          "X-Host",
          "X-Real-IP",
          "True-Client-IP",
          "X-HTTP-Method-Override",
          "X-Method-Override");

  static String[] steeringHeaders() {
    List<String> pairs = new ArrayList<>();
    for (String name : STEERING) {
      pairs.add(name);
      pairs.add(name.equals("Forwarded") ? "for=1.2.3.4;host=evil.test;proto=https" : "/admin");
    }
    pairs.add("X-Cdn-Born");
    pairs.add("0");
    pairs.add("X-Forwarded-For");
    pairs.add("9.9.9.9");
    return pairs.toArray(String[]::new);
  }

  EdgeConfig config(boolean trust) {
    return testEdge()
        .distributions(List.of(new DistributionConfig(HOST, origin.url(), trust)))
        .build();
  }

  @Test
  void steeringFieldsOfTheClientDoNotReachTheOriginOnAFill() {
    origin.content("/f", "f", "Cache-Control", "max-age=60");
    start(config(false));

    assertThat(get("/f", steeringHeaders()).status()).isEqualTo(200);

    for (String name : STEERING) {
      assertThat(origin.lastHeaders().contains(name)).as(name).isFalse();
    }
    assertThat(origin.lastHeaders().contains("X-Cdn-Born")).isFalse();
    assertThat(origin.lastHeaders().get("X-Forwarded-For")).isEqualTo("9.9.9.9, 127.0.0.1");
    assertThat(origin.lastHeaders().get("Via")).contains("test-edge");
  }

  @Test
  void steeringFieldsOfTheClientDoNotReachTheOriginOnAPass() {
    origin.route("/p", req -> req.body().onSuccess(b -> req.response().end("ok")));
    start(config(false));

    assertThat(
            await(send(HttpMethod.POST, "/p", HOST, Buffer.buffer("x"), steeringHeaders()))
                .status())
        .isEqualTo(200);

    for (String name : STEERING) {
      assertThat(origin.lastHeaders().contains(name)).as(name).isFalse();
    }
    assertThat(origin.lastHeaders().contains("X-Cdn-Born")).isFalse();
  }

  @Test
  void aDistributionThatTrustsThemPassesThemOn() {
    origin.content("/f", "f", "Cache-Control", "max-age=60");
    start(config(true));

    assertThat(get("/f", steeringHeaders()).status()).isEqualTo(200);

    for (String name : STEERING) {
      assertThat(origin.lastHeaders().contains(name)).as(name).isTrue();
    }
    assertThat(origin.lastHeaders().contains("X-Cdn-Born")).isFalse();
  }
}
