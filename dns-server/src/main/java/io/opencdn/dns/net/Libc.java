package io.opencdn.dns.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The few C library calls of {@link MmsgUdpListener}, bound with JNA's direct mapping (no per-call
 * reflection). Pointers are passed as plain addresses ({@code long}), so a call allocates nothing.
 * Only for 64-bit Linux, whose structure layouts and constants are written in {@link
 * MmsgUdpListener}; {@link #AVAILABLE} says whether binding worked.
 */
final class Libc {

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int SO_REUSEPORT = 15;
  static final int SO_RCVTIMEO = 20;
  static final int IPPROTO_IP = 0;
  static final int IP_PKTINFO = 8;
  static final int IP_MTU_DISCOVER = 10;
  static final int IP_PMTUDISC_PROBE = 3;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_RECVPKTINFO = 49;
  static final int IPV6_PKTINFO = 50;
  static final int IPV6_MTU_DISCOVER = 23;
  static final int IPV6_PMTUDISC_PROBE = 3;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_WAITFORONE = 0x10000;
  static final int SHUT_RDWR = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EMSGSIZE = 90;

  /** True when the calls below are bound (64-bit Linux on x86-64 or AArch64, JNA loaded). */
  static final boolean AVAILABLE;

  /** Why binding failed, or null. */
  static final String UNAVAILABLE;

  static {
    String why = null;
    if (!Platform.isLinux() || !Platform.is64Bit() || !(Platform.isIntel() || Platform.isARM())) {
      why = "not 64-bit Linux on x86-64 or AArch64";
    } else {
      try {
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      } catch (Throwable e) { // UnsatisfiedLinkError, a JNA that cannot unpack its native part, ...
        why = e.toString();
      }
    }
    AVAILABLE = why == null;
    UNAVAILABLE = why;
  }

  private Libc() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, long value, int length)
      throws LastErrorException;

  static native int getsockopt(int fd, int level, int name, long value, long length)
      throws LastErrorException;

  static native int bind(int fd, long address, int length) throws LastErrorException;

  static native int getsockname(int fd, long address, long length) throws LastErrorException;

  static native int recvmmsg(int fd, long messages, int count, int flags, long timeout)
      throws LastErrorException;

  static native int sendmmsg(int fd, long messages, int count, int flags) throws LastErrorException;

  static native int shutdown(int fd, int how) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;
}
