package io.opencdn.edge.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** File operations of the disk tier that keep its entries whole: synced writes, checksum checks. */
final class DiskFiles {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiskCache.class);

  private DiskFiles() {}

  /** Deletes {@code file} if it exists; a failure is logged, not thrown. */
  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("disk cache: cannot delete {}: {}", file, e.toString());
    }
  }

  /**
   * Writes {@code data} to a new temporary file in {@code dir} and syncs it to the disk ({@code
   * fsync}).
   */
  static Path writeSynced(Path dir, byte[] data) throws IOException {
    Path tmp = Files.createTempFile(dir, "put-", ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /**
   * Streams the body of {@code s} in {@code file} through CRC32C; throws when it does not match.
   */
  static void verify(Path file, DiskEntryFormat.Stored s) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch = FileChannel.open(file)) {
      long pos = s.bodyOffset();
      long end = s.fileSize();
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          throw new IOException("truncated entry");
        }
        pos += n;
        crc.update(buf.flip());
      }
    }
    if ((int) crc.getValue() != s.checksum()) {
      throw new IOException("checksum mismatch");
    }
  }
}
