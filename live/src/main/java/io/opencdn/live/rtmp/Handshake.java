package io.opencdn.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The RTMP handshake of the Adobe RTMP specification 1.0, section 5.2: C0/S0 (version 3), C1/S1
 * (time, zero, 1528 random bytes), C2/S2 (the peer's C1/S1 echoed). Server and client are pure
 * state machines over the bytes received, so they are tested without sockets.
 *
 * <p>This is the handshake the specification defines. The later "digest" variant of Flash Player 9
 * (an HMAC hidden in C1/S1) is not needed by FFmpeg, OBS or librtmp to publish or play H.264/AAC: a
 * client that finds zero version bytes in S1 (bytes 4..7) skips the digest check, as FFmpeg does.
 */
public final class Handshake {

  /** RTMP protocol version of C0 and S0. */
  public static final int VERSION = 3;

  /** Length of C1, S1, C2 and S2. */
  public static final int SIZE = 1536;

  private Handshake() {}

  /** The server side: reads C0+C1, answers S0+S1+S2, then reads C2. */
  public static final class Server {
    private final int epoch;
    private byte[] s1;
    private boolean done;

    /**
     * @param epoch the server's time field of S1 (milliseconds, any base)
     */
    public Server(int epoch) {
      this.epoch = epoch;
    }

    /**
     * Consumes handshake bytes from {@code in}; yields what to send (null: nothing yet). Bytes
     * after C2 stay in {@code in} (the first chunks may arrive in the same read).
     */
    public Buffer feed(ByteBuf in) {
      if (done) {
        return null;
      }
      if (s1 == null) {
        if (in.readableBytes() < 1 + SIZE) {
          if (in.isReadable() && in.getUnsignedByte(in.readerIndex()) != VERSION) {
            throw new RtmpException(
                "RTMP version " + in.getUnsignedByte(in.readerIndex()) + " (only 3 is supported)");
          }
          return null;
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
          throw new RtmpException("RTMP version " + version + " (only 3 is supported)");
        }
        byte[] c1 = new byte[SIZE];
        in.readBytes(c1);
        s1 = random(epoch);
        byte[] out = new byte[1 + 2 * SIZE];
        out[0] = VERSION;
        System.arraycopy(s1, 0, out, 1, SIZE);
        // S2: C1's time, the time C1 was read, C1's random bytes
        System.arraycopy(c1, 0, out, 1 + SIZE, SIZE);
        putInt(out, 1 + SIZE + 4, epoch);
        return Buffer.buffer(out);
      }
      if (in.readableBytes() < SIZE) {
        return null;
      }
      in.skipBytes(
          SIZE); // C2: clients echo S1 or (digest variant) sign it; neither changes what follows
      done = true;
      return null;
    }

    /** Whether C2 has been read: chunks follow. */
    public boolean done() {
      return done;
    }
  }

  /** The client side: sends C0+C1, reads S0+S1 and answers C2, then reads S2. */
  public static final class Client {
    private int state;

    /** C0 and C1, sent first. */
    public Buffer start() {
      byte[] out = new byte[1 + SIZE];
      out[0] = VERSION;
      System.arraycopy(random(0), 0, out, 1, SIZE);
      state = 1;
      return Buffer.buffer(out);
    }

    /**
     * Consumes handshake bytes; yields C2 once S0+S1 are in, else null. Bytes after S2 stay in
     * {@code in}.
     */
    public Buffer feed(ByteBuf in) {
      if (state == 1) {
        if (in.readableBytes() < 1 + SIZE) {
          return null;
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
          throw new RtmpException("server answered RTMP version " + version);
        }
        byte[] s1 = new byte[SIZE];
        in.readBytes(s1);
        state = 2;
        return Buffer.buffer(s1); // C2 echoes S1
      }
      if (state == 2 && in.readableBytes() >= SIZE) {
        in.skipBytes(SIZE);
        state = 3;
      }
      return null;
    }

    /** Whether S2 has been read: chunks follow. */
    public boolean done() {
      return state == 3;
    }
  }

  private static byte[] random(int time) {
    byte[] b = new byte[SIZE];
    ThreadLocalRandom.current().nextBytes(b);
    putInt(b, 0, time);
    putInt(b, 4, 0); // zero version: the plain handshake of the specification
    return b;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
