package io.opencdn.dns;

import io.opencdn.common.cluster.ClusterJoin;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.config.AdminConfig;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdn dns}: runs the authoritative geo-DNS server in the foreground until the JVM is asked
 * to stop. With a {@code cluster} section the server joins the Hazelcast cluster as a lite member
 * to read the edge registry: it holds no partition of any map (the edges' cache directory grows
 * with their content, not with DNS), and while no edge is up the registry is simply empty: static
 * edges and their health checks still answer. The listeners start first and answer the static zones
 * while the member joins ({@link ClusterJoin} keeps trying however long the cluster takes to
 * answer); {@code /healthz} says "not ready" until it has joined.
 */
@Command(
    name = "dns",
    mixinStandardHelpOptions = true,
    subcommands = io.opencdn.dns.dnssec.KeysCommand.class,
    description =
        "Authoritative geo-DNS server: answers geo-routed names with the nearest healthy edges.")
public final class DnsCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DnsCommand.class);

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      defaultValue = "classpath:demo/dns.yaml",
      description = "YAML config file or classpath:NAME (default: ${DEFAULT-VALUE})")
  String config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "UDP+TCP address, overrides 'listen'")
  String listen;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      description =
          "admin listener address, overrides 'admin.listen' (token: the file's, else CDN_ADMIN_TOKEN, else generated)")
  String admin;

  @Option(
      names = "--geoip",
      paramLabel = "FILE",
      description = "GeoIP2/GeoLite2 City .mmdb file, overrides 'geo.cityDatabase'")
  String geoip;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile int exitCode;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DnsCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    // Netty reads a buffer's reference count on every access to catch use after release, a cost
    // on each datagram; the UDP path copies a query out before it releases it. Set
    // -Dio.netty.buffer.checkAccessible=true to turn the check back on when debugging. (Bounds
    // checks stay on.) Read once, when Netty's buffer classes load: so before anything else.
    if (System.getProperty("io.netty.buffer.checkAccessible") == null) {
      System.setProperty("io.netty.buffer.checkAccessible", "false");
    }
    ClusterJoin join = null;
    Vertx vertx = null;
    try {
      DnsConfig cfg = ConfigLocation.load(config, DnsConfig.class);
      if (listen != null) {
        cfg = cfg.withListen(parseListen(listen));
      }
      if (admin != null) {
        String token =
            cfg.admin() != null && !cfg.admin().token().isEmpty()
                ? cfg.admin().token()
                : System.getenv().getOrDefault("CDN_ADMIN_TOKEN", "");
        cfg = cfg.withAdmin(new AdminConfig(parseListen(admin), token));
      }
      if (geoip != null) {
        cfg = cfg.withCityDatabase(java.nio.file.Path.of(geoip).toAbsolutePath().toString());
      }
      if (cfg.cluster() != null) {
        // joined in the background, as long as that takes: static zones are answered meanwhile
        join =
            ClusterJoin.start(
                cfg.cluster(),
                "dns-" + cfg.listen().host() + "-" + cfg.listen().port(),
                true,
                ClusterJoin.Timing.DEFAULT);
      }
      // Netty's leak detector samples buffers and tags every message passing a pipeline: a cost
      // on each query. Set -Dio.netty.leakDetection.level to turn it back on when debugging.
      if (System.getProperty("io.netty.leakDetection.level") == null) {
        io.netty.util.ResourceLeakDetector.setLevel(
            io.netty.util.ResourceLeakDetector.Level.DISABLED);
      }
      // native transport (epoll) where available: SO_REUSEPORT lets every event loop own a UDP
      // socket
      vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
      DnsServer server =
          join == null
              ? new DnsServer(vertx, cfg, config, null, Clock.systemUTC())
              : DnsServer.joining(
                  vertx, cfg, config, Future.fromCompletionStage(join.joined()), Clock.systemUTC());
      int port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info(
          "dns listening on {} udp+tcp, zones {}, {} thread(s), udp by {}",
          new Endpoint(cfg.listen().host(), port),
          cfg.zoneNames(),
          cfg.threads(),
          server.listeners().udpIo());
      if (server.operations().adminPort() > 0) {
        LOG.info(
            "dns admin on http://{}:{} (/metrics, /healthz, POST /reload)",
            cfg.admin().listen().host(),
            server.operations().adminPort());
      }
      if (join != null && !join.isJoined()) {
        LOG.info(
            "dns joining cluster {} (members {}); answering static zones meanwhile, geo-routed names once joined",
            cfg.cluster().name(),
            cfg.cluster().members());
      }
      onSighup(server);
      Vertx v = vertx;
      ClusterJoin j = join;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> shutdown(server, v, j), "dns-shutdown"));
      if (join != null) {
        String bind = cfg.cluster().bind().toString();
        join.joined()
            .whenComplete(
                (hz, e) -> {
                  if (e != null && !(e instanceof java.util.concurrent.CancellationException)) {
                    System.err.println(
                        "dns: cannot join the cluster on " + bind + ": " + e.getMessage());
                    exitCode = 2;
                    stopped.countDown();
                  }
                });
      }
      stopped.await();
      return exitCode;
    } catch (ConfigException e) {
      return fail(e.getMessage(), vertx, join);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return fail(
          cause instanceof ConfigException
              ? cause.getMessage()
              : "cannot listen on " + describe(listen, config) + ": " + cause.getMessage(),
          vertx,
          join);
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("start-up timed out", vertx, join);
    } catch (IllegalStateException e) {
      return fail(e.getMessage(), vertx, join);
    }
  }

  /** SIGHUP reloads the config and zone files (where the platform has the signal). */
  private static void onSighup(DnsServer server) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> server.reload());
    } catch (IllegalArgumentException e) {
      LOG.debug("no SIGHUP on this platform: reload with POST /reload");
    }
  }

  private static Endpoint parseListen(String text) {
    try {
      return Endpoint.parse(text);
    } catch (ConfigException e) {
      throw new ConfigException("--listen: " + e.getMessage().replace("key '?': ", ""));
    }
  }

  private static String describe(String listen, String config) {
    return listen != null ? listen : "the address in " + config;
  }

  private int fail(String message, Vertx vertx, ClusterJoin join) {
    System.err.println("dns: " + message);
    if (vertx != null) {
      vertx.close();
    }
    if (join != null) {
      join.close();
    }
    return 2;
  }

  private void shutdown(DnsServer server, Vertx vertx, ClusterJoin join) {
    try {
      server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("unclean shutdown: {}", e.toString());
    } finally {
      if (join != null) {
        join.close();
      }
      stopped.countDown();
    }
  }
}
