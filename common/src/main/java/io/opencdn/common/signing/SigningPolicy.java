package io.opencdn.common.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.Set;

/**
 * The one statement of a CloudFront policy: which URLs it grants ({@code Resource}, with {@code *}
 * for any run of characters and {@code ?} for one, case-sensitive, against the whole URL {@code
 * scheme://host/path?query}), until when ({@code DateLessThan}), from when ({@code
 * DateGreaterThan}) and to which client addresses ({@code IpAddress}). A canned policy has only
 * resource and end; its text is rebuilt here exactly as CloudFront and the AWS SDKs write it
 * ({@link #cannedText}), since the signed URL does not carry it.
 *
 * @param resource the URL pattern ({@code *} when the custom policy leaves it out)
 * @param dateLessThan access ends at this epoch second
 * @param dateGreaterThan access starts at this epoch second, or {@code Long.MIN_VALUE}
 * @param sourceIp the client addresses allowed, or null for any
 */
public record SigningPolicy(
    String resource, long dateLessThan, long dateGreaterThan, IpRange sourceIp) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> STATEMENT = Set.of("Resource", "Condition");
  private static final Set<String> CONDITION =
      Set.of("DateLessThan", "DateGreaterThan", "IpAddress");

  /**
   * The canned policy CloudFront verifies a signed URL or cookie with {@code Expires} against: the
   * resource is the viewer's URL without the signing parameters.
   */
  public static String cannedText(String url, long expires) {
    return "{\"Statement\":[{\"Resource\":\""
        + url
        + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
        + expires
        + "}}}]}";
  }

  /**
   * Reads a custom policy's JSON.
   *
   * @throws IllegalArgumentException naming what is wrong: not JSON, not one statement, a missing
   *     {@code DateLessThan}, a key CloudFront does not define, a bad date or address range
   */
  public static SigningPolicy parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("the policy is not JSON");
    }
    if (root == null || !root.isObject() || root.size() != 1 || !root.has("Statement")) {
      throw new IllegalArgumentException("the policy is not {\"Statement\": [...]}");
    }
    JsonNode list = root.get("Statement");
    if (!list.isArray() || list.size() != 1 || !list.get(0).isObject()) {
      throw new IllegalArgumentException("the policy does not have exactly one statement");
    }
    JsonNode st = list.get(0);
    known(st, STATEMENT, "statement");
    JsonNode res = st.get("Resource");
    if (res != null && !res.isTextual()) {
      throw new IllegalArgumentException("the policy's Resource is not a text");
    }
    JsonNode cond = st.get("Condition");
    if (cond == null || !cond.isObject()) {
      throw new IllegalArgumentException("the policy has no Condition");
    }
    known(cond, CONDITION, "condition");
    if (cond.get("DateLessThan") == null) {
      throw new IllegalArgumentException("the policy has no DateLessThan");
    }
    long end = epoch(cond.get("DateLessThan"), "DateLessThan");
    long start =
        cond.has("DateGreaterThan")
            ? epoch(cond.get("DateGreaterThan"), "DateGreaterThan")
            : Long.MIN_VALUE;
    IpRange ip = null;
    if (cond.has("IpAddress")) {
      JsonNode a = cond.get("IpAddress");
      known(a, Set.of("AWS:SourceIp"), "IpAddress");
      if (!a.path("AWS:SourceIp").isTextual()) {
        throw new IllegalArgumentException("the policy's IpAddress has no AWS:SourceIp text");
      }
      try {
        ip = IpRange.parse(a.get("AWS:SourceIp").asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the policy's AWS:SourceIp is " + e.getMessage());
      }
    }
    return new SigningPolicy(res == null ? "*" : res.asText(), end, start, ip);
  }

  private static void known(JsonNode n, Set<String> names, String what) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("the policy's " + what + " is not an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!names.contains(f)) {
        throw new IllegalArgumentException(
            "the policy's " + what + " has '" + f + "', which CloudFront does not define");
      }
    }
  }

  private static long epoch(JsonNode n, String name) {
    JsonNode t = n.isObject() && n.size() == 1 ? n.get("AWS:EpochTime") : null;
    if (t == null || !t.canConvertToExactIntegral() || !t.canConvertToLong()) {
      throw new IllegalArgumentException(
          "the policy's " + name + " is not {\"AWS:EpochTime\": <whole seconds>}");
    }
    return t.asLong();
  }

  /**
   * Why {@code url} from {@code client} at {@code now} (epoch seconds) is not granted, or null when
   * it is.
   */
  public String refusal(String url, InetAddress client, long now) {
    if (!matches(resource, url)) {
      return "the policy's Resource '" + resource + "' does not match " + url;
    }
    if (now >= dateLessThan) {
      return "expired: the policy ends at " + dateLessThan + " (epoch seconds), now " + now;
    }
    if (now < dateGreaterThan) {
      return "not yet valid: the policy starts at " + dateGreaterThan + ", now " + now;
    }
    if (sourceIp != null && (client == null || !sourceIp.contains(client))) {
      return "the client address is not in the policy's IpAddress range";
    }
    return null;
  }

  /** Whole-text glob match: {@code *} any run (possibly empty), {@code ?} one character. */
  static boolean matches(String pattern, String text) {
    int pi = 0;
    int si = 0;
    int star = -1;
    int mark = 0;
    while (si < text.length()) {
      if (pi < pattern.length()
          && (pattern.charAt(pi) == '?' || pattern.charAt(pi) == text.charAt(si))) {
        pi++;
        si++;
      } else if (pi < pattern.length() && pattern.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < pattern.length() && pattern.charAt(pi) == '*') {
      pi++;
    }
    return pi == pattern.length();
  }
}
