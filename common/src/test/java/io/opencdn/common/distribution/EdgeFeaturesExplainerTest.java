package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeFeaturesExplainerTest {

  private final DistributionsDocument doc =
      DistributionsParser.parse(EdgeFeaturesParserTest.VALID, "d.yaml");

  private static String country(InetAddress a) {
    return a.getHostAddress().equals("81.2.69.142") ? "GB" : null;
  }

  @Test
  void explainsPolicyErrorsAndTheGeoDecision() throws Exception {
    List<String> out =
        RequestExplainer.explain(
            doc,
            "http://www.cdn.test/app/x",
            Map.of("x-forwarded-for", "81.2.69.142"),
            InetAddress.getByName("127.0.0.1"),
            EdgeFeaturesExplainerTest::country,
            java.time.Clock.systemUTC());
    assertThat(out)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("headers:      response headers policy site-headers; CORS origins")
                    .contains("Strict-Transport-Security (override)", "removes [X-Powered-By"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("errors:       404: cached 30 s at least, page /errors/404.html")
                    .contains("503: cached 10 s at least, page /errors/down.html served as 200"))
        .contains(
            "geo:          block [GB, KP] (clients without a country: served); X-Forwarded-For"
                + " trusted from [127.0.0.0/8, 0:0:0:0:0:0:0:1/128]; client 81.2.69.142"
                + " (X-Forwarded-For from trusted 127.0.0.1) in GB: refused, 403");
  }

  @Test
  void untrustedForwardedForAndNoFeatures() throws Exception {
    List<String> out =
        RequestExplainer.explain(
            doc,
            "http://www.cdn.test/x",
            Map.of("x-forwarded-for", "81.2.69.142"),
            InetAddress.getByName("192.0.2.1"),
            EdgeFeaturesExplainerTest::country,
            java.time.Clock.systemUTC());
    assertThat(out)
        .anySatisfy(
            l ->
                assertThat(l)
                    .endsWith(
                        "client 192.0.2.1 (X-Forwarded-For ignored: 192.0.2.1 not trusted) in no"
                            + " known country: served"));
    List<String> plain =
        RequestExplainer.explain(
            DistributionsParser.parse(DistributionsParserTest.VALID, "d.yaml"),
            "http://www.cdn.test/x",
            Map.of());
    assertThat(plain)
        .contains(
            "errors:       no custom error responses (errors cached as the cache policy says)",
            "geo:          no geo restriction");
  }
}
