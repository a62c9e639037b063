package io.opencdn.edge.metrics;

/**
 * Text of the edge's log lines (the {@code access} and {@code admin} loggers): fields that come
 * from a client are escaped as nginx escapes them, so no request can forge a field or start a new
 * line.
 */
public final class LogText {

  private LogText() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * {@code s} with every byte that could end or forge a field written as {@code \xHH} (UTF-8 for
   * characters over 0xFF): control characters, space, {@code "}, {@code \}, and bytes from 0x7F on;
   * {@code -} for null. The same instance when nothing needs escaping (the common case).
   */
  public static String escape(String s) {
    if (s == null) {
      return "-";
    }
    int n = s.length();
    int i = 0;
    while (i < n && plain(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        b.append(c);
      } else if (c <= 0xFF) {
        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        for (byte x : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          b.append("\\x").append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
        }
      }
    }
    return b.toString();
  }

  private static boolean plain(char c) {
    return c > 0x20 && c < 0x7F && c != '"' && c != '\\';
  }
}
