package io.opencdn.common.log;

/**
 * JSON string escaping for log lines (RFC 8259 section 7) that keeps every line ASCII: {@code "}
 * and {@code \} are escaped, and every character below 0x20, DEL (0x7F) and every character from
 * 0x80 on is written as {@code \}{@code uXXXX}. So a client's input (URI, Host, headers) can
 * neither end the string nor start a new line, nor reach a terminal as a control or look-alike
 * character; a JSON reader gets the original text back.
 */
public final class JsonText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a JSON string (quoted), or {@code null} for null. */
  public static StringBuilder string(StringBuilder b, CharSequence s) {
    if (s == null) {
      return b.append("null");
    }
    b.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        if (c == '"' || c == '\\') {
          b.append('\\');
        }
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else {
        b.append("\\u")
            .append(HEX[c >> 12])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    return b.append('"');
  }

  /** Appends {@code "name":} (names are trusted constants, written as they are). */
  public static StringBuilder name(StringBuilder b, String name) {
    if (b.length() > 1) {
      b.append(',');
    }
    return b.append('"').append(name).append("\":");
  }
}
