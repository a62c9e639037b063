package io.opencdn.common.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.util.ConcurrencyUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a Hazelcast member for the CDN cluster from a {@link ClusterConfig}.
 *
 * <p>Hazelcast's open-source edition has no member authentication, so the secret is folded into the
 * cluster name as a SHA-256 digest: a member that lacks the secret presents another cluster name
 * and its join is refused. Traffic between members is not encrypted; bind the cluster to a private
 * network.
 *
 * <p>What a member that does learn the derived name (it travels in clear text) can still do is
 * bounded here and by the records: the member port speaks only the member protocol (advanced
 * network with a single MEMBER endpoint: no Hazelcast client, REST or memcache connection is
 * accepted); Java serialization, which Hazelcast still uses for the exceptions members send each
 * other, resolves only the classes of {@link #JAVA_ALLOWLIST_PACKAGES} and {@link
 * #JAVA_ALLOWLIST_PREFIXES} (no gadget chain of another library can be sent); and every record that
 * steers traffic or content carries a {@link RecordMac} tag its readers check.
 */
public final class ClusterNode {

  /** Packages whose classes Java deserialization may resolve (exact package names). */
  public static final java.util.List<String> JAVA_ALLOWLIST_PACKAGES =
      java.util.List.of(
          "java.lang",
          "java.util",
          "java.util.concurrent",
          "java.io",
          "java.net",
          "java.nio",
          "java.nio.channels",
          "java.nio.file",
          "java.time");

  /**
   * Class name prefixes Java deserialization may resolve besides those packages: Hazelcast's own
   * exceptions, and arrays of allowed classes or primitives (as {@code
   * [Ljava.lang.StackTraceElement;}).
   */
  public static final java.util.List<String> JAVA_ALLOWLIST_PREFIXES =
      java.util.List.of(
          "com.hazelcast.",
          "[Ljava.lang.",
          "[Ljava.util.",
          "[Lcom.hazelcast.",
          "[B",
          "[C",
          "[I",
          "[J",
          "[Z",
          "[D",
          "[F",
          "[S");

  /**
   * How long one start of a member may wait to join ({@code hazelcast.max.join.seconds};
   * Hazelcast's default is 300). A member alone does not wait: when every member address refuses or
   * does not answer, it forms the cluster at once. The wait matters when another member answers but
   * is slow to let this one in, as on a busy host; {@link ClusterJoin} then starts another attempt.
   */
  public static final int JOIN_ATTEMPT_SECONDS = 60;

  private ClusterNode() {}

  /** Builds the Hazelcast config; exposed for tests. */
  public static Config hazelcastConfig(ClusterConfig cfg, String instanceName, boolean liteMember) {
    Config config = new Config();
    config.setInstanceName(instanceName);
    config.setClusterName(clusterName(cfg.name(), cfg.secret()));
    config.setLiteMember(liteMember);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Hazelcast prefixes each log line with "[address] [cluster name] [version]": the cluster
    // name is derived from the secret and is all a member needs to join, so keep it out of logs
    config.setProperty("hazelcast.logging.details.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds",
        String.valueOf(Math.max(1, cfg.heartbeatMillis() / 1000)));
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds",
        String.valueOf(Math.max(2, cfg.failureTimeoutMillis() / 1000)));
    config.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.join.seconds", String.valueOf(JOIN_ATTEMPT_SECONDS));
    threadCounts(Runtime.getRuntime().availableProcessors())
        .forEach(
            (name, value) -> {
              // a -Dhazelcast.* system property still wins (Hazelcast prefers the config's)
              if (System.getProperty(name) == null) {
                config.setProperty(name, value);
              }
            });

    // one endpoint, the member protocol only: Hazelcast clients (and REST, memcache) are refused
    AdvancedNetworkConfig net = config.getAdvancedNetworkConfig().setEnabled(true);
    net.setMemberEndpointConfig(
        new ServerSocketEndpointConfig()
            .setPort(cfg.bind().port())
            .setPortAutoIncrement(true)
            .setPortCount(20));
    // Bind exactly the configured address. Interface matching would refuse loopback aliases
    // such as 127.0.0.12, which route to lo without being assigned to it.
    config.setProperty("hazelcast.local.localAddress", cfg.bind().host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setMembers(expand(cfg.members()))
        .setConnectionTimeoutSeconds(2);
    ClassFilter allowed = new ClassFilter();
    JAVA_ALLOWLIST_PACKAGES.forEach(allowed::addPackages);
    JAVA_ALLOWLIST_PREFIXES.forEach(allowed::addPrefixes);
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed));

    config.addMapConfig(new MapConfig(ClusterMaps.EDGES).setBackupCount(1).setAsyncBackupCount(0));
    // the directory is a hint on the miss path: its backup is asynchronous (no second round trip
    // before a claim answers), and it is bounded per member, least recently used first
    // entries stay deserialized on their owner: every access is an entry processor, which then
    // reads and writes objects instead of decoding and encoding the entry each time
    config.addMapConfig(
        new MapConfig(ClusterMaps.CACHE_DIRECTORY)
            .setBackupCount(0)
            .setAsyncBackupCount(0)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setEvictionConfig(
                new EvictionConfig()
                    .setEvictionPolicy(EvictionPolicy.LRU)
                    .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                    .setSize(cfg.directoryMaxEntries())));
    ClusterSerialization.register(config);
    return config;
  }

  /**
   * Hazelcast's thread counts for a machine of {@code cores}: on two cores or fewer, one partition
   * thread, one generic thread, one IO thread each way and responses completed on the IO thread (no
   * response thread), instead of Hazelcast's 2 + 2 + 3 + 3 + 2. There the edge's event loops, the
   * origin and the other processes share the cores with these threads, and every hand-over between
   * two of them is a wake-up: measured with {@code bench/miss.sh} on two cores (two A/B runs,
   * bench/README.md "Misses"), 17-20% fewer context switches per cluster miss and 2-7% less CPU,
   * misses/s unchanged within the noise. Larger machines keep Hazelcast's defaults (empty map): not
   * measured there.
   */
  static java.util.Map<String, String> threadCounts(int cores) {
    if (cores > 2) {
      return java.util.Map.of();
    }
    return java.util.Map.of(
        "hazelcast.operation.thread.count", "1",
        "hazelcast.operation.generic.thread.count", "1",
        "hazelcast.io.thread.count", "1",
        "hazelcast.operation.response.thread.count", "0");
  }

  /**
   * Starts a member and waits until it has joined (or formed) the cluster, in one attempt of up to
   * {@link #JOIN_ATTEMPT_SECONDS}; throws {@link IllegalStateException} when it did not join. For
   * tools and tests; a long-running process uses {@link ClusterJoin}, which keeps trying.
   */
  public static HazelcastInstance start(
      ClusterConfig cfg, String instanceName, boolean liteMember) {
    useAsyncPool();
    return Hazelcast.newHazelcastInstance(hazelcastConfig(cfg, instanceName, liteMember));
  }

  /**
   * Hazelcast completes some futures through its default asynchronous executor, which is {@code
   * ForkJoinPool.commonPool()} only when that pool has two threads or more; below (a machine of two
   * cores) it starts a new thread for every task. There, a small fixed pool takes its place (once
   * per JVM).
   */
  static synchronized void useAsyncPool() {
    if (asyncPool == null && ForkJoinPool.getCommonPoolParallelism() <= 1) {
      AtomicInteger n = new AtomicInteger();
      asyncPool =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "hz-async-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      ConcurrencyUtil.setDefaultAsyncExecutor(asyncPool);
    }
  }

  private static ExecutorService asyncPool;

  /**
   * Expands {@code host:port-port2} into one {@code host:port} per port; Hazelcast has no port
   * ranges.
   */
  static java.util.List<String> expand(java.util.List<String> members) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String m : members) {
      java.util.regex.Matcher r = java.util.regex.Pattern.compile("(.*):(\\d+)-(\\d+)").matcher(m);
      if (r.matches()) {
        int from = Integer.parseInt(r.group(2));
        int to = Math.min(Integer.parseInt(r.group(3)), from + 100);
        for (int p = from; p <= to; p++) {
          out.add(r.group(1) + ":" + p);
        }
      } else {
        out.add(m);
      }
    }
    return out;
  }

  /** The Hazelcast cluster name for a name and secret. */
  public static String clusterName(String name, String secret) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((name + "\n" + secret).getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
