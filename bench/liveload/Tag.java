import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One FLV tag. */
record Tag(int type, long timestamp, byte[] data) {
  boolean config() {
    return (type == 9 && data.length > 1 && data[1] == 0)
        || (type == 8 && data.length > 1 && (data[0] & 0xf0) == 0xa0 && data[1] == 0)
        || type == 18;
  }

  static List<Tag> readFlv(Path file) throws IOException {
    List<Tag> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new FileInputStream(file.toFile()))) {
      in.skipNBytes(9 + 4);
      while (in.available() > 0) {
        int type = in.readUnsignedByte();
        int size = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
        long ts = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
        ts |= (long) in.readUnsignedByte() << 24;
        in.skipNBytes(3);
        byte[] data = in.readNBytes(size);
        in.skipNBytes(4);
        if (data.length == size && (type == 8 || type == 9 || type == 18)) {
          out.add(new Tag(type, ts, data));
        }
      }
    }
    return out;
  }
}
