package io.opencdn.dns.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP (RFC 1035 4.2.1): one datagram in, at most one datagram out, on a Netty datagram
 * channel of its own (Vert.x's datagram socket costs a text round trip of every client address and
 * a flush per response). The portable listener: on Linux {@link MmsgUdpListener} serves instead
 * unless JNA cannot load there or the operator asks for this one ({@link Listeners#UDP_PROPERTY}).
 * On Linux the channel is epoll's: it reads up to {@value #BATCH} datagrams per system call
 * (recvmmsg) and the responses to one read burst are flushed together (sendmmsg). Every failure is
 * contained to its packet, so a malformed datagram never stops the listener.
 *
 * <p>Responses are dropped, not queued, while the socket's send buffer is full ({@link
 * #droppedWrites()}): a flood cannot grow the heap, and the client retries.
 */
public final class UdpListener implements DatagramListener {

  private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);

  /** Largest query datagram read whole; longer ones are cut and answered FORMERR. */
  static final int MAX_QUERY = 4096;

  /** Datagrams read per recvmmsg call. */
  static final int BATCH = 16;

  /** Most datagrams answered together ({@link Burst}): a read burst, cut at this size. */
  static final int BURST = 64;

  /**
   * Usual size of the buffer a burst's responses are written to (a larger burst gets a larger one).
   */
  static final int BURST_BUFFER = 16 << 10;

  private final EventLoopGroup group;
  private final DnsHandler handler;
  private final boolean reusePort;
  private final LongAdder droppedWrites = new LongAdder();
  private Channel channel;

  /**
   * @param group event loops from {@link #group(int)}; the channel takes the group's next loop
   * @param reusePort set SO_REUSEPORT so several channels (event loops) share the port; epoll only
   */
  public UdpListener(EventLoopGroup group, DnsHandler handler, boolean reusePort) {
    this.group = group;
    this.handler = handler;
    this.reusePort = reusePort && nativeTransport();
  }

  /** {@code n} event loops for UDP channels: epoll when the platform has it, else NIO. */
  public static EventLoopGroup group(int n) {
    return new MultiThreadIoEventLoopGroup(
        n,
        new DefaultThreadFactory("dns-udp", true),
        nativeTransport() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** True when epoll is available (Linux), so channels can share a port. */
  public static boolean nativeTransport() {
    return Epoll.isAvailable();
  }

  /**
   * Binds {@code host:port} (0 = any free port) and completes with the bound port. The socket is of
   * the address's own family: an IPv4 address gets an IPv4 socket, not the dual-stack IPv6 socket
   * Netty opens by default, whose every datagram would take the kernel's IPv6 path with an
   * IPv4-mapped address (and cost a conversion each way).
   */
  @Override
  public Future<Integer> listen(String host, int port) {
    SocketProtocolFamily family;
    try {
      family =
          InetAddress.getByName(host) instanceof java.net.Inet4Address
              ? SocketProtocolFamily.INET
              : SocketProtocolFamily.INET6;
    } catch (java.net.UnknownHostException e) {
      return Future.failedFuture(e);
    }
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .option(ChannelOption.SO_RCVBUF, 1 << 20)
            .option(ChannelOption.SO_SNDBUF, 1 << 20)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
            .handler(new Handler());
    if (nativeTransport()) {
      b.channelFactory(() -> new EpollDatagramChannel(family))
          .option(EpollChannelOption.SO_REUSEPORT, reusePort)
          .option(ChannelOption.SO_REUSEADDR, reusePort)
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
          .option(
              ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * BATCH));
    } else {
      b.channelFactory(() -> new NioDatagramChannel(family))
          .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY));
    }
    Promise<Integer> bound = Promise.promise();
    ChannelFuture f = b.bind(host, port);
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            channel = f.channel();
            bound.complete(((InetSocketAddress) channel.localAddress()).getPort());
          } else {
            bound.fail(done.cause());
          }
        });
    return bound.future();
  }

  /** Responses dropped because the send buffer was full. */
  @Override
  public long droppedWrites() {
    return droppedWrites.sum();
  }

  /** Closes the channel (the group is its owner's to shut down). */
  @Override
  public Future<Void> close() {
    Channel c = channel;
    if (c == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    c.close().addListener(done -> closed.complete());
    return closed.future();
  }

  /**
   * Collects the datagrams of a read burst (at most {@value #BURST}) and answers them together
   * ({@link DnsHandler#handleAll}) when the burst ends, then flushes the responses at once. One
   * instance per channel, so its arrays belong to the channel's event loop.
   */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private final Burst burst = new Burst(BURST);
    private final InetSocketAddress[] senders = new InetSocketAddress[BURST];

    /** Where the last burst's responses were written (see {@link #burstBuffer}). */
    private ByteBuf buffer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof DatagramPacket packet) {
          senders[burst.size] = packet.sender();
          burst.add(ByteBufUtil.getBytes(packet.content()), packet.sender().getAddress());
        }
      } catch (RuntimeException e) {
        LOG.warn("dropped a udp packet: {}", e.toString());
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (burst.full()) {
        answer(ctx);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      answer(ctx);
      ctx.flush();
    }

    private void answer(ChannelHandlerContext ctx) {
      int n = burst.size;
      if (n == 0) {
        return;
      }
      try {
        burst.answer(handler);
        byte[][] responses = burst.responses;
        ByteBuf out = null;
        for (int i = 0; i < n; i++) {
          byte[] response = responses[i];
          if (response == null) {
            continue;
          }
          if (ctx.channel().isWritable()) {
            out = out == null ? burstBuffer(ctx, responses, n) : out;
            int at = out.writerIndex();
            out.writeBytes(response);
            ctx.write(
                new DatagramPacket(out.retainedSlice(at, response.length), senders[i]),
                ctx.voidPromise());
          } else {
            droppedWrites.increment();
          }
        }
      } catch (Exception | StackOverflowError e) {
        LOG.warn("dropped udp responses to {} and {} more: {}", senders[0], n - 1, e.toString());
      } finally {
        burst.clear();
        java.util.Arrays.fill(senders, 0, n, null);
      }
    }

    /**
     * A direct buffer for the burst's responses, each sent as a slice of it: the channel's buffer
     * again once every slice of the last burst is released (sent), which is the rule with a
     * writable socket, else a new one. The native transport sends straight from it.
     */
    private ByteBuf burstBuffer(ChannelHandlerContext ctx, byte[][] responses, int n) {
      int bytes = 0;
      for (int i = 0; i < n; i++) {
        bytes += responses[i] == null ? 0 : responses[i].length;
      }
      ByteBuf b = buffer;
      if (b != null && b.refCnt() == 1 && b.capacity() >= bytes) {
        return b.clear();
      }
      if (b != null) {
        b.release(); // its slices still queued keep it alive until they are sent
      }
      buffer = b = ctx.alloc().directBuffer(Math.max(bytes, BURST_BUFFER));
      return b;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (buffer != null) {
        buffer.release();
        buffer = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("udp socket error: {}", cause.toString());
    }
  }
}
