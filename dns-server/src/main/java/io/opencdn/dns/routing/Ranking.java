package io.opencdn.dns.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The candidates still in the running, best first, as they pass through a policy chain.
 *
 * @param candidates remaining candidates in preference order
 * @param panic true once a policy gave up filtering (too many edges down)
 * @param notes what each policy did, when the context asked for an explanation
 */
public record Ranking(List<Candidate> candidates, boolean panic, List<String> notes) {

  public Ranking {
    candidates = List.copyOf(candidates);
    notes = List.copyOf(notes);
  }

  /**
   * The next ranking: other candidates, the panic flag kept or raised, a note appended when
   * explaining.
   */
  public Ranking next(
      List<Candidate> next, boolean raisePanic, RouteContext ctx, Supplier<String> note) {
    List<String> n = notes;
    if (ctx.explain()) {
      n = new ArrayList<>(notes);
      n.add(note.get());
    }
    return new Ranking(next, panic || raisePanic, n);
  }

  /** Edge ids in order, for notes. */
  public static String ids(List<Candidate> cs) {
    return cs.stream().map(c -> c.edge().id()).toList().toString();
  }
}
