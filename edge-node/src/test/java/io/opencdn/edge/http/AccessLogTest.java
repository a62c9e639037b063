package io.opencdn.edge.http;

import static io.opencdn.edge.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One access-log line per request, with status, bytes, host, X-Cache and duration. */
class AccessLogTest {

  final Vertx vertx = Vertx.vertx();
  final List<String> lines = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    AccessLog.logger(org.slf4j.LoggerFactory.getLogger("access"));
    await(vertx.close());
  }

  /** Captures INFO lines. */
  final class Capture extends AbstractLogger {
    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      lines.add(MessageFormatter.arrayFormat(pattern, args).getMessage());
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }

  @Test
  void oneLinePerRequestAndBytesCounted() {
    AccessLog.logger(new Capture());
    EdgeMetrics metrics = new EdgeMetrics();
    int port = await(vertx.createHttpServer().requestHandler(req -> {
      AccessLog.watch(req, metrics);
      req.response().putHeader("X-Cache", "Hit from e1").end("hello");
    }).listen(0, "127.0.0.1")).actualPort();
    var client = vertx.createHttpClient();

    for (int i = 0; i < 2; i++) {
      String uri = "/a?b=" + i;
      // the chain is built on an event loop so no body chunk arrives before its handler (vert.x #5825)
      io.vertx.core.Promise<io.vertx.core.buffer.Buffer> body = io.vertx.core.Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> client.request(HttpMethod.GET, port, "127.0.0.1", uri)
          .compose(r -> r.putHeader("Host", "www.cdn.test").send()).compose(r -> r.body()).onComplete(body));
      await(body.future());
    }
    io.opencdn.edge.Await.until(Duration.ofSeconds(5), () -> lines.size() == 2);

    assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 \"GET /a\\?b=0 HTTP/1\\.1\" 200 \\d+ host=www\\.cdn\\.test cache=Hit_from_e1 ms=\\d+");
    assertThat(lines.get(1)).contains("/a?b=1");
    assertThat(metrics.scrape()).contains("cdn_response_bytes_total");
  }
}
