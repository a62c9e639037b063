package io.opencdn.common.distribution;

/**
 * A behavior's path pattern with CloudFront's semantics: {@code *} matches zero or more characters
 * (slashes included), {@code ?} exactly one, everything else itself, case-sensitive, against the
 * whole path (without the query). {@code *} alone matches every path.
 *
 * @param text the pattern as written, at most 255 characters
 */
public record PathPattern(String text) {

  /** The pattern of the default behavior. */
  public static final String DEFAULT = "*";

  /**
   * True when {@code path} matches the whole pattern (iterative glob match, no backtracking
   * blow-up).
   */
  public boolean matches(String path) {
    String p = text;
    int pi = 0;
    int si = 0;
    int star = -1;
    int mark = 0;
    while (si < path.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == path.charAt(si))) {
        pi++;
        si++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /** True for the catch-all pattern {@code *}. */
  public boolean matchesEverything() {
    return text.chars().allMatch(c -> c == '*');
  }
}
