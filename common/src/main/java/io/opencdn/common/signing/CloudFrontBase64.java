package io.opencdn.common.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * CloudFront's URL-safe base64: standard base64 (RFC 4648 section 4) with {@code +} written {@code
 * -}, {@code =} written {@code _} and {@code /} written {@code ~}. Decoding also accepts the
 * standard characters and percent-encoded ones ({@code %2B}, {@code %3D}, {@code %2F}), as signing
 * code that URL-encodes plain base64 produces them.
 */
public final class CloudFrontBase64 {

  private CloudFrontBase64() {}

  /** {@code bytes} in CloudFront's variant. */
  public static String encode(byte[] bytes) {
    return Base64.getEncoder()
        .encodeToString(bytes)
        .replace('+', '-')
        .replace('=', '_')
        .replace('/', '~');
  }

  /**
   * The bytes of {@code text}, at most {@code maxBytes} of them.
   *
   * @throws IllegalArgumentException naming what is wrong (too long, not base64)
   */
  public static byte[] decode(String text, int maxBytes) {
    if (text.length() > (maxBytes / 3 + 1) * 4 * 3) {
      throw new IllegalArgumentException("longer than " + maxBytes + " bytes");
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()) {
        int v = hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2));
        if (v < 0) {
          throw new IllegalArgumentException("a bad percent escape");
        }
        c = (char) v;
        i += 2;
      }
      b.append(c == '-' ? '+' : c == '_' ? '=' : c == '~' ? '/' : c);
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(b.toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64 (CloudFront's URL-safe variant)");
    }
    if (out.length > maxBytes) {
      throw new IllegalArgumentException("longer than " + maxBytes + " bytes");
    }
    return out;
  }

  private static int hex(char c) {
    int v = Character.digit(c, 16);
    return v < 0 ? -1000 : v;
  }
}
