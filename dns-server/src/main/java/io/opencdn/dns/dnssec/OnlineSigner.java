package io.opencdn.dns.dnssec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.dns.answer.Answer;
import io.opencdn.dns.answer.ResponseSigner;
import io.opencdn.dns.config.DnssecConfig;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.zone.ZoneData;
import io.opencdn.dns.zone.ZoneSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Online signing of every answer of the signed zones ({@link ResponseSigner}): keys from a {@link
 * KeyManager} (handed over by {@link #update}), signatures from {@link Signatures} in the current
 * {@link Signatures.Window}, the full path's responses made over by {@link SignedMessage}.
 *
 * <p>The fast path's two kinds of work are cached per <em>epoch</em>, the pair (signature window,
 * key rings), which changes when the window moves on or a key changes state, so a cached response
 * never outlives its signatures' window or its keys: geo answers keep the RRSIG's bytes per answer
 * RRset (a few per edge set: {@link #signFast} copies them behind the answer records), and signed
 * zone answers are kept whole per question ({@link #cached}). Both are bounded.
 */
public final class OnlineSigner implements ResponseSigner {

  /** Signed zone responses kept ({@link #cached}). */
  static final int RESPONSES = 65_536;

  /** Geo answer RRSIGs kept (a power of two): distinct answer RRsets per epoch. */
  static final int FAST_SIGNATURES = 4_096;

  private final DnssecConfig config;
  private final Clock clock;
  private final Signatures signatures;
  private volatile List<ZoneKey> keys = List.of();
  private volatile State state;
  private final Cache<String, Kept> responses =
      Caffeine.newBuilder().maximumSize(RESPONSES).executor(Runnable::run).build();

  /** A kept signed response and the epoch it was signed in (another epoch's is a miss). */
  private record Kept(long epoch, byte[] response) {}

  /** {@code config.refresh()} in seconds, read per query. */
  private final long refreshSeconds;

  /** Kept geo answer RRSIGs, direct-mapped by hash: a colliding RRset replaces the older one. */
  private final FastEntry[] fastSignatures = new FastEntry[FAST_SIGNATURES];

  /**
   * The rings of one epoch: valid while the window index is the same and before {@code validUntil}.
   */
  private record State(
      long epoch,
      Signatures.Window window,
      Map<Name, KeyRing> rings,
      Instant validUntil,
      long validUntilMillis,
      long generation) {}

  private long generation;

  public OnlineSigner(DnssecConfig config, Clock clock, Signatures signatures) {
    this.config = config;
    this.clock = clock;
    this.signatures = signatures;
    this.refreshSeconds = config.refresh().getSeconds();
    this.state = build(clock.instant(), List.of(), 0);
  }

  /** Takes the keys of every signed zone (from {@link KeyManager#refresh}). */
  public synchronized void update(List<ZoneKey> next) {
    if (!sameKeys(next, keys)) {
      keys = List.copyOf(next);
      generation++;
      state = build(clock.instant(), keys, generation);
    }
  }

  private static boolean sameKeys(List<ZoneKey> a, List<ZoneKey> b) {
    return a.size() == b.size()
        && a.stream()
            .map(OnlineSigner::id)
            .toList()
            .equals(b.stream().map(OnlineSigner::id).toList());
  }

  private static String id(ZoneKey k) {
    return k.file()
        + k.role()
        + k.publish()
        + k.activate()
        + k.inactive()
        + k.delete()
        + k.syncPublish()
        + k.syncDelete();
  }

  /** The key rings now (also for {@code cdn dns keys}). */
  public Map<Name, KeyRing> rings() {
    return state().rings();
  }

  /** Signatures made and taken from the cache. */
  public Signatures signatures() {
    return signatures;
  }

  private State state() {
    State s = state;
    long millis = clock.millis(); // per query: no Instant, no Duration
    long index = Math.floorDiv(Math.floorDiv(millis, 1000), refreshSeconds);
    if (index == s.window().index() && millis < s.validUntilMillis()) {
      return s;
    }
    synchronized (this) {
      s = state;
      Instant now = clock.instant();
      index = Math.floorDiv(now.getEpochSecond(), refreshSeconds);
      if (index != s.window().index() || !now.isBefore(s.validUntil())) {
        s = build(now, keys, generation);
        state = s;
      }
      return s;
    }
  }

  private State build(Instant now, List<ZoneKey> all, long gen) {
    Map<Name, List<ZoneKey>> byZone = new HashMap<>();
    all.forEach(k -> byZone.computeIfAbsent(k.zone(), z -> new java.util.ArrayList<>()).add(k));
    Map<Name, KeyRing> rings = new HashMap<>();
    Instant until = Instant.MAX;
    for (var e : byZone.entrySet()) {
      KeyRing ring = new KeyRing(e.getKey(), e.getValue(), now, config.dnskeyTtl());
      rings.put(e.getKey(), ring);
      until = ring.validUntil().isBefore(until) ? ring.validUntil() : until;
    }
    Signatures.Window window = Signatures.Window.at(now, config.refresh(), config.validity());
    long epoch = window.index() * 1_000_003L + gen * 7919L + until.getEpochSecond();
    long untilMillis =
        until.isBefore(Instant.ofEpochMilli(Long.MAX_VALUE))
            ? until.toEpochMilli()
            : Long.MAX_VALUE;
    return new State(epoch, window, Map.copyOf(rings), until, untilMillis, gen);
  }

  @Override
  public Answer sign(Request request, Answer answer, ZoneSet zones, Set<Name> routed) {
    int rcode = answer.rcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return answer;
    }
    Name qname = request.name();
    ZoneData zone = zones.zoneFor(qname);
    State s = state();
    KeyRing ring = zone == null ? null : s.rings().get(zone.origin());
    if (ring == null || !ring.signing()) {
      return answer;
    }
    Message m = answer.message();
    int qtype = request.type();
    boolean keys = false;
    if (qname.equals(zone.origin())
        && (qtype == Type.DNSKEY || qtype == Type.CDS || qtype == Type.CDNSKEY)
        && m.getSection(Section.ANSWER).isEmpty()) {
      RRset set =
          qtype == Type.DNSKEY ? ring.dnskeys() : qtype == Type.CDS ? ring.cds() : ring.cdnskey();
      if (set != null) {
        m.removeAllRecords(Section.AUTHORITY);
        set.rrs(false).forEach(r -> m.addRecord(r, Section.ANSWER));
        keys = true;
      }
    }
    if (!request.dnssecOk()) {
      return keys ? new Answer(m, rcode, answer.scope(), answer.edges(), false) : answer;
    }
    int signed =
        new SignedMessage(m, zones, routed, s.rings(), signatures, s.window()).sign(qname, rcode);
    return new Answer(m, signed, answer.scope(), answer.edges(), false);
  }

  @Override
  public byte[] cached(FastQuery q, boolean udp) {
    if (q.hasEcsOption()) {
      return null;
    }
    Kept kept = responses.getIfPresent(responseKey(q));
    if (kept == null || kept.epoch() != state().epoch()) {
      return null;
    }
    byte[] template = kept.response();
    if (udp && template.length > q.udpLimit()) {
      return null;
    }
    byte[] out = template.clone();
    byte[] in = q.wire();
    out[0] = in[0];
    out[1] = in[1];
    System.arraycopy(in, 12, out, 12, q.nameEnd() - 12);
    return out;
  }

  @Override
  public void keep(FastQuery q, int rcode, byte[] response) {
    if (!q.hasEcsOption()
        && (response[2] & 0x02) == 0
        && (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || rcode == Rcode.REFUSED)) {
      responses.put(responseKey(q), new Kept(state().epoch(), response));
    }
  }

  private static String responseKey(FastQuery q) {
    byte[] in = q.wire();
    return q.nameKey() + (char) q.type() + (char) ((in[2] & 0x01) | (in[3] & 0x10)) + q.ednsShape();
  }

  @Override
  public byte[] signFast(FastQuery q, byte[] wire, boolean udp) {
    State s = state();
    int answers = u16(wire, 6);
    int start = q.nameEnd() + 4;
    int p = start;
    for (int i = 0; i < answers; i++) {
      if ((wire[p] & 0xC0) != 0xC0) {
        return null; // FastResponse compresses every owner to the question
      }
      p += 2 + 8;
      p += 2 + u16(wire, p);
    }
    String name = q.nameKey();
    int hash = (Long.hashCode(s.epoch()) * 31 + name.hashCode()) * 31 + hash(wire, start, p);
    int slot = hash & (FAST_SIGNATURES - 1);
    FastEntry e = fastSignatures[slot];
    byte[] rrsig;
    if (e != null
        && e.hash == hash
        && e.epoch == s.epoch()
        && e.name.equals(name)
        && Arrays.equals(e.records, 0, e.records.length, wire, start, p)) {
      rrsig = e.rrsig;
    } else {
      rrsig = rrsigBytes(q, wire, start, answers, s);
      if (rrsig == null) {
        return null;
      }
      fastSignatures[slot] =
          new FastEntry(hash, s.epoch(), name, Arrays.copyOfRange(wire, start, p), rrsig);
    }
    byte[] out = new byte[wire.length + 2 + rrsig.length];
    System.arraycopy(wire, 0, out, 0, p);
    out[p] = (byte) 0xC0;
    out[p + 1] = 12;
    System.arraycopy(rrsig, 0, out, p + 2, rrsig.length);
    System.arraycopy(wire, p, out, p + 2 + rrsig.length, wire.length - p);
    int count = answers + 1;
    out[6] = (byte) (count >>> 8);
    out[7] = (byte) count;
    return udp && out.length > q.udpLimit() ? null : out;
  }

  /**
   * The RRSIG of the answer RRset in {@code wire}, as written after its owner; null for an unsigned
   * zone.
   */
  private byte[] rrsigBytes(FastQuery q, byte[] wire, int start, int answers, State s) {
    Name owner;
    try {
      DNSInput in = new DNSInput(wire);
      in.jump(12);
      owner = new Name(in);
    } catch (IOException e) {
      return null;
    }
    KeyRing ring = null;
    for (Name n = owner; ring == null && n.labels() > 1; n = new Name(n, 1)) {
      ring = s.rings().get(n);
    }
    if (ring == null || !ring.signing() || answers == 0) {
      return null;
    }
    RRset set = new RRset();
    int p = start;
    for (int i = 0; i < answers; i++) {
      int type = u16(wire, p + 2);
      long ttl = (long) u16(wire, p + 6) << 16 | u16(wire, p + 8);
      int len = u16(wire, p + 10);
      set.addRR(
          Record.newRecord(
              owner, type, DClass.IN, ttl, Arrays.copyOfRange(wire, p + 12, p + 12 + len)));
      p += 12 + len;
    }
    RRSIGRecord sig = signatures.sign(set, ring.dataSigner(), s.window());
    byte[] full = sig.toWire(Section.ANSWER);
    int ownerLength = sig.getName().length();
    return Arrays.copyOfRange(full, ownerLength, full.length);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }

  /**
   * A kept RRSIG (bytes after the owner) of one answer RRset in one epoch; immutable, so a racy
   * read sees it whole.
   */
  private record FastEntry(int hash, long epoch, String name, byte[] records, byte[] rrsig) {}
}
