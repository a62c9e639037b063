package io.opencdn.edge.cache;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** HTTP-date parsing and formatting (RFC 9110 section 5.6.7, IMF-fixdate). */
public final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
          .withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /** Recently parsed values: the hit path parses the same stored Date fields over and over. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Long> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int PARSED_MAX = 4096;

  /** Epoch millis of an HTTP-date, or -1 when absent or unparseable. */
  public static long parse(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    Long cached = PARSED.get(value);
    if (cached != null) {
      return cached;
    }
    long millis;
    try {
      millis =
          Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim())).toEpochMilli();
    } catch (DateTimeParseException e) {
      millis = -1;
    }
    if (PARSED.size() >= PARSED_MAX) {
      PARSED.clear();
    }
    PARSED.put(value, millis);
    return millis;
  }

  /** IMF-fixdate text of an instant. */
  public static String format(long epochMillis) {
    return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
  }
}
