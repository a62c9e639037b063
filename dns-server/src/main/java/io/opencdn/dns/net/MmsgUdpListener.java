package io.opencdn.dns.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP on Linux the way gdnsd and Knot serve it: one thread per socket, blocked in
 * {@code recvmmsg(MSG_WAITFORONE)} until a datagram arrives, which then returns every datagram
 * queued (up to {@value #BATCH}); the burst is answered together ({@link DnsHandler#handleAll})
 * and the responses leave in one {@code sendmmsg}. Two system calls per burst and no event
 * loop: no {@code epoll_wait} per burst, and no epoll wakeup in the kernel for every datagram sent
 * (an epoll-registered socket is woken each time the loopback or NIC frees a sent packet). The
 * message headers, addresses and buffers live in one native block set up once; Java reads and
 * writes it through a direct {@link ByteBuffer}, so a burst costs two JNA calls and no JNI field
 * access per datagram. Layouts are those of 64-bit Linux ({@link Libc#AVAILABLE}).
 *
 * <p>Bound to a wildcard address (0.0.0.0 or ::), it receives each query's destination address
 * (IP_PKTINFO, IPV6_RECVPKTINFO) and sends the response from it, as gdnsd, Knot and NSD do: a
 * client only accepts an answer from the address it asked, and on a host with several addresses
 * the kernel's choice of source need not be that one.
 *
 * <p>Responses leave with Don't Fragment set and are never fragmented here (IP_PMTUDISC_PROBE,
 * IPV6_PMTUDISC_PROBE: the interface MTU bounds a datagram, path MTU news from ICMP, which anyone
 * can forge, is ignored), as RFC 9715 advises DNS responders; a response too long for the
 * interface is sent again cut to {@value #TRUNCATED} bytes with TC set, and the client asks over
 * TCP. (With DF the kernel also leaves the IPv4 ID at 0, RFC 6864, rather than hashing one.)
 *
 * <p>Responses are never queued: sent with {@code MSG_DONTWAIT}, and a response the socket's
 * full send buffer refuses is dropped and counted ({@link #droppedWrites()}); the client retries.
 * A malformed or oversized datagram costs only itself (a query longer than {@value #MAX_QUERY}
 * bytes is cut, and answered FORMERR).
 */
public final class MmsgUdpListener implements DatagramListener {

  private static final Logger LOG = LoggerFactory.getLogger(MmsgUdpListener.class);

  /** Largest query read whole. */
  static final int MAX_QUERY = 4096;
  /** Largest response sent (UDP responses fit the client's EDNS size, at most 1232 bytes here). */
  static final int MAX_RESPONSE = 4096;
  /** Datagrams per recvmmsg and per burst. */
  static final int BATCH = 32;
  /** Size a response the interface refuses is cut to: what every DNS client takes (RFC 1035 4.2.1). */
  static final int TRUNCATED = 512;

  /** The sendmmsg call; tests put in errors that the loopback interface never gives. */
  interface Sender {
    /** Sends {@code count} messages from the mmsghdr array at {@code messages}; returns how many were sent. */
    int send(int fd, long messages, int count) throws LastErrorException;
  }

  private static final Sender SENDMMSG = (fd, messages, count) -> Libc.sendmmsg(fd, messages, count, Libc.MSG_DONTWAIT);

  // struct mmsghdr on 64-bit Linux: struct msghdr (56 bytes) and unsigned int msg_len, padded
  private static final int MMSG = 64;
  private static final int NAME = 0;
  private static final int NAMELEN = 8;
  private static final int IOV = 16;
  private static final int IOVLEN = 24;
  private static final int CONTROL_AT = 32;
  private static final int CONTROLLEN = 40;
  private static final int LEN = 56;
  // struct iovec: base, length
  private static final int IOVEC = 16;
  // room for a struct sockaddr_in6 (28 bytes)
  private static final int SOCKADDR = 32;
  private static final int SCRATCH = 64;
  // ancillary data: room for one cmsg of struct in6_pktinfo (CMSG_SPACE(20) = 40 bytes)
  private static final int CONTROL = 64;
  private static final int CMSG_DATA = 16;

  private static final int RECV_HDR = 0;
  private static final int SEND_HDR = RECV_HDR + BATCH * MMSG;
  private static final int RECV_IOV = SEND_HDR + BATCH * MMSG;
  private static final int SEND_IOV = RECV_IOV + BATCH * IOVEC;
  private static final int NAMES = SEND_IOV + BATCH * IOVEC;
  private static final int RECV_CTRL = NAMES + BATCH * SOCKADDR;
  private static final int SEND_CTRL = RECV_CTRL + BATCH * CONTROL;
  private static final int SCRATCH_AT = SEND_CTRL + BATCH * CONTROL;
  private static final int RECV_DATA = SCRATCH_AT + SCRATCH;
  private static final int SEND_DATA = RECV_DATA + BATCH * MAX_QUERY;
  private static final int SIZE = SEND_DATA + BATCH * MAX_RESPONSE;

  private final DnsHandler handler;
  private final boolean reusePort;
  private final Sender sender;
  private final LongAdder droppedWrites = new LongAdder();
  private final Memory memory = new Memory(SIZE);
  private final long base = Pointer.nativeValue(memory);
  private final ByteBuffer mem = memory.getByteBuffer(0, SIZE).order(ByteOrder.nativeOrder());
  private final Burst burst = new Burst(BATCH);
  /** The receive slot (address) of each query of the burst. */
  private final int[] slot = new int[BATCH];
  /** The burst index of each response being sent. */
  private final int[] sendFrom = new int[BATCH];
  private final io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
  private volatile boolean closed;
  private int fd = -1;
  /**
   * Bound to a wildcard address (0.0.0.0, ::): each query's destination address is received
   * (IP_PKTINFO, IPV6_RECVPKTINFO) and its response sent from that address, as a client expects
   * (on a host with several addresses the kernel's route lookup would otherwise pick the source).
   */
  private boolean pktinfo;

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
    memory.clear(); // no control buffers, flags 0
    for (int i = 0; i < BATCH; i++) {
      int recv = RECV_HDR + i * MMSG;
      mem.putLong(recv + NAME, base + NAMES + (long) i * SOCKADDR);
      mem.putInt(recv + NAMELEN, SOCKADDR);
      mem.putLong(recv + IOV, base + RECV_IOV + (long) i * IOVEC);
      mem.putLong(recv + IOVLEN, 1);
      mem.putLong(RECV_IOV + i * IOVEC, base + RECV_DATA + (long) i * MAX_QUERY);
      mem.putLong(RECV_IOV + i * IOVEC + 8, MAX_QUERY);
      int send = SEND_HDR + i * MMSG;
      mem.putLong(send + IOV, base + SEND_IOV + (long) i * IOVEC);
      mem.putLong(send + IOVLEN, 1);
      mem.putLong(SEND_IOV + i * IOVEC, base + SEND_DATA + (long) i * MAX_RESPONSE);
    }
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
        intOption(s, Libc.SO_REUSEADDR, 1);
        intOption(s, Libc.SO_REUSEPORT, 1);
      }
      intOption(s, Libc.SO_RCVBUF, 1 << 20);
      intOption(s, Libc.SO_SNDBUF, 1 << 20);
      // Don't Fragment, interface MTU; an IPv6 socket also sends IPv4 (mapped) unless IPv6-only
      intOption(s, Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_PROBE);
      if (!v4) {
        intOption(s, Libc.IPPROTO_IPV6, Libc.IPV6_MTU_DISCOVER, Libc.IPV6_PMTUDISC_PROBE);
      }
      // a blocked receive returns at least once a second, so the thread sees close() even if
      // the shutdown() that wakes it came too early
      mem.putLong(SCRATCH_AT, 1).putLong(SCRATCH_AT + 8, 0);
      Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, base + SCRATCH_AT, 16);
      if (address.isAnyLocalAddress()) {
        mem.putInt(SCRATCH_AT, 1);
        if (v4) {
          Libc.setsockopt(s, Libc.IPPROTO_IP, Libc.IP_PKTINFO, base + SCRATCH_AT, 4);
        } else {
          Libc.setsockopt(s, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, base + SCRATCH_AT, 4);
        }
        pktinfo = true;
        for (int i = 0; i < BATCH; i++) {
          mem.putLong(RECV_HDR + i * MMSG + CONTROL_AT, base + RECV_CTRL + (long) i * CONTROL);
          mem.putLong(RECV_HDR + i * MMSG + CONTROLLEN, CONTROL);
        }
      }
      int length = writeAddress(SCRATCH_AT, address, port);
      try {
        Libc.bind(s, base + SCRATCH_AT, length);
      } catch (LastErrorException e) {
        throw new java.net.BindException("udp " + host + ":" + port + ": " + e.getMessage());
      }
      mem.putInt(SCRATCH_AT + SOCKADDR, SOCKADDR);
      Libc.getsockname(s, base + SCRATCH_AT, base + SCRATCH_AT + SOCKADDR);
      int bound = (mem.get(SCRATCH_AT + 2) & 0xFF) << 8 | mem.get(SCRATCH_AT + 3) & 0xFF; // network order
      fd = s;
      Thread thread = new Thread(this::serve, "dns-udp-" + host + ":" + bound);
      thread.setDaemon(true);
      thread.start();
      return Future.succeededFuture(bound);
    } catch (LastErrorException | java.io.IOException e) {
      closeQuietly(s);
      return Future.failedFuture(e instanceof java.io.IOException ? e : new java.net.SocketException("udp " + host + ":" + port + ": " + e.getMessage()));
    }
  }

  private void intOption(int s, int option, int value) {
    intOption(s, Libc.SOL_SOCKET, option, value);
  }

  private void intOption(int s, int level, int option, int value) {
    mem.putInt(SCRATCH_AT, value);
    Libc.setsockopt(s, level, option, base + SCRATCH_AT, 4);
  }

  /** Writes a sockaddr_in or sockaddr_in6 at {@code at}; returns its length. */
  private int writeAddress(int at, InetAddress address, int port) {
    for (int i = 0; i < SOCKADDR; i++) {
      mem.put(at + i, (byte) 0);
    }
    byte[] bytes = address.getAddress();
    mem.putShort(at, (short) (bytes.length == 4 ? Libc.AF_INET : Libc.AF_INET6));
    mem.put(at + 2, (byte) (port >>> 8)).put(at + 3, (byte) port);
    if (bytes.length == 4) {
      mem.put(at + 4, bytes);
      return 16;
    }
    mem.put(at + 8, bytes);
    if (address instanceof Inet6Address v6) {
      mem.putInt(at + 24, v6.getScopeId());
    }
    return 28;
  }

  private void serve() {
    try {
      while (!closed) {
        int n;
        try {
          n = Libc.recvmmsg(fd, base + RECV_HDR, BATCH, Libc.MSG_WAITFORONE, 0);
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
      memory.close();
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
      int hdr = RECV_HDR + i * MMSG;
      int length = Math.min(mem.getInt(hdr + LEN), MAX_QUERY); // longer ones arrive cut (MSG_TRUNC)
      int nameLength = mem.getInt(hdr + NAMELEN);
      mem.putInt(hdr + NAMELEN, SOCKADDR); // value-result: the next receive's room
      if (pktinfo) {
        if (mem.getLong(hdr + CONTROLLEN) < CMSG_DATA) {
          mem.putLong(RECV_CTRL + i * CONTROL, 0); // none came: not an earlier datagram's either
        }
        mem.putLong(hdr + CONTROLLEN, CONTROL); // value-result as well
      }
      InetAddress source = source(NAMES + i * SOCKADDR, nameLength);
      if (source == null) {
        continue; // not an address of the socket's family: nothing to answer
      }
      byte[] query = new byte[length];
      mem.get(RECV_DATA + i * MAX_QUERY, query);
      slot[burst.size] = i;
      burst.add(query, source);
    }
    burst.answer(handler);
    int m = 0;
    for (int j = 0; j < burst.size; j++) {
      byte[] response = burst.responses[j];
      if (response == null) {
        continue;
      }
      if (response.length > MAX_RESPONSE) {
        LOG.warn("dropped a {} byte udp response to {}", response.length, burst.sources[j]);
        continue;
      }
      int name = NAMES + slot[j] * SOCKADDR;
      int hdr = SEND_HDR + m * MMSG;
      mem.putLong(hdr + NAME, base + name);
      mem.putInt(hdr + NAMELEN, mem.getShort(name) == Libc.AF_INET ? 16 : 28);
      mem.putLong(SEND_IOV + m * IOVEC + 8, response.length);
      int control = pktinfo ? sourceOf(slot[j], SEND_CTRL + m * CONTROL) : 0;
      mem.putLong(hdr + CONTROL_AT, control == 0 ? 0 : base + SEND_CTRL + (long) m * CONTROL);
      mem.putLong(hdr + CONTROLLEN, control);
      mem.put(SEND_DATA + m * MAX_RESPONSE, response);
      sendFrom[m] = j;
      m++;
    }
    send(m);
  }

  /**
   * Writes at {@code at} the ancillary data that sends a response from the address its query
   * (received in slot {@code i}) was sent to; returns its length, 0 when the query brought no
   * destination address. IPv4: IP_PKTINFO with that address as {@code ipi_spec_dst} and no
   * interface (routing picks it); IPv6 (IPv4-mapped on a dual-stack socket too): IPV6_PKTINFO as
   * received, address and interface.
   */
  private int sourceOf(int i, int at) {
    int from = RECV_CTRL + i * CONTROL;
    long length = mem.getLong(from);
    if (length < CMSG_DATA) {
      return 0;
    }
    int level = mem.getInt(from + 8);
    int type = mem.getInt(from + 12);
    if (level == Libc.IPPROTO_IP && type == Libc.IP_PKTINFO) {
      mem.putLong(at, CMSG_DATA + 12).putInt(at + 8, Libc.IPPROTO_IP).putInt(at + 12, Libc.IP_PKTINFO);
      mem.putInt(at + CMSG_DATA, 0); // ipi_ifindex
      mem.putInt(at + CMSG_DATA + 4, mem.getInt(from + CMSG_DATA + 8)); // ipi_spec_dst = ipi_addr
      mem.putInt(at + CMSG_DATA + 8, 0);
      return 32; // CMSG_SPACE(12)
    }
    if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO) {
      mem.putLong(at, CMSG_DATA + 20).putInt(at + 8, Libc.IPPROTO_IPV6).putInt(at + 12, Libc.IPV6_PKTINFO);
      for (int b = 0; b < 20; b += 4) {
        mem.putInt(at + CMSG_DATA + b, mem.getInt(from + CMSG_DATA + b)); // ipi6_addr, ipi6_ifindex
      }
      return 40; // CMSG_SPACE(20)
    }
    return 0;
  }

  private void send(int m) {
    int off = 0;
    while (off < m) {
      try {
        off += sender.send(fd, base + SEND_HDR + (long) off * MMSG, m - off);
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
   * Cuts datagram {@code k} of the send batch to {@value #TRUNCATED} bytes (dnsjava keeps the
   * header, question and OPT record with its Client Subnet echo, whole RRsets that fit, and sets
   * TC); false when it is that short already or is not a DNS message.
   */
  private boolean truncate(int k) {
    int length = (int) mem.getLong(SEND_IOV + k * IOVEC + 8);
    if (length <= TRUNCATED) {
      return false;
    }
    byte[] wire = new byte[length];
    mem.get(SEND_DATA + k * MAX_RESPONSE, wire);
    byte[] cut;
    try {
      cut = new org.xbill.DNS.Message(wire).toWire(TRUNCATED);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    if (cut.length > TRUNCATED) {
      return false;
    }
    LOG.debug("udp response of {} bytes to {} exceeds the interface MTU: sent cut, with TC", length, burst.sources[sendFrom[k]]);
    mem.put(SEND_DATA + k * MAX_RESPONSE, cut);
    mem.putLong(SEND_IOV + k * IOVEC + 8, cut.length);
    return true;
  }

  /** The last IPv4 sender, reused while the next one is the same (resolvers send many queries). */
  private int lastV4Bits;
  private InetAddress lastV4;

  /** The sender of a received datagram, or null for an address family not ours. */
  private InetAddress source(int at, int length) {
    int family = mem.getShort(at);
    try {
      if (family == Libc.AF_INET && length >= 16) {
        int bits = mem.getInt(at + 4);
        if (lastV4 != null && bits == lastV4Bits) {
          return lastV4;
        }
        byte[] a = new byte[4];
        mem.get(at + 4, a);
        lastV4 = InetAddress.getByAddress(a);
        lastV4Bits = bits;
        return lastV4;
      }
      if (family == Libc.AF_INET6 && length >= 28) {
        byte[] a = new byte[16];
        mem.get(at + 8, a);
        int scope = mem.getInt(at + 24);
        return scope == 0 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, scope);
      }
    } catch (UnknownHostException e) {
      // only for a wrong length, checked above
    }
    return null;
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
      memory.close(); // never listened: no thread owns the block
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
