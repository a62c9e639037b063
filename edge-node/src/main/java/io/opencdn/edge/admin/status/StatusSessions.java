package io.opencdn.edge.admin.status;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status page's one-time login links and the browser sessions they open. A holder of the admin
 * token asks for a link ({@code POST /_cdn/status/links}); opening it once trades its code for a
 * session cookie, so the token itself never appears in a URL, a page or a browser history. Codes
 * and session ids are 128 random bits (hex), kept in this edge's memory only: a link works on the
 * edge that issued it, and a restart ends every session. Thread-safe.
 */
public final class StatusSessions {

  /** How long a login link can be used (once). */
  public static final long CODE_MILLIS = 24 * 3600_000L;

  /** How long a session lasts after the link was opened. */
  public static final long SESSION_MILLIS = 12 * 3600_000L;

  private static final int MAX_CODES = 1000;
  private static final int MAX_SESSIONS = 1000;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Map<String, Long> codes = new LinkedHashMap<>();
  private final Map<String, Long> sessions = new LinkedHashMap<>();

  public StatusSessions(Clock clock) {
    this.clock = clock;
  }

  /** A new one-time login code, valid for {@link #CODE_MILLIS}. */
  public synchronized String issue() {
    String code = randomHex();
    put(codes, code, clock.millis() + CODE_MILLIS, MAX_CODES);
    return code;
  }

  /**
   * Trades {@code code} for a new session id, or null when the code is unknown, used or expired.
   */
  public synchronized String redeem(String code) {
    Long until = code == null ? null : codes.remove(code);
    if (until == null || until < clock.millis()) {
      return null;
    }
    String session = randomHex();
    put(sessions, session, clock.millis() + SESSION_MILLIS, MAX_SESSIONS);
    return session;
  }

  /** True when {@code session} is a live session id. */
  public synchronized boolean valid(String session) {
    Long until = session == null ? null : sessions.get(session);
    if (until == null) {
      return false;
    }
    if (until < clock.millis()) {
      sessions.remove(session);
      return false;
    }
    return true;
  }

  private void put(Map<String, Long> map, String key, long until, int max) {
    long now = clock.millis();
    map.values().removeIf(t -> t < now);
    Iterator<String> oldest = map.keySet().iterator();
    while (map.size() >= max && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
    map.put(key, until);
  }

  private String randomHex() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
