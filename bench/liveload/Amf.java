import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few AMF0 types commands use. */
final class Amf {
  static byte[] encode(Object... values) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (Object v : values) {
      value(o, v);
    }
    return o.toByteArray();
  }

  private static void value(ByteArrayOutputStream o, Object v) {
    if (v == null) {
      o.write(5);
    } else if (v instanceof Double d) {
      o.write(0);
      long bits = Double.doubleToLongBits(d);
      for (int i = 7; i >= 0; i--) {
        o.write((int) (bits >> (8 * i)));
      }
    } else if (v instanceof Boolean b) {
      o.write(1);
      o.write(b ? 1 : 0);
    } else if (v instanceof String s) {
      o.write(2);
      string(o, s);
    } else if (v instanceof Map<?, ?> m) {
      o.write(3);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        string(o, (String) e.getKey());
        value(o, e.getValue());
      }
      o.write(0);
      o.write(0);
      o.write(9);
    } else {
      throw new IllegalArgumentException("AMF0: " + v);
    }
  }

  private static void string(ByteArrayOutputStream o, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.write(b.length >> 8);
    o.write(b.length);
    o.write(b, 0, b.length);
  }

  static List<Object> decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    List<Object> out = new ArrayList<>();
    while (b.hasRemaining()) {
      out.add(read(b));
    }
    return out;
  }

  private static Object read(ByteBuffer b) {
    int t = b.get() & 0xff;
    switch (t) {
      case 0:
        return b.getDouble();
      case 1:
        return b.get() != 0;
      case 2:
        return str(b, b.getShort() & 0xffff);
      case 3:
        return object(b);
      case 8:
        b.getInt();
        return object(b);
      case 5:
      case 6:
        return null;
      case 10:
        {
          int n = b.getInt();
          List<Object> l = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            l.add(read(b));
          }
          return l;
        }
      case 12:
        return str(b, b.getInt());
      default:
        throw new IllegalArgumentException("AMF0 type " + t);
    }
  }

  private static Map<String, Object> object(ByteBuffer b) {
    Map<String, Object> m = new LinkedHashMap<>();
    while (true) {
      String k = str(b, b.getShort() & 0xffff);
      if (k.isEmpty() && b.get(b.position()) == 9) {
        b.get();
        return m;
      }
      m.put(k, read(b));
    }
  }

  private static String str(ByteBuffer b, int n) {
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
