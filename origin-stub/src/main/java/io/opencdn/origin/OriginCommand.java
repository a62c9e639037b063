package io.opencdn.origin;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code origin}: runs an {@link OriginServer} in the foreground until the JVM is asked to stop.
 * Flags override the values of the {@code --config} file. A bad config, a missing root directory or
 * a failure to bind prints one line {@code origin: <message>} to stderr and exits with 2.
 *
 * <pre>
 * origin --listen 127.0.0.1:9090 --root ./www --admin-token $CDN_ADMIN_TOKEN
 * origin --config origin.yaml --listen 127.0.0.1:0
 * </pre>
 */
@Command(
    name = "origin",
    mixinStandardHelpOptions = true,
    version = "opencdn origin 0.1.0",
    description = "Small origin HTTP server: files from a directory and synthetic /gen/ objects.")
public final class OriginCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(OriginCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to bind (default 127.0.0.1:9090).")
  String listen;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "Directory served at / (default: none, synthetic objects only).")
  String root;

  @Option(
      names = "--admin-token",
      paramLabel = "TOKEN",
      description =
          "Bearer token of /_origin/stats (default: env CDN_ADMIN_TOKEN, else random and logged).")
  String adminToken;

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      description = "YAML OriginConfig: a file path or classpath:NAME.")
  String config;

  /** Environment, replaceable in tests. */
  Map<String, String> env = System.getenv();

  /** A started origin and the Vert.x instance it runs on. */
  public record Running(Vertx vertx, OriginServer server, int port) {
    /** Stops the server and closes Vert.x. */
    public void close() {
      try {
        server.stop().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("origin: stopping the server failed: {}", e.toString());
      }
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("origin: closing Vert.x failed: {}", e.toString());
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new OriginCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Running running;
    try {
      running = start();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("origin: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "origin-shutdown"));
    stopped.await();
    return 0;
  }

  /** Starts the origin as configured and logs where it listens; a problem is a ConfigException. */
  public Running start() {
    OriginConfig cfg = effectiveConfig();
    Vertx vertx = Vertx.vertx();
    OriginServer server = new OriginServer(vertx, cfg);
    int port;
    try {
      port = server.start().await();
    } catch (Exception e) {
      vertx.close();
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException("cannot listen on " + cfg.listen() + ": " + e.getMessage(), e);
    }
    LOG.info(
        "origin listening on http://{}:{} (root {})",
        cfg.listen().host(),
        port,
        cfg.root() == null ? "none, synthetic objects only" : cfg.root());
    return new Running(vertx, server, port);
  }

  /** The config file (if any) with the command-line flags and CDN_ADMIN_TOKEN applied. */
  OriginConfig effectiveConfig() {
    OriginConfig cfg = OriginConfig.defaults();
    if (config != null) {
      cfg = ConfigLocation.load(config, OriginConfig.class);
      if (cfg.root() != null && !config.startsWith(ConfigLocation.CLASSPATH)) {
        cfg = cfg.withRoot(ConfigLocation.resolve(config, cfg.root()));
      }
    }
    if (listen != null) {
      try {
        cfg = cfg.withListen(Endpoint.parse(listen));
      } catch (ConfigException e) {
        throw new ConfigException("--listen: " + e.getMessage().replace("key '?': ", ""));
      }
    }
    if (root != null) {
      cfg = cfg.withRoot(root);
    }
    if (adminToken != null) {
      cfg = withToken(cfg, adminToken, "--admin-token");
    } else if (cfg.adminToken() == null
        && env.get("CDN_ADMIN_TOKEN") != null
        && !env.get("CDN_ADMIN_TOKEN").isEmpty()) {
      cfg = withToken(cfg, env.get("CDN_ADMIN_TOKEN"), "CDN_ADMIN_TOKEN");
    }
    if (cfg.root() != null && !Files.isDirectory(Path.of(cfg.root()))) {
      throw new ConfigException(
          "root directory " + cfg.root() + " does not exist or is not a directory");
    }
    return cfg;
  }

  private static OriginConfig withToken(OriginConfig cfg, String token, String source) {
    try {
      return cfg.withAdminToken(token);
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage().replace("key 'adminToken': ", ""));
    }
  }
}
