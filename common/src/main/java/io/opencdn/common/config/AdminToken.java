package io.opencdn.common.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Bearer token that guards admin endpoints; compared in constant time. */
public final class AdminToken {

  private final byte[] token;

  private AdminToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The configured token, or a fresh random one when none is configured (then the caller logs it
   * once so the operator can use it). A configured token must be at least 16 characters.
   */
  public static AdminToken of(String configured) {
    if (configured == null || configured.isEmpty()) {
      return new AdminToken(random());
    }
    ConfigException.require(
        configured.length() >= 16,
        "token",
        "at least 16 characters",
        configured.length() + " characters");
    return new AdminToken(configured);
  }

  /** A random 32-hex-character token. */
  public static String random() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** True when {@code authorizationHeader} is {@code Bearer <token>}. */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  /** The token text, for printing at start-up. */
  public String value() {
    return new String(token, StandardCharsets.UTF_8);
  }
}
