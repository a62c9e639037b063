package io.opencdn.common.log;

/**
 * A reusable buffer one log line is formatted into as ASCII bytes, with JSON string escaping
 * ({@link #json}: as {@link JsonText} escapes), so a line goes to an {@link AsyncLineWriter}
 * without a {@code String} or a character copy. Not thread-safe: one per thread (e.g. in a {@code
 * ThreadLocal}); {@link #reset()} before each line. Grows as needed.
 */
public final class AsciiLine {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private byte[] b = new byte[1024];
  private int n;

  /** Empties the line. */
  public AsciiLine reset() {
    n = 0;
    return this;
  }

  /** The bytes of the line: {@code [0, length())}. */
  public byte[] bytes() {
    return b;
  }

  /** The number of bytes in the line. */
  public int length() {
    return n;
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }

  /** Appends bytes as they are (trusted ASCII, e.g. a pre-encoded field name). */
  public AsciiLine raw(byte[] ascii) {
    room(ascii.length);
    System.arraycopy(ascii, 0, b, n, ascii.length);
    n += ascii.length;
    return this;
  }

  /** Appends trusted ASCII text as it is (characters above 0x7F become {@code ?}). */
  public AsciiLine raw(CharSequence ascii) {
    int len = ascii.length();
    room(len);
    for (int i = 0; i < len; i++) {
      char c = ascii.charAt(i);
      b[n++] = c < 0x80 ? (byte) c : (byte) '?';
    }
    return this;
  }

  /** Appends one ASCII character. */
  public AsciiLine ch(char c) {
    room(1);
    b[n++] = (byte) c;
    return this;
  }

  /** Appends a decimal number. */
  public AsciiLine num(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return raw(Long.toString(v));
      }
      ch('-');
      v = -v;
    }
    room(20);
    int start = n;
    do {
      b[n++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (int i = start, j = n - 1; i < j; i++, j--) {
      byte t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    return this;
  }

  /**
   * Appends {@code v} with {@code digits} decimals ({@code v} in units of 10^-digits), e.g. 1234
   * with 3 -> 1.234.
   */
  public AsciiLine fixed(long v, int digits) {
    long scale = 1;
    for (int i = 0; i < digits; i++) {
      scale *= 10;
    }
    num(v / scale).ch('.');
    long frac = Math.abs(v % scale);
    for (long s = scale / 10; s > 0; s /= 10) {
      ch((char) ('0' + frac / s % 10));
    }
    return this;
  }

  /** Appends {@code null}. */
  public AsciiLine nul() {
    return raw(NULL);
  }

  /**
   * Appends {@code s} as a quoted JSON string escaped as {@link JsonText#string} escapes it, or
   * {@code null}.
   */
  public AsciiLine json(CharSequence s) {
    if (s == null) {
      return nul();
    }
    ch('"');
    escaped(s);
    return ch('"');
  }

  /** Appends {@code first + second} as one quoted JSON string (no concatenated copy is made). */
  public AsciiLine json(CharSequence first, CharSequence second) {
    ch('"');
    escaped(first);
    escaped(second);
    return ch('"');
  }

  private void escaped(CharSequence s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        if (n == b.length) {
          room(len - i);
        }
        b[n++] = (byte) c;
      } else {
        room(6 + len - i);
        b[n++] = '\\';
        switch (c) {
          case '"' -> b[n++] = '"';
          case '\\' -> b[n++] = '\\';
          case '\n' -> b[n++] = 'n';
          case '\r' -> b[n++] = 'r';
          case '\t' -> b[n++] = 't';
          default -> {
            b[n++] = 'u';
            b[n++] = HEX[c >> 12];
            b[n++] = HEX[(c >> 8) & 0xF];
            b[n++] = HEX[(c >> 4) & 0xF];
            b[n++] = HEX[c & 0xF];
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
