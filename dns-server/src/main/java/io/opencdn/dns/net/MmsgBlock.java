package io.opencdn.dns.net;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The native memory of one {@link MmsgUdpListener}, set up once: {@value #BATCH} receive and
 * {@value #BATCH} send {@code struct mmsghdr}s with their iovecs, the senders' addresses, the
 * ancillary data (IP_PKTINFO, IPV6_PKTINFO) and the datagram buffers, plus a scratch area for
 * socket options and addresses. Java reads and writes it through a direct {@link ByteBuffer};
 * {@code recvmmsg} and {@code sendmmsg} get the headers' native addresses. Layouts are those of
 * 64-bit Linux ({@link Libc#AVAILABLE}). Used by the listener's thread only; not thread-safe.
 */
final class MmsgBlock {

  /** Datagrams per recvmmsg and per burst. */
  static final int BATCH = 32;

  /** Largest query read whole. */
  static final int MAX_QUERY = 4096;

  /** Largest response sent (UDP responses fit the client's EDNS size, at most 1232 bytes here). */
  static final int MAX_RESPONSE = 4096;

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

  private final Memory memory = new Memory(SIZE);
  private final long base = Pointer.nativeValue(memory);
  private final ByteBuffer mem = memory.getByteBuffer(0, SIZE).order(ByteOrder.nativeOrder());

  /**
   * True once the socket delivers each query's destination address ({@link #receiveDestinations}).
   */
  private boolean pktinfo;

  /** The last IPv4 sender, reused while the next one is the same (resolvers send many queries). */
  private int lastV4Bits;

  private InetAddress lastV4;

  MmsgBlock() {
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

  /** Native address of the receive headers, for {@code recvmmsg}. */
  long receiveHeaders() {
    return base + RECV_HDR;
  }

  /** Native address of send header {@code from}, for {@code sendmmsg}. */
  long sendHeaders(int from) {
    return base + SEND_HDR + (long) from * MMSG;
  }

  /** Sets an int socket option of socket {@code s}. */
  void intOption(int s, int level, int option, int value) {
    mem.putInt(SCRATCH_AT, value);
    Libc.setsockopt(s, level, option, base + SCRATCH_AT, 4);
  }

  /** Sets SO_RCVTIMEO of socket {@code s} to {@code seconds}. */
  void receiveTimeout(int s, long seconds) {
    mem.putLong(SCRATCH_AT, seconds).putLong(SCRATCH_AT + 8, 0);
    Libc.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, base + SCRATCH_AT, 16);
  }

  /**
   * Asks socket {@code s} (bound to a wildcard address) for each query's destination address
   * (IP_PKTINFO, IPV6_RECVPKTINFO), so that {@link #prepareSend} sends each response from it.
   */
  void receiveDestinations(int s, boolean v4) {
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

  /** Binds socket {@code s} to {@code address} and {@code port}. */
  void bind(int s, InetAddress address, int port) {
    int length = writeAddress(SCRATCH_AT, address, port);
    Libc.bind(s, base + SCRATCH_AT, length);
  }

  /** The port socket {@code s} is bound to. */
  int boundPort(int s) {
    mem.putInt(SCRATCH_AT + SOCKADDR, SOCKADDR);
    Libc.getsockname(s, base + SCRATCH_AT, base + SCRATCH_AT + SOCKADDR);
    return (mem.get(SCRATCH_AT + 2) & 0xFF) << 8 | mem.get(SCRATCH_AT + 3) & 0xFF; // network order
  }

  /**
   * The sender of received datagram {@code i}, or null for an address family not the socket's;
   * makes the slot's value-result fields ready for the next receive.
   */
  InetAddress sender(int i) {
    int hdr = RECV_HDR + i * MMSG;
    int nameLength = mem.getInt(hdr + NAMELEN);
    mem.putInt(hdr + NAMELEN, SOCKADDR); // value-result: the next receive's room
    if (pktinfo) {
      if (mem.getLong(hdr + CONTROLLEN) < CMSG_DATA) {
        mem.putLong(RECV_CTRL + i * CONTROL, 0); // none came: not an earlier datagram's either
      }
      mem.putLong(hdr + CONTROLLEN, CONTROL); // value-result as well
    }
    return source(NAMES + i * SOCKADDR, nameLength);
  }

  /** The bytes of received datagram {@code i} (a longer one arrives cut to {@value #MAX_QUERY}). */
  byte[] query(int i) {
    int length = Math.min(mem.getInt(RECV_HDR + i * MMSG + LEN), MAX_QUERY); // MSG_TRUNC
    byte[] query = new byte[length];
    mem.get(RECV_DATA + i * MAX_QUERY, query);
    return query;
  }

  /**
   * Makes send header {@code m} carry {@code response} (at most {@value #MAX_RESPONSE} bytes) to
   * the sender of received datagram {@code slot}, from the address that datagram was sent to.
   */
  void prepareSend(int m, int slot, byte[] response) {
    int name = NAMES + slot * SOCKADDR;
    int hdr = SEND_HDR + m * MMSG;
    mem.putLong(hdr + NAME, base + name);
    mem.putInt(hdr + NAMELEN, mem.getShort(name) == Libc.AF_INET ? 16 : 28);
    mem.putLong(SEND_IOV + m * IOVEC + 8, response.length);
    int control = pktinfo ? sourceOf(slot, SEND_CTRL + m * CONTROL) : 0;
    mem.putLong(hdr + CONTROL_AT, control == 0 ? 0 : base + SEND_CTRL + (long) m * CONTROL);
    mem.putLong(hdr + CONTROLLEN, control);
    mem.put(SEND_DATA + m * MAX_RESPONSE, response);
  }

  /**
   * Cuts datagram {@code k} of the send batch to {@code limit} bytes (dnsjava keeps the header,
   * question and OPT record with its Client Subnet echo, whole RRsets that fit, and sets TC);
   * returns its former length, or 0 when it is that short already or is not a DNS message.
   */
  int truncate(int k, int limit) {
    int length = (int) mem.getLong(SEND_IOV + k * IOVEC + 8);
    if (length <= limit) {
      return 0;
    }
    byte[] wire = new byte[length];
    mem.get(SEND_DATA + k * MAX_RESPONSE, wire);
    byte[] cut;
    try {
      cut = new org.xbill.DNS.Message(wire).toWire(limit);
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    if (cut.length > limit) {
      return 0;
    }
    mem.put(SEND_DATA + k * MAX_RESPONSE, cut);
    mem.putLong(SEND_IOV + k * IOVEC + 8, cut.length);
    return length;
  }

  /** Frees the native memory. */
  void close() {
    memory.close();
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
      mem.putLong(at, CMSG_DATA + 12)
          .putInt(at + 8, Libc.IPPROTO_IP)
          .putInt(at + 12, Libc.IP_PKTINFO);
      mem.putInt(at + CMSG_DATA, 0); // ipi_ifindex
      mem.putInt(at + CMSG_DATA + 4, mem.getInt(from + CMSG_DATA + 8)); // ipi_spec_dst = ipi_addr
      mem.putInt(at + CMSG_DATA + 8, 0);
      return 32; // CMSG_SPACE(12)
    }
    if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO) {
      mem.putLong(at, CMSG_DATA + 20)
          .putInt(at + 8, Libc.IPPROTO_IPV6)
          .putInt(at + 12, Libc.IPV6_PKTINFO);
      for (int b = 0; b < 20; b += 4) {
        mem.putInt(at + CMSG_DATA + b, mem.getInt(from + CMSG_DATA + b)); // ipi6_addr, ipi6_ifindex
      }
      return 40; // CMSG_SPACE(20)
    }
    return 0;
  }

  /** The sender at {@code at}, or null for an address family not ours. */
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
}
