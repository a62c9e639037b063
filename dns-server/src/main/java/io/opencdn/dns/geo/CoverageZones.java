package io.opencdn.dns.geo;

import io.opencdn.common.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Operator coverage zones: networks the operator knows better than any GeoIP database, each mapped
 * to an edge group or to coordinates. Immutable; lookups pick the longest matching prefix (IPv4 and
 * IPv6 kept apart) in at most one hash probe per distinct prefix length.
 *
 * <p>File format, one zone per line, {@code #} starts a comment:
 *
 * <pre>
 * # network          target
 * 10.1.0.0/16        group=eu-west
 * 10.2.0.0/16        51.51,-0.13  country=GB continent=EU
 * 2001:db8:1::/48    group=us-east country=US
 * </pre>
 *
 * A zone names a {@code group} (an edge region), coordinates ({@code lat,lon}), or both; {@code
 * country} and {@code continent} are optional and feed the geo-fence policy.
 */
public final class CoverageZones implements GeoLocator, Coverage {

  /** Source name of locations found here. */
  public static final String SOURCE = "coverage";

  /** The empty table. */
  public static final CoverageZones EMPTY = new CoverageZones(List.of());

  /** This table: a fixed table is its own coverage. */
  @Override
  public CoverageZones current() {
    return this;
  }

  /**
   * One zone.
   *
   * @param network the network
   * @param group edge group, or null
   * @param latitude degrees or NaN
   * @param longitude degrees or NaN
   * @param country ISO code or null
   * @param continent continent code or null
   */
  public record Zone(
      Cidr network,
      String group,
      double latitude,
      double longitude,
      String country,
      String continent) {}

  private final List<Zone> zones;
  private final Map<Integer, Map<Cidr, Zone>> v4 = new HashMap<>();
  private final Map<Integer, Map<Cidr, Zone>> v6 = new HashMap<>();
  private final int[] v4Lengths;
  private final int[] v6Lengths;

  /** Zones by network address (unsigned), then prefix length: for {@link #scope}. */
  private final Zone[] v4Sorted;

  private final Zone[] v6Sorted;

  public CoverageZones(List<Zone> zones) {
    this.zones = List.copyOf(zones);
    TreeSet<Integer> l4 = new TreeSet<>(java.util.Comparator.reverseOrder());
    TreeSet<Integer> l6 = new TreeSet<>(java.util.Comparator.reverseOrder());
    for (Zone z : zones) {
      boolean four = z.network().bytes().length == 4;
      (four ? v4 : v6)
          .computeIfAbsent(z.network().prefix(), k -> new HashMap<>())
          .put(z.network(), z);
      (four ? l4 : l6).add(z.network().prefix());
    }
    v4Lengths = l4.stream().mapToInt(Integer::intValue).toArray();
    v6Lengths = l6.stream().mapToInt(Integer::intValue).toArray();
    java.util.Comparator<Zone> order =
        (a, b) -> {
          int c = java.util.Arrays.compareUnsigned(a.network().bytes(), b.network().bytes());
          return c != 0 ? c : Integer.compare(a.network().prefix(), b.network().prefix());
        };
    v4Sorted =
        zones.stream()
            .filter(z -> z.network().bytes().length == 4)
            .sorted(order)
            .toArray(Zone[]::new);
    v6Sorted =
        zones.stream()
            .filter(z -> z.network().bytes().length == 16)
            .sorted(order)
            .toArray(Zone[]::new);
  }

  /**
   * How long an answer's ECS scope must be when it was decided for {@code address} by a network of
   * {@code prefix} bits (a GeoIP network, or a zone here): {@code prefix} itself, unless zones lie
   * inside that network without holding the address. Their addresses are answered otherwise, so the
   * scope must not cover them (RFC 7871 7.2.1): then it is the widest network around the address
   * that holds none of them, one bit past where the address and the nearest such zone part.
   */
  public int scope(InetAddress address, int prefix) {
    Narrowing n = narrowing(address, prefix);
    return n == null ? prefix : n.scope();
  }

  /** A scope made longer than the deciding prefix, and a zone that made it so. */
  record Narrowing(int scope, Zone zone) {}

  /** {@link #scope} with the zone that set it; null when the deciding prefix stands. */
  Narrowing narrowing(InetAddress address, int prefix) {
    byte[] a = address.getAddress();
    Zone[] sorted = a.length == 4 ? v4Sorted : v6Sorted;
    // the zones sharing the longest leading bits with the address are its neighbours in address
    // order: the first zone after it, and the last one before it that does not hold it (those
    // that hold it, at most one per prefix length, come between)
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (java.util.Arrays.compareUnsigned(sorted[mid].network().bytes(), a) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int best = prefix;
    Zone cause = null;
    if (lo < sorted.length) {
      int s = commonBits(a, sorted[lo].network().bytes()) + 1;
      if (s > best) {
        best = s;
        cause = sorted[lo];
      }
    }
    for (int i = lo - 1; i >= 0; i--) {
      if (!sorted[i].network().contains(address)) {
        int s = commonBits(a, sorted[i].network().bytes()) + 1;
        if (s > best) {
          best = s;
          cause = sorted[i];
        }
        break;
      }
    }
    return cause == null ? null : new Narrowing(best, cause);
  }

  private static int commonBits(byte[] a, byte[] b) {
    for (int i = 0; i < a.length; i++) {
      int x = (a[i] ^ b[i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return a.length * 8;
  }

  /** All zones, in file order. */
  public List<Zone> zones() {
    return zones;
  }

  /** The zone with the longest prefix containing {@code address}. */
  public Optional<Zone> match(InetAddress address) {
    boolean four = address.getAddress().length == 4;
    Map<Integer, Map<Cidr, Zone>> byLength = four ? v4 : v6;
    for (int len : four ? v4Lengths : v6Lengths) {
      Zone z = byLength.get(len).get(Cidr.of(address, len));
      if (z != null) {
        return Optional.of(z);
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    return match(address)
        .map(
            z ->
                new ClientLocation(
                    z.latitude(),
                    z.longitude(),
                    z.country(),
                    z.continent(),
                    z.group(),
                    z.network().prefix(),
                    SOURCE,
                    z.network().toString(),
                    address));
  }

  /** Parses a coverage file; {@code source} names it in errors ({@code source:line N: ...}). */
  public static CoverageZones parse(InputStream in, String source) {
    List<Zone> out = new ArrayList<>();
    Map<Cidr, Integer> seen = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (text.isEmpty()) {
          continue;
        }
        try {
          Zone z = parseLine(text);
          Integer before = seen.put(z.network(), n);
          if (before != null) {
            throw new IllegalArgumentException(
                z.network() + " is already listed on line " + before);
          }
          out.add(z);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(source + ":line " + n + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
    return new CoverageZones(out);
  }

  static Zone parseLine(String text) {
    String[] tokens = text.split("\\s+");
    Cidr network = Cidr.parse(tokens[0]);
    String group = null;
    String country = null;
    String continent = null;
    double lat = Double.NaN;
    double lon = Double.NaN;
    for (int i = 1; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.startsWith("group=")) {
        group = t.substring(6);
      } else if (t.startsWith("country=")) {
        country = code(t.substring(8), "country");
      } else if (t.startsWith("continent=")) {
        continent = code(t.substring(10), "continent");
      } else if (t.matches("-?[0-9.]+,-?[0-9.]+")) {
        String[] c = t.split(",");
        lat = Double.parseDouble(c[0]);
        lon = Double.parseDouble(c[1]);
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
          throw new IllegalArgumentException(
              "coordinates '" + t + "' are not latitude -90..90, longitude -180..180");
        }
      } else {
        throw new IllegalArgumentException(
            "expected group=NAME, LAT,LON, country=CC or continent=CC, got '" + t + "'");
      }
    }
    if ((group == null || group.isEmpty()) && Double.isNaN(lat)) {
      throw new IllegalArgumentException(network + " needs group=NAME or LAT,LON");
    }
    return new Zone(
        network, group == null || group.isEmpty() ? null : group, lat, lon, country, continent);
  }

  private static String code(String value, String what) {
    if (!value.matches("[A-Za-z]{2}")) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a two-letter code");
    }
    return value.toUpperCase(Locale.ROOT);
  }
}
