package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge}: runs one edge node, from a config file ({@code --config}) or standalone like
 * {@code varnishd -a -b} ({@code --listen HOST:PORT --origin URL}: every Host proxied to one
 * origin, no cluster). Blocks until the JVM is asked to stop; a shutdown hook leaves the cluster
 * registry, closes the listener and shuts Hazelcast down.
 */
@Command(name = "edge", mixinStandardHelpOptions = true, version = "opencdn edge 0.1.0",
    description = "Run a caching edge node (HTTP reverse proxy).")
public final class EdgeCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);

  @Option(names = "--config", paramLabel = "LOCATION", description = "edge YAML config: a file or classpath:NAME")
  String config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "standalone mode: HTTP listen address")
  String listen;

  @Option(names = "--origin", paramLabel = "URL", description = "standalone mode: origin for every Host, e.g. http://127.0.0.1:9090")
  String origin;

  @Option(names = "--id", description = "edge id (overrides the config; standalone default: edge)")
  String id;

  @Option(names = "--admin-token", paramLabel = "TOKEN", description = "bearer token of /_cdn/* (overrides the config)")
  String adminToken;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EdgeCommand()).execute(args));
  }

  @Override
  public Integer call() {
    EdgeConfig cfg;
    try {
      cfg = buildConfig();
    } catch (ConfigException e) {
      System.err.println("edge: " + e.getMessage());
      return 2;
    }
    HazelcastInstance hz = null;
    Vertx vertx = null;
    EdgeNode node;
    try {
      hz = cfg.cluster() == null ? null : ClusterNode.start(cfg.cluster(), "edge-" + cfg.id(), false);
      // epoll on Linux when netty-transport-native-epoll is on the classpath, else NIO (on the
      // hit-path benchmark both do one read and one write syscall per request; see the README)
      vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
      node = new EdgeNode(vertx, cfg, hz, Clock.systemUTC());
      int port = node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info("edge {} listening on http://{}:{} (origin {}, cluster {}, transport {})", cfg.id(), cfg.listen().host(),
          port, cfg.distributions().stream().map(d -> d.host() + " -> " + d.origin()).collect(Collectors.joining(", ")),
          cfg.cluster() == null ? "none" : cfg.cluster().name(), vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.err.println("edge: " + describe(cause, cfg));
      close(null, vertx, hz);
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Vertx v = vertx;
    HazelcastInstance h = hz;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close(node, v, h);
      stopped.countDown();
    }, "edge-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The effective configuration from the options; a {@link ConfigException} when they are wrong. */
  EdgeConfig buildConfig() {
    if (config != null) {
      if (listen != null || origin != null) {
        throw new ConfigException("use either --config or --listen with --origin, not both");
      }
      EdgeConfig c = ConfigLocation.load(config, EdgeConfig.class);
      return new EdgeConfig(id == null ? c.id() : id, c.region(), c.latitude(), c.longitude(), c.listen(), c.advertise(),
          c.capacity(), adminToken == null ? c.adminToken() : adminToken, c.cache(), c.origin(), c.distributions(),
          c.cluster(), c.clusterFill(), c.tls(), c.latency(), c.connections());
    }
    if (listen == null || origin == null) {
      throw new ConfigException("give --config LOCATION, or --listen HOST:PORT and --origin URL");
    }
    Endpoint endpoint;
    try {
      endpoint = Endpoint.parse(listen);
    } catch (ConfigException e) {
      throw new ConfigException("--listen: expected HOST:PORT, got '" + listen + "'");
    }
    try {
      return EdgeConfig.standalone(id == null ? "edge" : id, endpoint, origin, adminToken);
    } catch (ConfigException e) {
      throw new ConfigException("options: " + e.getMessage());
    }
  }

  private static String describe(Throwable t, EdgeConfig cfg) {
    if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("in use")) {
      return "cannot listen on " + cfg.listen() + ": " + t.getMessage();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static void close(EdgeNode node, Vertx vertx, HazelcastInstance hz) {
    try {
      if (node != null) {
        node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warn("edge stop: {}", e.toString());
    }
    try {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warn("vert.x close: {}", e.toString());
    }
    if (hz != null) {
      hz.shutdown();
    }
  }
}
