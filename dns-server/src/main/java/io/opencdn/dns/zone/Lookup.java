package io.opencdn.dns.zone;

import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;

/**
 * Outcome of looking a name and type up in one zone ({@link ZoneData#lookup}), following RFC 1034
 * 4.3.2 step 3 and RFC 4592 (wildcards).
 */
public sealed interface Lookup {

  /** The node (or the wildcard that matched, expanded to the query name) has the type. */
  record Found(List<RRset> sets, boolean wildcard) implements Lookup {}

  /**
   * The node has a CNAME and the query asked for another type; the record is expanded for
   * wildcards.
   */
  record Cname(CNAMERecord cname, boolean wildcard) implements Lookup {}

  /** The name lies at or below a zone cut: refer to the child's name servers. */
  record Delegation(Name cut, RRset ns) implements Lookup {}

  /** The name exists (possibly as an empty non-terminal or through a wildcard) without the type. */
  record NoData(boolean wildcard) implements Lookup {}

  /** Neither the name nor a matching wildcard exists (RFC 4592 4.1). */
  record NxDomain() implements Lookup {}
}
