package io.opencdn.edge.http;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's listener instances share one socket and each serves on an event loop of its own, also
 * for port 0 and also when started from an event loop (the clustered edge starts its listeners from
 * a callback of the configuration plane): one port bound, the connections spread over the loops.
 */
class ListenersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void instancesShareOnePortAndServeOnTheirOwnEventLoops() throws Exception {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    Set<String> loops = ConcurrentHashMap.newKeySet();
    Promise<String> deployed = Promise.promise();
    // from an event loop, as the clustered edge does
    vertx.runOnContext(
        v ->
            Listeners.deploy(
                    vertx,
                    Listeners.options(),
                    2,
                    c -> {},
                    req -> {
                      loops.add(Thread.currentThread().getName());
                      req.response().end("ok");
                    },
                    "127.0.0.1",
                    0,
                    ports::add)
                .onComplete(deployed));
    await(deployed.future());
    assertThat(ports).as("one socket for both instances").hasSize(1);
    int port = ports.iterator().next();
    for (int i = 0; i < 20; i++) {
      assertThat(get(port)).startsWith("HTTP/1.1 200");
    }
    assertThat(loops).as("connections spread over both instances' event loops").hasSize(2);

    // a second listener on port 0 (the HTTPS one beside the plain one) gets a socket of its own
    Set<Integer> second = ConcurrentHashMap.newKeySet();
    await(
        Listeners.deploy(
            vertx,
            Listeners.options(),
            2,
            c -> {},
            req -> req.response().setStatusCode(204).end(),
            "127.0.0.1",
            0,
            second::add));
    assertThat(second).hasSize(1).doesNotContain(port);
    assertThat(get(second.iterator().next())).startsWith("HTTP/1.1 204");
    assertThat(get(port)).startsWith("HTTP/1.1 200");
  }

  private static String get(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
