package io.opencdn.dns.net;

import com.sun.jna.LastErrorException;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP on Linux the way gdnsd and Knot serve it: one thread per socket, blocked in {@code
 * recvmmsg(MSG_WAITFORONE)} until a datagram arrives, which then returns every datagram queued (up
 * to {@value #BATCH}); the burst is answered together ({@link DnsHandler#handleAll}) and the
 * responses leave in one {@code sendmmsg}. Two system calls per burst and no event loop: no {@code
 * epoll_wait} per burst, and no epoll wakeup in the kernel for every datagram sent (an
 * epoll-registered socket is woken each time the loopback or NIC frees a sent packet). The message
 * headers, addresses and buffers live in one native block set up once ({@link MmsgBlock}); Java
 * reads and writes it through a direct {@code ByteBuffer}, so a burst costs two JNA calls and no
 * JNI field access per datagram. Layouts are those of 64-bit Linux ({@link Libc#AVAILABLE}).
 *
 * <p>Bound to a wildcard address (0.0.0.0 or ::), it receives each query's destination address
 * (IP_PKTINFO, IPV6_RECVPKTINFO) and sends the response from it, as gdnsd, Knot and NSD do: a
 * client only accepts an answer from the address it asked, and on a host with several addresses the
 * kernel's choice of source need not be that one.
 *
 * <p>Responses leave with Don't Fragment set and are never fragmented here (IP_PMTUDISC_PROBE,
 * IPV6_PMTUDISC_PROBE: the interface MTU bounds a datagram, path MTU news from ICMP, which anyone
 * can forge, is ignored), as RFC 9715 advises DNS responders; a response too long for the interface
 * is sent again cut to {@value #TRUNCATED} bytes with TC set, and the client asks over TCP. (With
 * DF the kernel also leaves the IPv4 ID at 0, RFC 6864, rather than hashing one.)
 *
 * <p>Responses are never queued: sent with {@code MSG_DONTWAIT}, and a response the socket's full
 * send buffer refuses is dropped and counted ({@link #droppedWrites()}); the client retries. A
 * malformed or oversized datagram costs only itself (a query longer than {@value #MAX_QUERY} bytes
 * is cut, and answered FORMERR).
 */
public final class MmsgUdpListener implements DatagramListener {

  private static final Logger LOG = LoggerFactory.getLogger(MmsgUdpListener.class);

  /** Largest query read whole. */
  static final int MAX_QUERY = MmsgBlock.MAX_QUERY;

  /** Datagrams per recvmmsg and per burst. */
  static final int BATCH = MmsgBlock.BATCH;

  /**
   * Size a response the interface refuses is cut to: what every DNS client takes (RFC 1035 4.2.1).
   */
  static final int TRUNCATED = 512;

  /** The sendmmsg call; tests put in errors that the loopback interface never gives. */
  interface Sender {
    /**
     * Sends {@code count} messages from the mmsghdr array at {@code messages}; returns how many
     * were sent.
     */
    int send(int fd, long messages, int count) throws LastErrorException;
  }

  private static final Sender SENDMMSG =
      (fd, messages, count) -> Libc.sendmmsg(fd, messages, count, Libc.MSG_DONTWAIT);

  private final DnsHandler handler;
  private final boolean reusePort;
  private final Sender sender;
  private final LongAdder droppedWrites = new LongAdder();
  private final MmsgBlock block = new MmsgBlock();
  private final Burst burst = new Burst(BATCH);

  /** The receive slot (address) of each query of the burst. */
  private final int[] slot = new int[BATCH];

  /** The burst index of each response being sent. */
  private final int[] sendFrom = new int[BATCH];

  private final io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
  private volatile boolean closed;
  private int fd = -1;

  /** True when this listener can run here (64-bit Linux, JNA loaded). */
  public static boolean available() {
    return Libc.AVAILABLE;
  }

  /** Why {@link #available()} is false, or null. */
  public static String unavailableReason() {
    return Libc.UNAVAILABLE;
  }

  /**
   * @param reusePort set SO_REUSEPORT so that several listeners (threads) share the port
   */
  public MmsgUdpListener(DnsHandler handler, boolean reusePort) {
    this(handler, reusePort, SENDMMSG);
  }

  MmsgUdpListener(DnsHandler handler, boolean reusePort, Sender sender) {
    if (!available()) {
      throw new IllegalStateException("recvmmsg listener unavailable: " + unavailableReason());
    }
    this.handler = handler;
    this.reusePort = reusePort;
    this.sender = sender;
  }

  @Override
  public synchronized Future<Integer> listen(String host, int port) {
    if (fd >= 0 || closed) {
      return Future.failedFuture(new IllegalStateException("listen is called once"));
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return Future.failedFuture(e);
    }
    boolean v4 = address instanceof Inet4Address;
    int s;
    try {
      s = Libc.socket(v4 ? Libc.AF_INET : Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      return Future.failedFuture(new java.net.SocketException("udp socket: " + e.getMessage()));
    }
    try {
      if (reusePort) {
        block.intOption(s, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
        block.intOption(s, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1);
      }
      block.intOption(s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, 1 << 20);
      block.intOption(s, Libc.SOL_SOCKET, Libc.SO_SNDBUF, 1 << 20);
      // Don't Fragment, interface MTU; an IPv6 socket also sends IPv4 (mapped) unless IPv6-only
      block.intOption(s, Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_PROBE);
      if (!v4) {
        block.intOption(s, Libc.IPPROTO_IPV6, Libc.IPV6_MTU_DISCOVER, Libc.IPV6_PMTUDISC_PROBE);
      }
      // a blocked receive returns at least once a second, so the thread sees close() even if
      // the shutdown() that wakes it came too early
      block.receiveTimeout(s, 1);
      if (address.isAnyLocalAddress()) {
        block.receiveDestinations(s, v4);
      }
      try {
        block.bind(s, address, port);
      } catch (LastErrorException e) {
        throw new java.net.BindException("udp " + host + ":" + port + ": " + e.getMessage());
      }
      int bound = block.boundPort(s);
      fd = s;
      Thread thread = new Thread(this::serve, "dns-udp-" + host + ":" + bound);
      thread.setDaemon(true);
      thread.start();
      return Future.succeededFuture(bound);
    } catch (LastErrorException | java.io.IOException e) {
      closeQuietly(s);
      return Future.failedFuture(
          e instanceof java.io.IOException
              ? e
              : new java.net.SocketException("udp " + host + ":" + port + ": " + e.getMessage()));
    }
  }

  private void serve() {
    try {
      while (!closed) {
        int n;
        try {
          n = Libc.recvmmsg(fd, block.receiveHeaders(), BATCH, Libc.MSG_WAITFORONE, 0);
        } catch (LastErrorException e) {
          if (!closed && e.getErrorCode() != Libc.EAGAIN && e.getErrorCode() != Libc.EINTR) {
            receiveFailed(e);
          }
          continue;
        }
        if (n <= 0 || closed) {
          continue; // shut down (0), or nothing
        }
        try {
          answer(n);
        } catch (RuntimeException | Error e) {
          LOG.warn("dropped a burst of {} udp datagrams: {}", n, e.toString());
        } finally {
          burst.clear();
        }
      }
    } finally {
      closeQuietly(fd);
      block.close();
      stopped.complete();
    }
  }

  private long lastFailureLog;

  /**
   * An unexpected receive error: logged at most once a second, and a millisecond's pause, never a
   * spin. The second is a monotonic interval ({@code System.nanoTime}) between two log lines on
   * this socket's thread: it throttles a log and decides nothing about any query.
   */
  private void receiveFailed(LastErrorException e) {
    long now = System.nanoTime();
    if (now - lastFailureLog > 1_000_000_000L || lastFailureLog == 0) {
      lastFailureLog = now;
      LOG.warn("udp receive failed: {}", e.getMessage());
    }
    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
  }

  private void answer(int n) {
    for (int i = 0; i < n; i++) {
      InetAddress source = block.sender(i);
      if (source == null) {
        continue; // not an address of the socket's family: nothing to answer
      }
      slot[burst.size] = i;
      burst.add(block.query(i), source);
    }
    burst.answer(handler);
    int m = 0;
    for (int j = 0; j < burst.size; j++) {
      byte[] response = burst.responses[j];
      if (response == null) {
        continue;
      }
      if (response.length > MmsgBlock.MAX_RESPONSE) {
        LOG.warn("dropped a {} byte udp response to {}", response.length, burst.sources[j]);
        continue;
      }
      block.prepareSend(m, slot[j], response);
      sendFrom[m] = j;
      m++;
    }
    send(m);
  }

  private void send(int m) {
    int off = 0;
    while (off < m) {
      try {
        off += sender.send(fd, block.sendHeaders(off), m - off);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == Libc.EAGAIN) {
          droppedWrites.add(m - off); // send buffer full: drop, never queue
          return;
        }
        if (e.getErrorCode() == Libc.EMSGSIZE && truncate(off)) {
          continue; // longer than the interface MTU allows: the same datagram again, cut, with TC
        }
        // this datagram's destination failed (unreachable, refused by a filter): skip it
        LOG.debug("udp send to {} failed: {}", burst.sources[sendFrom[off]], e.getMessage());
        droppedWrites.increment();
        off++;
      }
    }
  }

  /**
   * Cuts datagram {@code k} of the send batch to {@value #TRUNCATED} bytes with TC set; false when
   * it is that short already or is not a DNS message.
   */
  private boolean truncate(int k) {
    int length = block.truncate(k, TRUNCATED);
    if (length == 0) {
      return false;
    }
    LOG.debug(
        "udp response of {} bytes to {} exceeds the interface MTU: sent cut, with TC",
        length,
        burst.sources[sendFrom[k]]);
    return true;
  }

  @Override
  public long droppedWrites() {
    return droppedWrites.sum();
  }

  /**
   * Stops the thread: its blocked receive is woken by {@code shutdown()} (or returns within a
   * second), and the thread closes the socket as it leaves. Completes then.
   */
  @Override
  public Future<Void> close() {
    int s;
    synchronized (this) {
      if (closed) {
        return stopped.future();
      }
      closed = true;
      s = fd;
    }
    if (s < 0) {
      block.close(); // never listened: no thread owns the block
      stopped.tryComplete();
      return stopped.future();
    }
    try {
      Libc.shutdown(s, Libc.SHUT_RDWR); // wakes the blocked receive (and says ENOTCONN for UDP)
    } catch (LastErrorException e) {
      // expected for an unconnected socket
    }
    return stopped.future();
  }

  private static void closeQuietly(int s) {
    try {
      Libc.close(s);
    } catch (LastErrorException e) {
      LOG.debug("close udp socket: {}", e.getMessage());
    }
  }
}
