package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterJoin;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.http.JoiningListener;
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
 * {@code edge}: runs one edge node, from a config file ({@code --config}) or standalone like {@code
 * varnishd -a -b} ({@code --listen HOST:PORT --origin URL}: every Host proxied to one origin, no
 * cluster). With a cluster, the listen address answers 503 ({@link JoiningListener}) until the
 * member has joined, however long the cluster takes to answer ({@link ClusterJoin} keeps trying);
 * then the edge's own listeners take the address. Blocks until the JVM is asked to stop; a shutdown
 * hook leaves the cluster registry, closes the listener and shuts Hazelcast down.
 */
@Command(
    name = "edge",
    mixinStandardHelpOptions = true,
    version = "opencdn edge 0.1.0",
    description = "Run a caching edge node (HTTP reverse proxy).")
public final class EdgeCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      description = "edge YAML config: a file or classpath:NAME")
  String config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "standalone mode: HTTP listen address")
  String listen;

  @Option(
      names = "--origin",
      paramLabel = "URL",
      description = "standalone mode: origin for every Host, e.g. http://127.0.0.1:9090")
  String origin;

  @Option(names = "--id", description = "edge id (overrides the config; standalone default: edge)")
  String id;

  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description = "bearer token of /_cdn/* (overrides the config)")
  String adminToken;

  @Option(
      names = "--distributions",
      paramLabel = "FILE",
      description =
          "without a cluster: serve this distributions.yaml (read at start and on SIGHUP)")
  java.nio.file.Path distributionsFile;

  @Option(
      names = "--access-log",
      paramLabel = "MODE",
      description =
          "access log: off, json or text (overrides accessLog.enabled and format of the config; default: the config's, json)")
  String accessLog;

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
    if (distributionsFile != null && cfg.cluster() != null) {
      System.err.println(
          "edge: --distributions is for an edge without a cluster; publish with ./cdn config apply");
      return 2;
    }
    io.opencdn.common.distribution.DistributionsDocument doc = null;
    if (distributionsFile != null) {
      try {
        doc = io.opencdn.common.distribution.DistributionsParser.load(distributionsFile);
      } catch (io.opencdn.common.distribution.Problems.DocumentException e) {
        e.problems().forEach(p -> System.err.println("edge: " + p));
        return 2;
      }
    }
    Running running = new Running();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              running.close();
              stopped.countDown();
            },
            "edge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      // epoll on Linux when netty-transport-native-epoll is on the classpath, else NIO (on the
      // hit-path benchmark both do one read and one write syscall per request; see the README)
      running.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
      HazelcastInstance hz = cfg.cluster() == null ? null : join(cfg, running);
      EdgeNode node = new EdgeNode(running.vertx, cfg, hz, Clock.systemUTC());
      if (running.joining != null) {
        running.joining.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        running.joining = null;
      }
      running.node = node;
      if (doc != null) {
        node.activate(doc);
        reloadOnHangup(node);
      }
      int port = node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (node.tls() != null) {
        // before the line that tells the world (and the tests) the edge is up: a SIGHUP sent in
        // answer to it must reload, not reach the JVM's default handler, which exits
        onSighup(node);
      }
      LOG.info(
          "edge {} listening on http://{}:{} (origin {}, cluster {}, transport {})",
          cfg.id(),
          cfg.listen().host(),
          port,
          cfg.distributions().stream()
              .map(d -> d.host() + " -> " + d.origin())
              .collect(Collectors.joining(", ")),
          cfg.cluster() == null ? "none" : cfg.cluster().name(),
          running.vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    } catch (Exception e) {
      if (running.closed) {
        return 0; // asked to stop while starting
      }
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.err.println("edge: " + describe(cause, cfg));
      running.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      return 2;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * SIGHUP reads {@code --distributions} again; a document with mistakes is refused and the old one
   * kept.
   */
  private void reloadOnHangup(EdgeNode node) {
    try {
      sun.misc.SignalHandler old =
          sun.misc.Signal.handle(
              new sun.misc.Signal("HUP"),
              sig -> {
                try {
                  node.activate(
                      io.opencdn.common.distribution.DistributionsParser.load(distributionsFile));
                  LOG.info(
                      "edge {}: {} reloaded, version {}",
                      node.config().id(),
                      distributionsFile,
                      node.distributions().version());
                } catch (io.opencdn.common.distribution.Problems.DocumentException e) {
                  LOG.error(
                      "edge {}: {} refused, still serving version {}:\n{}",
                      node.config().id(),
                      distributionsFile,
                      node.distributions().version(),
                      e.getMessage());
                }
              });
      if (old == sun.misc.SignalHandler.SIG_IGN) {
        LOG.warn(
            "edge {}: SIGHUP is ignored by this process (inherited, e.g. from nohup): {} is read"
                + " at start only",
            node.config().id(),
            distributionsFile);
      }
    } catch (IllegalArgumentException e) {
      LOG.debug("no SIGHUP on this platform");
    }
  }

  /**
   * Joins the cluster, however long that takes (a busy host, members starting together), while the
   * listen address answers 503 "joining" ({@link JoiningListener}); yields the member.
   */
  private static HazelcastInstance join(EdgeConfig cfg, Running running) throws Exception {
    running.cluster =
        ClusterJoin.start(cfg.cluster(), "edge-" + cfg.id(), false, ClusterJoin.Timing.DEFAULT);
    running.joining =
        JoiningListener.start(
                running.vertx,
                cfg.id(),
                cfg.region(),
                cfg.listen().host(),
                cfg.listen().port(),
                running.cluster::status)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    if (!running.cluster.isJoined()) {
      LOG.info(
          "edge {} joining cluster {} (members {}); http://{}:{}{} answers 503 until it has joined",
          cfg.id(),
          cfg.cluster().name(),
          cfg.cluster().members(),
          cfg.listen().host(),
          running.joining.port(),
          AdminEndpoints.PREFIX + "health");
    }
    try {
      return running.cluster.await();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot join the cluster on " + cfg.cluster().bind() + ": " + e.getMessage(), e);
    }
  }

  /**
   * SIGHUP reloads the TLS certificates (where the platform has the signal). A process that
   * inherited SIGHUP ignored (started under {@code nohup}) cannot take it: the JVM leaves an
   * ignored SIGHUP alone, so this is said once at start.
   */
  private static void onSighup(EdgeNode node) {
    try {
      sun.misc.SignalHandler old =
          sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> node.tls().reload());
      if (old == sun.misc.SignalHandler.SIG_IGN) {
        LOG.warn(
            "edge {}: SIGHUP is ignored by this process (inherited, e.g. from nohup): reload the"
                + " certificates with POST /_cdn/tls/reload (the watched files reload by themselves)",
            node.config().id());
      }
    } catch (IllegalArgumentException e) {
      LOG.debug("no SIGHUP on this platform: reload with POST /_cdn/tls/reload");
    }
  }

  /**
   * The effective configuration from the options; a {@link ConfigException} when they are wrong.
   */
  EdgeConfig buildConfig() {
    if (config != null) {
      if (listen != null || origin != null) {
        throw new ConfigException("use either --config or --listen with --origin, not both");
      }
      // overrides go through the record's with-methods, which keep every other section of the file
      EdgeConfig c = ConfigLocation.load(config, EdgeConfig.class);
      c = id == null ? c : override("--id", c, x -> x.withId(id));
      c = adminToken == null ? c : override("--admin-token", c, x -> x.withAdminToken(adminToken));
      return accessLog(c);
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
      return accessLog(
          EdgeConfig.standalone(id == null ? "edge" : id, endpoint, origin, adminToken));
    } catch (ConfigException e) {
      throw new ConfigException("options: " + e.getMessage());
    }
  }

  /** {@code c} with {@code --access-log} applied, when given. */
  private EdgeConfig accessLog(EdgeConfig c) {
    if (accessLog == null) {
      return c;
    }
    if (!accessLog.equals("off") && !accessLog.equals("json") && !accessLog.equals("text")) {
      throw new ConfigException(
          "--access-log: expected off, json or text, got '" + accessLog + "'");
    }
    io.opencdn.edge.config.AccessLogConfig a = c.accessLog();
    return c.withAccessLog(
        new io.opencdn.edge.config.AccessLogConfig(
            !accessLog.equals("off"),
            accessLog.equals("off") ? a.format() : accessLog,
            a.path(),
            a.fields(),
            a.sampleRate(),
            a.queueBytes()));
  }

  private static EdgeConfig override(
      String option, EdgeConfig c, java.util.function.UnaryOperator<EdgeConfig> change) {
    try {
      return change.apply(c);
    } catch (ConfigException e) {
      throw new ConfigException(option + ": " + e.getMessage().replaceFirst("^key '[^']*': ", ""));
    }
  }

  private static String describe(Throwable t, EdgeConfig cfg) {
    if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("in use")) {
      return "cannot listen on "
          + cfg.listen()
          + (cfg.tls() == null ? "" : " or " + cfg.tls().listen())
          + (cfg.live() == null ? "" : " or " + cfg.live().rtmp() + " (live.rtmp)")
          + ": "
          + t.getMessage();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * What has been started so far; closed in reverse order by the shutdown hook or after a failed
   * start.
   */
  private static final class Running {
    volatile Vertx vertx;
    volatile ClusterJoin cluster;
    volatile JoiningListener joining;
    volatile EdgeNode node;
    volatile boolean closed;

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
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
      if (cluster != null) {
        cluster.close();
      }
    }
  }
}
