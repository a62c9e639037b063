package io.opencdn.live;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opencdn.live.rtmp.ChunkReader;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.Handshake;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RTMP client of the tests, on a plain socket, that sends exactly what a test tells it
 * to (also what a well-behaved client would not) and collects what the server answers until it
 * closes.
 */
final class RawRtmp implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ByteBuf received = Unpooled.buffer();
  private final ChunkReader reader = new ChunkReader(16 << 20);
  final List<RtmpMessage> messages = new ArrayList<>();
  boolean closedByServer;

  RawRtmp(String host, int port) throws IOException {
    this(host, port, 0);
  }

  /**
   * @param receiveBuffer the socket's receive buffer, or 0 for the system's
   */
  RawRtmp(String host, int port, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress(host, port));
    socket.setSoTimeout(200);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    Handshake.Client hs = new Handshake.Client();
    send(hs.start());
    long deadline = System.currentTimeMillis() + 5000;
    while (!hs.done() && System.currentTimeMillis() < deadline) {
      readSome();
      Buffer c2 = hs.feed(received);
      if (c2 != null) {
        send(c2);
      }
    }
    if (!hs.done()) {
      throw new IOException("no handshake");
    }
  }

  void send(Buffer b) throws IOException {
    out.write(b.getBytes());
    out.flush();
  }

  void command(int streamId, String name, double txn, Object... values) throws IOException {
    send(Command.encode(streamId, ChunkReader.DEFAULT_CHUNK_SIZE, name, txn, values));
  }

  /** Reads for up to {@code millis}, or until the server closes; collects the messages. */
  void readFor(long millis) throws IOException {
    long deadline = System.currentTimeMillis() + millis;
    while (!closedByServer && System.currentTimeMillis() < deadline) {
      readSome();
      reader.read(received, messages::add);
    }
  }

  /** connect to application live and createStream. */
  void connectAndCreateStream() throws IOException {
    command(0, "connect", 1, Command.object("app", "live", "tcUrl", "rtmp://127.0.0.1/live"));
    command(0, "createStream", 2, (Object) null);
  }

  /** The chunk size the server sends with. */
  int chunkSize() {
    return reader.chunkSize();
  }

  /** Messages of {@code type} received. */
  long count(int type) {
    return messages.stream().filter(m -> m.type() == type).count();
  }

  /** The codes of the onStatus commands received. */
  List<String> statusCodes() {
    List<String> codes = new ArrayList<>();
    for (RtmpMessage m : messages) {
      if (m.type() == MessageType.COMMAND_AMF0) {
        Command c = Command.parse(m.payload());
        if (c.name().equals("onStatus")
            && !c.args().isEmpty()
            && c.args().get(0) instanceof java.util.Map<?, ?> info) {
          codes.add(String.valueOf(info.get("code")));
        }
      }
    }
    return codes;
  }

  private void readSome() throws IOException {
    byte[] b = new byte[8192];
    try {
      int n = in.read(b);
      if (n < 0) {
        closedByServer = true;
      } else {
        received.writeBytes(b, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // nothing yet
    } catch (IOException e) {
      closedByServer = true; // reset
    }
  }

  static Buffer bufferOf(ByteBuf b) {
    return BufferInternal.buffer(b);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
