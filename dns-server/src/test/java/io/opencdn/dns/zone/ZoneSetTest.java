package io.opencdn.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class ZoneSetTest {

  @TempDir Path dir;

  private static Name n(String s) throws Exception {
    return Name.fromString(s);
  }

  @Test
  void loadsTheDemoZoneFromTheClasspath() throws Exception {
    ZoneData z = ZoneSet.load(n("cdn.test."), "classpath:demo/cdn.test.zone");
    assertThat(z.soa().getMinimum()).isEqualTo(60);
    assertThat(z.find(n("ns1.cdn.test."), Type.A)).isNotNull();
    assertThat(z.find(n("static.cdn.test."), Type.CNAME)).isNotNull();
    assertThat(z.find(n("cdn.test."), Type.TXT)).isNotNull();
  }

  @Test
  void findsTheDeepestEnclosingZone() throws Exception {
    Path parent = dir.resolve("p.zone");
    Path child = dir.resolve("c.zone");
    Files.writeString(
        parent, "@ 300 IN SOA ns hm 1 2 3 4 5\n@ 300 IN NS ns\nns 300 IN A 127.0.0.1\n");
    Files.writeString(
        child, "@ 300 IN SOA ns hm 1 2 3 4 5\n@ 300 IN NS ns\nns 300 IN A 127.0.0.2\n");
    ZoneSet set =
        new ZoneSet(
            List.of(
                ZoneSet.load(n("test."), parent.toString()),
                ZoneSet.load(n("sub.test."), child.toString())));
    assertThat(set.zoneFor(n("a.b.sub.test.")).origin()).isEqualTo(n("sub.test."));
    assertThat(set.zoneFor(n("other.test.")).origin()).isEqualTo(n("test."));
    assertThat(set.zoneFor(n("SUB.TEST.")).origin()).isEqualTo(n("sub.test."));
    assertThat(set.zoneFor(n("example.org."))).isNull();
  }

  @Test
  void invalidZonesNameTheFile() throws Exception {
    Path noSoa = dir.resolve("nosoa.zone");
    Files.writeString(noSoa, "@ 300 IN NS ns\nns 300 IN A 127.0.0.1\n");
    assertThatThrownBy(() -> ZoneSet.load(n("test."), noSoa.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(noSoa + ": invalid zone test.");
    Path outside = dir.resolve("outside.zone");
    Files.writeString(
        outside,
        "@ 300 IN SOA ns hm 1 2 3 4 5\n@ 300 IN NS ns\nwww.example.org. 300 IN A 127.0.0.1\n");
    assertThatThrownBy(() -> ZoneSet.load(n("test."), outside.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(outside + ": record www.example.org. lies outside the zone test.");
  }
}
