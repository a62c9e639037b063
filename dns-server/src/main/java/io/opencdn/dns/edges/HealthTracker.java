package io.opencdn.dns.edges;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns probe results into a health flag per edge with hysteresis: an edge goes down after {@code
 * fall} consecutive failures and comes back after {@code rise} consecutive successes (the HAProxy
 * convention). A newly seen edge starts healthy. Not thread-safe: one owner.
 */
public final class HealthTracker {

  private final int fall;
  private final int rise;
  private final Map<String, State> states = new HashMap<>();

  public HealthTracker(int fall, int rise) {
    this.fall = fall;
    this.rise = rise;
  }

  private static final class State {
    boolean healthy = true;
    int failures;
    int successes;
  }

  /** Records one probe result; returns true when the edge's health flag changed. */
  public boolean record(String id, boolean passed) {
    State s = states.computeIfAbsent(id, k -> new State());
    if (passed) {
      s.failures = 0;
      s.successes++;
      if (!s.healthy && s.successes >= rise) {
        s.healthy = true;
        return true;
      }
    } else {
      s.successes = 0;
      s.failures++;
      if (s.healthy && s.failures >= fall) {
        s.healthy = false;
        return true;
      }
    }
    return false;
  }

  /** Current flag; true for an edge never probed. */
  public boolean healthy(String id) {
    State s = states.get(id);
    return s == null || s.healthy;
  }

  /** Forgets edges not in {@code known}, so an edge that comes back starts healthy again. */
  public void retain(Set<String> known) {
    states.keySet().retainAll(known);
  }
}
