package io.opencdn.dns.routing;

import io.opencdn.dns.geo.ClientLocation;
import java.util.List;

/**
 * The outcome of a {@link PolicyChain} for one client: one ranking serves both address families, so
 * a dual-stack client gets the same edges over A and AAAA.
 *
 * @param client the client's location, or null
 * @param candidates every known edge with its measured distance and latency, in snapshot order
 * @param ranking the final order after all policies (before the family filter and top-k)
 * @param ipv4 the edges for an A answer: the first {@code count} ranked edges with an IPv4 address
 * @param ipv6 the edges for an AAAA answer
 * @param panic true when the health policy gave up filtering
 * @param notes one line per policy, when explaining
 */
public record Decision(
    ClientLocation client,
    List<Candidate> candidates,
    List<Candidate> ranking,
    List<Edge> ipv4,
    List<Edge> ipv6,
    boolean panic,
    List<String> notes) {

  public Decision {
    candidates = List.copyOf(candidates);
    ranking = List.copyOf(ranking);
    ipv4 = List.copyOf(ipv4);
    ipv6 = List.copyOf(ipv6);
    notes = List.copyOf(notes);
  }

  /** The same decision for another client object (an equal location of the same /24 or /48). */
  public Decision withClient(ClientLocation other) {
    return new Decision(other, candidates, ranking, ipv4, ipv6, panic, notes);
  }

  /** The edges for {@code family}. */
  public List<Edge> edges(Family family) {
    return family == Family.IPV4 ? ipv4 : ipv6;
  }

  /** As a {@link Selection} for {@code family}. */
  public Selection selection(Family family) {
    return new Selection(edges(family), panic);
  }
}
