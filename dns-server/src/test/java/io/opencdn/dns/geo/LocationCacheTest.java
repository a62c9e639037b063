package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.geo;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-/24 cache gives exactly what the chain gives, over the real embedded City database. */
class LocationCacheTest {

  static final ClientLocation DEFAULT =
      new ClientLocation(50.11, 8.68, "DE", "EU", null, 0, "default", null, null);

  /** City lookups through the real database, counted. */
  static final class CountingCity implements GeoLocator {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Optional<ClientLocation> locate(InetAddress address) {
      calls.incrementAndGet();
      return geo().lookup(address);
    }
  }

  static InetAddress v4(int a, int b, int c, int d) {
    return ip(a + "." + b + "." + c + "." + d);
  }

  @Test
  void everyAnswerEqualsTheUncachedChainIncludingTheLocatedAddressAndScope() {
    LocationChain chain =
        new LocationChain(CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), DEFAULT);
    LocationCache<String> cache = new LocationCache<>(chain);
    Random rnd = new Random(7);
    for (int i = 0; i < 3000; i++) {
      int a = rnd.nextInt(1, 224);
      int b = rnd.nextInt(256);
      int c = rnd.nextInt(256);
      // two addresses of one /24, the second usually answered from the cache
      for (InetAddress addr :
          List.of(v4(a, b, c, rnd.nextInt(256)), v4(a, b, c, rnd.nextInt(256)))) {
        assertThat(cache.locate(addr)).as("%s", addr).isEqualTo(chain.locate(addr));
      }
    }
    for (String s :
        List.of(
            "2001:4860:4860::8888",
            "2001:4860:4860::8844",
            "2a02:598::1",
            "2a02:598::2",
            "fd00::1")) {
      assertThat(cache.locate(ip(s))).as(s).isEqualTo(chain.locate(ip(s)));
    }
    assertThat(cache.size()).isPositive();
  }

  @Test
  void aSecondAddressOfACachedNetworkSkipsTheCityLookupButKeepsItsOwnAddress() {
    CountingCity city = new CountingCity();
    LocationCache<String> cache =
        new LocationCache<>(
            new LocationChain(CoverageZones.EMPTY, city, CountryCentroids.embedded(), null));
    ClientLocation first = cache.locate(ip("81.2.69.160")).orElseThrow();
    assertThat(first.prefixLength()).isLessThanOrEqualTo(24);
    // cached from the second miss of the network on (a one-off network is not cached)
    assertThat(cache.size()).isZero();
    cache.locate(ip("81.2.69.161"));
    assertThat(cache.size()).isEqualTo(1);
    ClientLocation second = cache.locate(ip("81.2.69.7")).orElseThrow();
    assertThat(city.calls.get()).isEqualTo(2);
    assertThat(second.address()).isEqualTo(ip("81.2.69.7"));
    assertThat(second.network()).isEqualTo(first.network());
    assertThat(second.prefixLength()).isEqualTo(first.prefixLength());
    assertThat(second).isEqualTo(geo().lookup(ip("81.2.69.7")).orElseThrow());
  }

  @Test
  void aWorkingSetOfHalfTheCapacityStaysCached() {
    // 120,000 random client /24s (what bench/dns.sh sends) in a cache of 262,144: after the
    // doorkeeper's second sighting every network is kept, bar the few whose bucket overflows
    AtomicInteger calls = new AtomicInteger();
    GeoLocator city =
        address -> {
          calls.incrementAndGet();
          byte[] a = address.getAddress();
          return Optional.of(
              new ClientLocation(
                  a[0] / 2.0, a[1] / 2.0, "DE", "EU", null, 24, "city", null, address));
        };
    LocationCache<String> cache =
        new LocationCache<>(
            new LocationChain(CoverageZones.EMPTY, city, CountryCentroids.embedded(), null));
    Random rnd = new Random(11);
    java.util.Set<Integer> nets = new java.util.LinkedHashSet<>();
    while (nets.size() < 120_000) {
      nets.add(rnd.nextInt(1 << 24));
    }
    int misses = 0;
    for (int pass = 0; pass < 8; pass++) {
      calls.set(0);
      for (int n : nets) {
        cache.locate(v4(n >>> 16, n >>> 8 & 0xff, n & 0xff, 1));
      }
      misses = calls.get();
    }
    // with 8-way buckets 1,312 of them (1.1%) missed in every pass, overflowing buckets evicting
    // their own networks in turn; 16-way buckets: about 200
    assertThat(misses).as("misses in the last pass").isLessThan(300);
  }

  @Test
  void aSlash24SplitIntoLongerGeoipNetworksIsCachedPartByPart() {
    // a /24 that the GeoLite2 City database splits into networks longer than /24
    Random rnd = new Random(11);
    InetAddress splitAt = null;
    for (int i = 0; i < 100_000 && splitAt == null; i++) {
      InetAddress a = v4(rnd.nextInt(1, 224), rnd.nextInt(256), rnd.nextInt(256), 0);
      ClientLocation l = geo().lookup(a).orElse(null);
      if (l != null && l.prefixLength() > 24 && l.prefixLength() < 32) {
        splitAt = a;
      }
    }
    assertThat(splitAt).as("a split /24 in the database").isNotNull();
    CountingCity city = new CountingCity();
    LocationChain chain =
        new LocationChain(CoverageZones.EMPTY, city, CountryCentroids.embedded(), DEFAULT);
    LocationCache<String> cache = new LocationCache<>(chain);
    byte[] net = splitAt.getAddress();
    for (int round = 0; round < 3; round++) {
      for (int last = 0; last < 256; last++) {
        InetAddress addr = v4(net[0] & 0xff, net[1] & 0xff, net[2] & 0xff, last);
        assertThat(cache.locate(addr)).as("%s", addr).isEqualTo(chain.locate(addr));
      }
    }
    // 3 x 256 lookups through the cache and as many straight through the chain (which counts too):
    // the cache's part answered most of its own
    assertThat(city.calls.get()).as("City lookups").isLessThan(768 + 768 / 2);
    assertThat(cache.slot(splitAt)).as("the part holding %s", splitAt).isNotNull();
    assertThat(cache.slot(splitAt).prefixLength()).isGreaterThan(24);
  }

  @Test
  void theDefaultLocationIsNotCached() {
    CountingCity city = new CountingCity();
    LocationCache<String> cache =
        new LocationCache<>(
            new LocationChain(CoverageZones.EMPTY, city, CountryCentroids.embedded(), DEFAULT));
    // private addresses: no City record, the default location with prefix /32 decides
    ClientLocation d = cache.locate(ip("10.9.9.1")).orElseThrow();
    assertThat(d.prefixLength()).isEqualTo(32);
    assertThat(cache.locate(ip("10.9.9.2")).orElseThrow().network()).isEqualTo("10.9.9.2/32");
    assertThat(cache.locate(ip("10.9.9.2")).orElseThrow().network()).isEqualTo("10.9.9.2/32");
    assertThat(city.calls.get()).isEqualTo(3);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aCoverageZoneInsideA24KeepsThatWholeNetworkUncached() {
    CoverageZones zones =
        new CoverageZones(List.of(CoverageZones.parseLine("81.2.69.128/25 group=eu-west")));
    LocationChain chain =
        new LocationChain(zones, geo()::lookup, CountryCentroids.embedded(), null);
    LocationCache<String> cache = new LocationCache<>(chain);
    // outside the /25 first (the City record decides, its network holds the whole /24), then inside
    ClientLocation outside = cache.locate(ip("81.2.69.7")).orElseThrow();
    assertThat(cache.locate(ip("81.2.69.7"))).isEqualTo(chain.locate(ip("81.2.69.7")));
    ClientLocation inside = cache.locate(ip("81.2.69.200")).orElseThrow();
    assertThat(outside.source()).isNotEqualTo(CoverageZones.SOURCE);
    assertThat(inside.source()).isEqualTo(CoverageZones.SOURCE);
    assertThat(inside.prefixLength()).isEqualTo(25);
    assertThat(cache.locate(ip("81.2.69.8"))).isEqualTo(chain.locate(ip("81.2.69.8")));
    assertThat(cache.size()).isZero();
  }

  @Test
  void aCoverageFileReloadInvalidatesTheCache(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("coverage.txt");
    Files.writeString(file, "10.0.0.0/8 group=a\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
    CoverageFile coverage = new CoverageFile(file.toString());
    LocationCache<String> cache =
        new LocationCache<>(
            new LocationChain(coverage, geo()::lookup, CountryCentroids.embedded(), null));
    for (int i = 0; i < 2; i++) {
      assertThat(cache.locate(ip("10.1.2.3")).orElseThrow().group()).isEqualTo("a");
      assertThat(cache.locate(ip("81.2.69.7")).orElseThrow().source())
          .isNotEqualTo(CoverageZones.SOURCE);
    }
    assertThat(cache.size()).isEqualTo(2);

    Files.writeString(file, "10.0.0.0/8 group=b\n81.2.0.0/16 group=c\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(2_000_000));
    assertThat(coverage.reloadIfChanged()).isTrue();
    assertThat(cache.locate(ip("10.1.2.3")).orElseThrow().group()).isEqualTo("b");
    ClientLocation moved = cache.locate(ip("81.2.69.7")).orElseThrow();
    assertThat(moved.group()).isEqualTo("c");
    assertThat(moved.prefixLength()).isEqualTo(16);
    assertThat(moved.network()).isEqualTo("81.2.0.0/16");
  }

  @Test
  void aNetworkKeepsTheCallersValueUntilTheCacheIsInvalidated() {
    LocationCache<String> cache =
        new LocationCache<>(
            new LocationChain(
                CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), null));
    for (int i = 0; i < 2; i++) {
      cache.locate(ip("81.2.69.7")); // cached from the second miss on
      cache.locate(ip("8.8.8.8"));
    }
    LocationCache.Slot<String> london = cache.slot(ip("81.2.69.200"));
    assertThat(london).as("the /24 of 81.2.69.7").isNotNull();
    assertThat(london.kept()).isNull();
    london.keep("decided for London");
    assertThat(cache.slot(ip("81.2.69.1")).kept()).isEqualTo("decided for London");

    String[] kept = new String[3];
    cache.warm(
        new int[] {81 << 16 | 2 << 8 | 69, 8 << 16 | 8 << 8 | 8, 1 << 16 | 2 << 8 | 3}, 3, kept);
    assertThat(kept).containsExactly("decided for London", null, null);

    cache.invalidate();
    assertThat(cache.slot(ip("81.2.69.1"))).isNull();
  }
}
