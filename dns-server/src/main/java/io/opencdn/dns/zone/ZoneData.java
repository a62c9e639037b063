package io.opencdn.dns.zone;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One authoritative zone as an immutable index, safe to read from any number of threads without
 * locks. Replaces dnsjava's {@code Zone} for lookups because that class takes a lock per lookup and
 * gets RFC 4592 wrong: it does not know empty non-terminals (answers them NXDOMAIN or from a
 * wildcard above) and synthesises from a wildcard above the closest encloser.
 *
 * <p>Lookup (RFC 1034 4.3.2 step 3, RFC 4592 3.3): walk down from the apex one label at a time; a
 * node with NS below the apex is a zone cut (referral, except for DS at the cut itself, which the
 * parent answers); the deepest existing node is the closest encloser; when the query name itself
 * does not exist, only {@code *.<closest encloser>} may synthesise the answer. Empty non-terminals
 * (names that exist only because a descendant has records) are nodes without RRsets: NODATA, never
 * NXDOMAIN, never a wildcard match.
 */
public final class ZoneData {

  private final Name origin;
  private final SOARecord soa;
  private final RRset apexNs;

  /** Every existing name (with records or an empty non-terminal) -> its RRsets by type. */
  private final Map<Name, Map<Integer, RRset>> nodes;

  /** Parent name -> the RRsets of {@code *.parent}. */
  private final Map<Name, Map<Integer, RRset>> wildcards;

  /**
   * Indexes {@code records}, which must all lie at or below {@code origin}.
   *
   * @throws IllegalArgumentException when the apex has no SOA or no NS record, or a record lies
   *     outside
   */
  public ZoneData(Name origin, List<Record> records) {
    this.origin = origin;
    Map<Name, Map<Integer, RRset>> byName = new HashMap<>();
    for (Record r : records) {
      if (!r.getName().subdomain(origin)) {
        throw new IllegalArgumentException(
            "record " + r.getName() + " lies outside the zone " + origin);
      }
      byName
          .computeIfAbsent(r.getName(), n -> new TreeMap<>())
          .computeIfAbsent(r.getRRsetType(), t -> new RRset())
          .addRR(r);
    }
    Map<Integer, RRset> apex = byName.get(origin);
    if (apex == null || apex.get(Type.SOA) == null) {
      throw new IllegalArgumentException("no SOA record at " + origin);
    }
    if (apex.get(Type.NS) == null) {
      throw new IllegalArgumentException("no NS record at " + origin);
    }
    this.soa = (SOARecord) apex.get(Type.SOA).first();
    this.apexNs = apex.get(Type.NS);
    Map<Name, Map<Integer, RRset>> all = new HashMap<>();
    Map<Name, Map<Integer, RRset>> wild = new HashMap<>();
    byName.forEach(
        (name, sets) -> {
          all.put(name, Collections.unmodifiableMap(sets));
          if (name.isWild() && !name.equals(origin)) {
            wild.put(new Name(name, 1), Collections.unmodifiableMap(sets));
          }
          // empty non-terminals: every ancestor down to the apex exists
          for (Name n = name; n.labels() > origin.labels(); ) {
            n = new Name(n, 1);
            all.putIfAbsent(n, Map.of());
          }
        });
    this.nodes = Map.copyOf(all);
    this.wildcards = Map.copyOf(wild);
  }

  public Name origin() {
    return origin;
  }

  public SOARecord soa() {
    return soa;
  }

  public RRset apexNs() {
    return apexNs;
  }

  /**
   * The RRset stored at exactly {@code name} (no wildcard, ignores zone cuts: used for glue), or
   * null.
   */
  public RRset find(Name name, int type) {
    Map<Integer, RRset> node = nodes.get(name);
    return node == null ? null : node.get(type);
  }

  /** Every name that exists in the zone: the owners of its records and the empty non-terminals. */
  public java.util.Set<Name> names() {
    return nodes.keySet();
  }

  /**
   * The types of the RRsets stored at exactly {@code name} (empty for an empty non-terminal), or
   * null when it does not exist.
   */
  public java.util.Set<Integer> types(Name name) {
    Map<Integer, RRset> node = nodes.get(name);
    return node == null ? null : node.keySet();
  }

  /** True when {@code name} exists in the zone, records or empty non-terminal. */
  public boolean exists(Name name) {
    return nodes.containsKey(name);
  }

  /**
   * Looks up {@code qname} (at or below the origin) and {@code type}; {@code Type.ANY} yields one
   * RRset (RFC 8482).
   */
  public Lookup lookup(Name qname, int type) {
    int originLabels = origin.labels();
    int labels = qname.labels();
    Name encloser = origin;
    for (int k = originLabels + 1; k <= labels; k++) {
      Name candidate = k == labels ? qname : new Name(qname, labels - k);
      Map<Integer, RRset> node = nodes.get(candidate);
      if (node == null) {
        Map<Integer, RRset> wild = wildcards.get(encloser);
        return wild == null ? new Lookup.NxDomain() : fromNode(qname, wild, type, true);
      }
      RRset ns = node.get(Type.NS);
      if (ns != null && !(k == labels && type == Type.DS)) {
        return new Lookup.Delegation(candidate, ns);
      }
      encloser = candidate;
    }
    return fromNode(qname, nodes.get(qname), type, false);
  }

  private static Lookup fromNode(Name qname, Map<Integer, RRset> node, int type, boolean wildcard) {
    if (type == Type.ANY) {
      // RFC 8482 4.1: one RRset of the node (the lowest type; TreeMap order), not the whole node
      for (RRset set : node.values()) {
        if (set.getType() != Type.RRSIG) {
          return new Lookup.Found(List.of(wildcard ? expand(set, qname) : set), wildcard);
        }
      }
      return new Lookup.NoData(wildcard);
    }
    RRset set = node.get(type);
    if (set != null) {
      return new Lookup.Found(List.of(wildcard ? expand(set, qname) : set), wildcard);
    }
    RRset cname = node.get(Type.CNAME);
    if (cname != null) {
      CNAMERecord c = (CNAMERecord) cname.first();
      return new Lookup.Cname(wildcard ? (CNAMERecord) c.withName(qname) : c, wildcard);
    }
    return new Lookup.NoData(wildcard);
  }

  /** The wildcard's records with the query name as owner (RFC 4592 2.1.1). */
  private static RRset expand(RRset set, Name qname) {
    RRset out = new RRset();
    List<Record> rrs = new ArrayList<>(set.rrs(false));
    for (Record r : rrs) {
      out.addRR(r.withName(qname));
    }
    return out;
  }
}
