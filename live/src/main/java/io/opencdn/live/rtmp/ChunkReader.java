package io.opencdn.live.rtmp;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from the chunk stream a peer sends (Adobe RTMP specification 1.0,
 * section 5.3): basic headers of one to three bytes (chunk stream ids 2..65599), message headers of
 * type 0 to 3, extended timestamps (also repeated on type 3 chunks whose chunk stream last had
 * one), messages interleaved across chunk streams, and the peer's chunk size, which its Set Chunk
 * Size message changes from the next chunk on. Abort Message drops a partly received message.
 *
 * <p>A type 3 header that starts a new message repeats the last timestamp delta of its chunk
 * stream, where a type 0 header's timestamp counts as its delta (as FFmpeg and librtmp write and
 * read them).
 *
 * <p>Memory is bounded: a message longer than {@code maxMessageBytes} is refused before anything is
 * allocated for it, and the messages in progress on all chunk streams together may not announce
 * more than twice that. Anything malformed is an {@link RtmpException}; the caller closes the
 * connection.
 */
public final class ChunkReader {

  /** The chunk size both sides start with (5.4.1). */
  public static final int DEFAULT_CHUNK_SIZE = 128;

  /** Most chunk streams a peer may use on one connection (a well-behaved one uses a handful). */
  static final int MAX_CHUNK_STREAMS = 64;

  private static final int[] HEADER_BYTES = {11, 7, 3, 0};

  private final int maxMessageBytes;
  private final Map<Integer, ChunkStream> streams = new HashMap<>();
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private long bytesRead;
  private long pendingBytes;

  /**
   * @param maxMessageBytes the largest message accepted
   */
  public ChunkReader(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The state of one chunk stream: its last header and the message being received on it. */
  private static final class ChunkStream {
    long timestamp;
    long delta;
    int length;
    int type;
    int streamId;
    boolean extended;
    byte[] payload;
    int received;
  }

  /**
   * Reads every complete chunk from {@code in} (leaving an incomplete one unread) and hands each
   * completed message to {@code out}, except Set Chunk Size and Abort Message, which are applied
   * here.
   */
  public void read(ByteBuf in, Consumer<RtmpMessage> out) {
    while (readChunk(in, out)) {
      // next chunk
    }
  }

  /** The chunk size the peer sends with. */
  public int chunkSize() {
    return chunkSize;
  }

  /**
   * Bytes consumed so far (the handshake not included): the sequence number of an Acknowledgement.
   */
  public long bytesRead() {
    return bytesRead;
  }

  private boolean readChunk(ByteBuf in, Consumer<RtmpMessage> out) {
    int start = in.readerIndex();
    if (!in.isReadable()) {
      return false;
    }
    int b0 = in.readUnsignedByte();
    int fmt = b0 >>> 6;
    int csid = b0 & 0x3f;
    if (csid == 0) {
      if (!in.isReadable()) {
        return reset(in, start);
      }
      csid = 64 + in.readUnsignedByte();
    } else if (csid == 1) {
      if (in.readableBytes() < 2) {
        return reset(in, start);
      }
      csid = 64 + in.readUnsignedByte() + 256 * in.readUnsignedByte();
    }
    if (in.readableBytes() < HEADER_BYTES[fmt]) {
      return reset(in, start);
    }
    ChunkStream cs = streams.get(csid);
    if (cs == null) {
      if (fmt != 0) {
        throw new RtmpException("chunk stream " + csid + " starts with a type " + fmt + " header");
      }
      if (streams.size() >= MAX_CHUNK_STREAMS) {
        throw new RtmpException("more than " + MAX_CHUNK_STREAMS + " chunk streams");
      }
    }
    long tsField = 0;
    int length = 0;
    int type = 0;
    int streamId = 0;
    if (fmt <= 2) {
      tsField = in.readUnsignedMedium();
    }
    if (fmt <= 1) {
      length = in.readUnsignedMedium();
      type = in.readUnsignedByte();
    }
    if (fmt == 0) {
      streamId = in.readIntLE();
    }
    boolean extended = fmt <= 2 ? tsField == 0xFFFFFF : cs.extended;
    if (extended) {
      if (in.readableBytes() < 4) {
        return reset(in, start);
      }
      long ext = in.readUnsignedInt();
      if (fmt <= 2) {
        tsField = ext;
      }
    }
    boolean continuation = cs != null && cs.payload != null;
    if (continuation && fmt != 3) {
      throw new RtmpException(
          "a type " + fmt + " header on chunk stream " + csid + " in the middle of a message");
    }
    int need;
    if (continuation) {
      need = Math.min(chunkSize, cs.length - cs.received);
    } else {
      int msgLength = fmt <= 1 ? length : cs.length;
      if (msgLength > maxMessageBytes) {
        throw new RtmpException(
            "a message of " + msgLength + " bytes (at most " + maxMessageBytes + " accepted)");
      }
      need = Math.min(chunkSize, msgLength);
    }
    if (in.readableBytes() < need) {
      return reset(in, start);
    }
    if (cs == null) {
      cs = new ChunkStream();
      streams.put(csid, cs);
    }
    if (!continuation) {
      switch (fmt) {
        case 0 -> {
          cs.timestamp = tsField;
          cs.delta = tsField;
          cs.length = length;
          cs.type = type;
          cs.streamId = streamId;
        }
        case 1 -> {
          cs.delta = tsField;
          cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
          cs.length = length;
          cs.type = type;
        }
        case 2 -> {
          cs.delta = tsField;
          cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
        }
        default -> cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFFFFFFL;
      }
      if (fmt <= 2) {
        cs.extended = extended;
      }
      if (pendingBytes + cs.length > 2L * maxMessageBytes) {
        throw new RtmpException(
            "messages in progress announce more than " + 2L * maxMessageBytes + " bytes");
      }
      cs.payload = new byte[cs.length];
      cs.received = 0;
      pendingBytes += cs.length;
    }
    in.readBytes(cs.payload, cs.received, need);
    cs.received += need;
    bytesRead += in.readerIndex() - start;
    if (cs.received == cs.length) {
      byte[] payload = cs.payload;
      cs.payload = null;
      pendingBytes -= cs.length;
      deliver(new RtmpMessage(cs.type, cs.timestamp, cs.streamId, payload), out);
    }
    return true;
  }

  private void deliver(RtmpMessage m, Consumer<RtmpMessage> out) {
    if (m.type() == MessageType.SET_CHUNK_SIZE) {
      long size = Control.readUint32(m.payload(), "Set Chunk Size");
      if (size < 1 || size > 0x7FFFFFFFL) {
        throw new RtmpException("Set Chunk Size " + size + " (expected 1..2147483647)");
      }
      chunkSize = (int) size;
    } else if (m.type() == MessageType.ABORT) {
      long csid = Control.readUint32(m.payload(), "Abort Message");
      ChunkStream cs = streams.get((int) csid);
      if (cs != null && cs.payload != null) {
        pendingBytes -= cs.length;
        cs.payload = null;
      }
    } else {
      out.accept(m);
    }
  }

  private static boolean reset(ByteBuf in, int start) {
    in.readerIndex(start);
    return false;
  }
}
