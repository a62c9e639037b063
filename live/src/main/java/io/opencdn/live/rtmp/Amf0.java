package io.opencdn.live.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AMF0 encoding of RTMP commands and metadata (Adobe Action Message Format AMF0 specification).
 * Values map to Java as: number {@link Double}, boolean {@link Boolean}, string and long string
 * {@link String}, object {@link Map} (a {@link LinkedHashMap}, keys in order), ECMA array {@link
 * EcmaArray}, strict array {@link List}, date {@link Date}, null {@code null}, undefined {@link
 * #UNDEFINED}. References, typed objects, XML and AVM+ values are refused, as is nesting deeper
 * than {@value #MAX_DEPTH}: RTMP commands and FLV metadata use none of them.
 */
public final class Amf0 {

  static final int NUMBER = 0;
  static final int BOOLEAN = 1;
  static final int STRING = 2;
  static final int OBJECT = 3;
  static final int NULL = 5;
  static final int UNDEFINED_MARKER = 6;
  static final int ECMA_ARRAY = 8;
  static final int OBJECT_END = 9;
  static final int STRICT_ARRAY = 10;
  static final int DATE = 11;
  static final int LONG_STRING = 12;

  /** Deepest nesting of objects and arrays accepted. */
  static final int MAX_DEPTH = 16;

  /** The AMF0 undefined value. */
  public static final Object UNDEFINED =
      new Object() {
        @Override
        public String toString() {
          return "undefined";
        }
      };

  /** An AMF0 ECMA array (associative array), as FLV metadata is written. */
  public static final class EcmaArray extends LinkedHashMap<String, Object> {
    public EcmaArray() {}

    public EcmaArray(Map<String, Object> entries) {
      super(entries);
    }
  }

  /** An AMF0 date: milliseconds since the epoch and a time zone offset (reserved, should be 0). */
  public record Date(double millis, short timeZone) {}

  private Amf0() {}

  /** Decodes every value in {@code data}. */
  public static List<Object> decodeAll(byte[] data) {
    Reader r = new Reader(data, 0);
    List<Object> out = new ArrayList<>();
    while (r.pos < data.length) {
      out.add(r.value(0));
    }
    return out;
  }

  /** The number of bytes the first value of {@code data} takes (to cut it off). */
  public static int lengthOfFirst(byte[] data) {
    Reader r = new Reader(data, 0);
    r.value(0);
    return r.pos;
  }

  /** Encodes {@code values} one after another. */
  public static byte[] encode(Object... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    for (Object v : values) {
      write(out, v, 0);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("AMF0 value nested deeper than " + MAX_DEPTH);
    }
    if (v == null) {
      out.write(NULL);
    } else if (v == UNDEFINED) {
      out.write(UNDEFINED_MARKER);
    } else if (v instanceof Number n) {
      out.write(NUMBER);
      long bits = Double.doubleToLongBits(n.doubleValue());
      for (int i = 7; i >= 0; i--) {
        out.write((int) (bits >>> (8 * i)));
      }
    } else if (v instanceof Boolean b) {
      out.write(BOOLEAN);
      out.write(b ? 1 : 0);
    } else if (v instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length <= 0xFFFF) {
        out.write(STRING);
        u16(out, b.length);
      } else {
        out.write(LONG_STRING);
        u32(out, b.length);
      }
      out.writeBytes(b);
    } else if (v instanceof EcmaArray a) {
      out.write(ECMA_ARRAY);
      u32(out, a.size());
      properties(out, a, depth);
    } else if (v instanceof Map<?, ?> m) {
      out.write(OBJECT);
      properties(out, m, depth);
    } else if (v instanceof List<?> l) {
      out.write(STRICT_ARRAY);
      u32(out, l.size());
      for (Object e : l) {
        write(out, e, depth + 1);
      }
    } else if (v instanceof Date d) {
      out.write(DATE);
      long bits = Double.doubleToLongBits(d.millis());
      for (int i = 7; i >= 0; i--) {
        out.write((int) (bits >>> (8 * i)));
      }
      u16(out, d.timeZone());
    } else {
      throw new IllegalArgumentException("no AMF0 encoding for " + v.getClass().getName());
    }
  }

  private static void properties(ByteArrayOutputStream out, Map<?, ?> m, int depth) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      byte[] k = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
      if (k.length > 0xFFFF) {
        throw new IllegalArgumentException("AMF0 property name of " + k.length + " bytes");
      }
      u16(out, k.length);
      out.writeBytes(k);
      write(out, e.getValue(), depth + 1);
    }
    u16(out, 0);
    out.write(OBJECT_END);
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  private static void u32(ByteArrayOutputStream out, long v) {
    out.write((int) (v >>> 24));
    out.write((int) (v >>> 16));
    out.write((int) (v >>> 8));
    out.write((int) v);
  }

  /** A decoder over one byte array; every read checks the bytes left first. */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new RtmpException("AMF0 value nested deeper than " + MAX_DEPTH);
      }
      int marker = u8();
      return switch (marker) {
        case NUMBER -> Double.longBitsToDouble(s64());
        case BOOLEAN -> u8() != 0;
        case STRING -> string(u16());
        case LONG_STRING -> string(u32());
        case OBJECT -> properties(new LinkedHashMap<>(), depth);
        case NULL -> null;
        case UNDEFINED_MARKER -> UNDEFINED;
        case ECMA_ARRAY -> {
          u32(); // the count is a hint; the entries end with the object end marker
          yield properties(new EcmaArray(), depth);
        }
        case STRICT_ARRAY -> {
          long n = u32();
          if (n > b.length - pos) {
            throw new RtmpException(
                "AMF0 strict array of " + n + " values in " + (b.length - pos) + " bytes");
          }
          List<Object> list = new ArrayList<>((int) n);
          for (long i = 0; i < n; i++) {
            list.add(value(depth + 1));
          }
          yield list;
        }
        case DATE -> new Date(Double.longBitsToDouble(s64()), (short) u16());
        default -> throw new RtmpException("AMF0 type marker " + marker + " not supported");
      };
    }

    private Map<String, Object> properties(Map<String, Object> into, int depth) {
      while (true) {
        int keyLength = u16();
        if (keyLength == 0) {
          need(1);
          if (b[pos] == OBJECT_END) {
            pos++;
            return into;
          }
        }
        String key = string(keyLength);
        into.put(key, value(depth + 1));
      }
    }

    private String string(long length) {
      need(length);
      String s = new String(b, pos, (int) length, StandardCharsets.UTF_8);
      pos += (int) length;
      return s;
    }

    private void need(long n) {
      if (n > b.length - pos) {
        throw new RtmpException(
            "AMF0 value cut short: " + n + " bytes needed, " + (b.length - pos) + " left");
      }
    }

    private int u8() {
      need(1);
      return b[pos++] & 0xff;
    }

    private int u16() {
      need(2);
      int v = (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
      pos += 2;
      return v;
    }

    private long u32() {
      need(4);
      long v =
          (b[pos] & 0xffL) << 24
              | (b[pos + 1] & 0xffL) << 16
              | (b[pos + 2] & 0xffL) << 8
              | b[pos + 3] & 0xffL;
      pos += 4;
      return v;
    }

    private long s64() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | b[pos + i] & 0xffL;
      }
      pos += 8;
      return v;
    }
  }
}
