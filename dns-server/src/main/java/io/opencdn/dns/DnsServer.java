package io.opencdn.dns;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.cluster.EdgeDirectory;
import io.opencdn.dns.cluster.HazelcastEdges;
import io.opencdn.dns.cluster.HttpHealthProbe;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.GeoLocator;
import io.opencdn.dns.net.TcpListener;
import io.opencdn.dns.net.UdpListener;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.SnapshotHolder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;

/**
 * The authoritative geo-DNS server: UDP and TCP listeners on one port feeding a
 * {@link QueryHandler}, and, with a Hazelcast instance, an {@link EdgeDirectory} that keeps the
 * routing snapshot current.
 *
 * <pre>{@code
 * DnsServer server = new DnsServer(vertx, config, "dns.yaml", hazelcast, Clock.systemUTC());
 * int port = server.start().await();
 * }</pre>
 *
 * The constructors load the zones and the GeoIP database, so configuration errors surface as
 * {@link io.opencdn.common.config.ConfigException} before anything binds.
 */
public final class DnsServer {

  /** TCP connections idle this long are closed (RFC 7766 6.2.3 suggests seconds, not minutes). */
  public static final int TCP_IDLE_SECONDS = 10;

  private static final int BIND_ATTEMPTS = 5;

  private final Vertx vertx;
  private final Endpoint listen;
  private final QueryHandler handler;
  private final EdgeDirectory directory;
  private final Closeable geo;
  private final UdpListener udp;
  private final TcpListener tcp;

  /**
   * A server for {@code config}.
   *
   * @param configLocation where the config was read from; zone and database files are relative to it
   * @param hz Hazelcast member to read the edge registry from, or null (then no edge is known and
   *     geo-routed names answer SERVFAIL)
   * @param clock time source for heartbeat ages
   */
  public DnsServer(Vertx vertx, DnsConfig config, String configLocation, HazelcastInstance hz, Clock clock) {
    this(vertx, config, configLocation, openGeo(config, configLocation), hz, clock);
  }

  private DnsServer(Vertx vertx, DnsConfig config, String configLocation, GeoDatabase geo, HazelcastInstance hz, Clock clock) {
    this(vertx, config.listen(), geo, hz == null ? null : new EdgeDirectory(vertx, new HazelcastEdges(vertx, hz),
        config.health(), new HttpHealthProbe(vertx, config.health().timeoutMillis()), clock), config, configLocation);
  }

  private DnsServer(Vertx vertx, Endpoint listen, GeoDatabase geo, EdgeDirectory directory, DnsConfig config, String configLocation) {
    this(vertx, listen, QueryHandler.create(config, configLocation, geo,
        directory != null ? directory : new SnapshotHolder()), directory, geo);
  }

  private DnsServer(Vertx vertx, Endpoint listen, QueryHandler handler, EdgeDirectory directory, Closeable geo) {
    this.vertx = vertx;
    this.listen = listen;
    this.handler = handler;
    this.directory = directory;
    this.geo = geo;
    this.udp = new UdpListener(vertx, handler);
    this.tcp = new TcpListener(vertx, handler, TCP_IDLE_SECONDS);
  }

  /**
   * A server whose edges come from {@code edges} (tests, static setups) and whose locations come
   * from {@code geo}; no Hazelcast, no health checks.
   */
  public static DnsServer withEdges(Vertx vertx, DnsConfig config, String configLocation, GeoLocator geo, EdgeSnapshotSource edges) {
    return new DnsServer(vertx, config.listen(), QueryHandler.create(config, configLocation, geo, edges), null, null);
  }

  private static GeoDatabase openGeo(DnsConfig config, String configLocation) {
    String file = config.geo().cityDatabase();
    return file.isEmpty() ? GeoDatabase.embedded() : GeoDatabase.open(ConfigLocation.resolve(configLocation, file));
  }

  /**
   * Binds UDP, then TCP on the same port, then starts the edge directory. With port 0 the UDP
   * port is picked by the system; if TCP cannot take the same port, both are retried.
   *
   * @return the bound port
   */
  public Future<Integer> start() {
    return bind(BIND_ATTEMPTS)
        .compose(port -> directory == null ? Future.succeededFuture(port) : directory.start().map(port));
  }

  private Future<Integer> bind(int attempts) {
    return udp.listen(listen.host(), listen.port())
        .compose(port -> tcp.listen(listen.host(), port)
            .recover(e -> {
              if (listen.port() != 0 || attempts <= 1) {
                return udp.close().transform(x -> Future.failedFuture(e));
              }
              return udp.close().transform(x -> bind(attempts - 1));
            }));
  }

  /** Stops listening and stops the edge directory; the Vert.x instance and Hazelcast stay up. */
  public Future<Void> stop() {
    Future<Void> dir = directory == null ? Future.succeededFuture() : directory.stop();
    return Future.join(dir, udp.close(), tcp.close())
        .transform(x -> {
          if (geo != null) {
            try {
              geo.close();
            } catch (IOException ignored) {
              // nothing useful to do while shutting down
            }
          }
          return Future.<Void>succeededFuture();
        });
  }

  /** The query path, for statistics. */
  public QueryHandler handler() {
    return handler;
  }

  /** Where the server was configured to listen (the port may be 0). */
  public Endpoint listen() {
    return listen;
  }
}
