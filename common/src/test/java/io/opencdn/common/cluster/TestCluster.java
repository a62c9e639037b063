package io.opencdn.common.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.Endpoint;
import io.opencdn.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real Hazelcast members on loopback for tests, started the way the programs start theirs ({@link
 * ClusterNode#start}), with a fresh secret and a port range found free: the one cluster fixture of
 * every module's tests (published in {@code cdn-common}'s test-jar).
 *
 * <p>The cluster has {@code slots}: slot {@code i} listens on {@code base + i}, and every slot's
 * {@link #config(int)} lists the whole range (plus a little room for Hazelcast's port
 * auto-increment) as its members. {@link Builder#members(int)} slots are started by the fixture;
 * {@link Builder#spare(int)} more are left for members a test starts later ({@link #startMember})
 * or for a product that starts its own member from {@code config(i)} (an {@code EdgeNode}, a {@code
 * DnsServer}, a live server). Starting waits, with a deadline, until every started member sees all
 * the others; {@link #close()} terminates every member the fixture started, last first.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.builder("dir-test").members(3).lite(2).start()) {
 *   HazelcastInstance hz = cluster.member(0);
 *   RecordMac mac = cluster.mac();
 * }
 * }</pre>
 *
 * <p>Ports: a random base in 20000..32000 (below Linux's ephemeral range, so an outgoing connection
 * cannot take a port between the probe and the bind) whose whole range binds on 127.0.0.1 now and
 * was not handed out before in this JVM.
 */
public final class TestCluster implements AutoCloseable {

  /** How long starting waits for the members to see each other. */
  public static final Duration JOIN_DEADLINE = Duration.ofSeconds(30);

  /** Ports of the join list beyond the last slot: where a member goes when its port is taken. */
  static final int ROOM = 2;

  private static final int LOWEST = 20000;
  private static final int HIGHEST = 32000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private final String name;
  private final String secret;
  private final int base;
  private final int slots;
  private final Integer heartbeatMillis;
  private final Integer failureTimeoutMillis;
  private final Integer directoryMaxEntries;
  private final Map<Integer, HazelcastInstance> started = new TreeMap<>();

  private TestCluster(Builder b) {
    this.name = b.name;
    this.secret = b.secret;
    this.slots = b.members + b.spare;
    this.heartbeatMillis = b.heartbeatMillis;
    this.failureTimeoutMillis = b.failureTimeoutMillis;
    this.directoryMaxEntries = b.directoryMaxEntries;
    this.base = freeRange(slots + ROOM);
  }

  /** A cluster called {@code name}: one full member and no spare slot unless told otherwise. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** {@code n} full members started and joined. */
  public static TestCluster start(String name, int n) {
    return builder(name).members(n).start();
  }

  /**
   * The config of slot {@code i}: this cluster's name and secret, bind {@code 127.0.0.1:base+i},
   * the whole range as join list.
   */
  public ClusterConfig config(int i) {
    if (i < 0 || i >= slots) {
      throw new IndexOutOfBoundsException("slot " + i + " of " + slots);
    }
    return new ClusterConfig(
        name,
        secret,
        new Endpoint("127.0.0.1", base + i),
        List.of("127.0.0.1:" + base + "-" + (base + slots - 1 + ROOM)),
        heartbeatMillis,
        failureTimeoutMillis,
        directoryMaxEntries);
  }

  /** The member the fixture started in slot {@code i}. */
  public HazelcastInstance member(int i) {
    HazelcastInstance hz = started.get(i);
    if (hz == null) {
      throw new IllegalStateException("no member started in slot " + i);
    }
    return hz;
  }

  /** The members the fixture started, by slot. */
  public List<HazelcastInstance> members() {
    return List.copyOf(started.values());
  }

  /**
   * Starts a member in the free slot {@code i} (a spare one, or one stopped by the test) and waits
   * until it has joined every running member the fixture started.
   */
  public synchronized HazelcastInstance startMember(int i, boolean lite) {
    HazelcastInstance old = started.get(i);
    if (old != null && old.getLifecycleService().isRunning()) {
      throw new IllegalStateException("slot " + i + " is running");
    }
    HazelcastInstance hz = ClusterNode.start(config(i), name + "-" + base + "-" + i, lite);
    started.put(i, hz);
    awaitMembers(running());
    return hz;
  }

  /** Polls until every running member the fixture started sees {@code count} members. */
  public void awaitMembers(int count) {
    Await.until(
        JOIN_DEADLINE,
        () ->
            started.values().stream()
                .filter(m -> m.getLifecycleService().isRunning())
                .allMatch(m -> m.getCluster().getMembers().size() == count));
  }

  /** The shared secret, fresh for this cluster. */
  public String secret() {
    return secret;
  }

  /** The tag every record of this cluster carries. */
  public RecordMac mac() {
    return RecordMac.fromSecret(secret);
  }

  /** The cluster name. */
  public String name() {
    return name;
  }

  /** Terminates every member the fixture started, the last slot first. */
  @Override
  public synchronized void close() {
    List<HazelcastInstance> all = new ArrayList<>(started.values());
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).getLifecycleService().terminate();
    }
    started.clear();
  }

  private int running() {
    return (int) started.values().stream().filter(m -> m.getLifecycleService().isRunning()).count();
  }

  /** A base port such that {@code base..base+count-1} all bind on 127.0.0.1 now. */
  static int freeRange(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int from = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST - count);
      if (reserve(from, count)) {
        return from;
      }
    }
    throw new IllegalStateException("no " + count + " free consecutive ports on 127.0.0.1");
  }

  private static synchronized boolean reserve(int from, int count) {
    for (int p = from; p < from + count; p++) {
      if (HANDED_OUT.contains(p) || !bindable(p)) {
        return false;
      }
    }
    for (int p = from; p < from + count; p++) {
      HANDED_OUT.add(p);
    }
    return true;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What to start: members, which of them are lite, spare slots, timings. */
  public static final class Builder {
    private final String name;
    private String secret = AdminToken.random();
    private int members = 1;
    private int spare;
    private final Set<Integer> lite = new HashSet<>();
    private Integer heartbeatMillis;
    private Integer failureTimeoutMillis;
    private Integer directoryMaxEntries;

    private Builder(String name) {
      this.name = name;
    }

    /** Members the fixture starts, in slots 0..n-1 (0: none, only configs). */
    public Builder members(int n) {
      this.members = n;
      return this;
    }

    /** Slots {@code n} more, after the members, left for the test to start. */
    public Builder spare(int n) {
      this.spare = n;
      return this;
    }

    /** The members in these slots start as lite members (no partitions, as a DNS server). */
    public Builder lite(int... slots) {
      for (int s : slots) {
        lite.add(s);
      }
      return this;
    }

    /** A given secret instead of a fresh random one. */
    public Builder secret(String s) {
      this.secret = s;
      return this;
    }

    /** {@code heartbeatMillis} and {@code failureTimeoutMillis} of every config. */
    public Builder timing(int heartbeat, int failureTimeout) {
      this.heartbeatMillis = heartbeat;
      this.failureTimeoutMillis = failureTimeout;
      return this;
    }

    /** {@code directoryMaxEntries} of every config. */
    public Builder directoryMaxEntries(int n) {
      this.directoryMaxEntries = n;
      return this;
    }

    /**
     * Starts the members and waits until each sees all of them; on a failure the ones started are
     * terminated.
     */
    public TestCluster start() {
      TestCluster c = new TestCluster(this);
      try {
        for (int i = 0; i < members; i++) {
          c.started.put(
              i, ClusterNode.start(c.config(i), name + "-" + c.base + "-" + i, lite.contains(i)));
        }
        c.awaitMembers(members);
        return c;
      } catch (RuntimeException | Error e) {
        c.close();
        throw e;
      }
    }
  }
}
