package io.opencdn.edge.config;

import java.util.Locale;

/** Which peers an edge may fill from before it goes to the origin. */
public enum PeerScope {
  /** Only edges of the same region (keeps fills on short, cheap paths). */
  REGION,
  /** Any edge; same-region holders are tried first. */
  ANY,
  /** No peer fill: misses go to the origin (still one fill per key in the cluster). */
  OFF;

  /** Parses {@code region}, {@code any} or {@code off}; null for anything else. */
  public static PeerScope parse(String s) {
    if (s == null) {
      return null;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "region" -> REGION;
      case "any" -> ANY;
      case "off" -> OFF;
      default -> null;
    };
  }
}
