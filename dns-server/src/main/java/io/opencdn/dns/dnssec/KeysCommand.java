package io.opencdn.dns.dnssec;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.DnssecConfig;
import io.opencdn.dns.config.ZoneSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdn dns keys}: the DNSSEC keys of the configured zones, each with its role, algorithm,
 * state and times, and the DS records to give the parent zone (the KSKs that CDS names). With
 * {@code --create} it first makes the keys that are due, as a starting server would.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Prints the DNSSEC keys, their states and the DS records for the parent zone.")
public final class KeysCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "LOCATION",
      defaultValue = "classpath:demo/dns.yaml",
      description = "YAML config file or classpath:NAME (default: ${DEFAULT-VALUE})")
  String config;

  @Option(
      names = "--create",
      description = "make the keys that are due (first keys, successors) before printing")
  boolean create;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  public KeysCommand() {
    this(Clock.systemUTC());
  }

  KeysCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      DnsConfig cfg = ConfigLocation.load(config, DnsConfig.class);
      if (cfg.dnssec() == null) {
        err.println("dns keys: " + config + ": no 'dnssec' section: the zones are not signed");
        return 2;
      }
      DnssecConfig dc = cfg.dnssec();
      Path dir = Dnssec.keyDirectory(dc, config);
      List<Name> zones = cfg.zones().stream().map(ZoneSource::name).toList();
      KeyManager manager = new KeyManager(dir, dc, clock);
      List<ZoneKey> keys =
          create
              ? manager.refresh(zones)
              : KeyFiles.read(dir).stream().filter(k -> zones.contains(k.zone())).toList();
      print(out, dir, zones, keys, dc, clock.instant());
      out.flush();
      return 0;
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      err.println("dns keys: " + e.getMessage());
      return 2;
    }
  }

  static void print(
      PrintWriter out,
      Path dir,
      List<Name> zones,
      List<ZoneKey> keys,
      DnssecConfig dc,
      Instant now) {
    out.println("key directory " + dir);
    for (Name zone : zones) {
      List<ZoneKey> mine = keys.stream().filter(k -> k.zone().equals(zone)).toList();
      out.println();
      out.println("zone " + zone);
      if (mine.isEmpty()) {
        out.println("  no keys yet (a starting server makes them; or run with --create)");
        continue;
      }
      out.printf(
          "  %-5s %-5s %-16s %-10s %-20s %-20s %-20s %-20s%n",
          "tag", "role", "algorithm", "state", "publish", "activate", "inactive", "delete");
      for (ZoneKey k : mine) {
        out.printf(
            "  %-5d %-5s %-16s %-10s %-20s %-20s %-20s %-20s%s%n",
            k.tag(),
            k.role(),
            k.algorithm(),
            k.state(now).name().toLowerCase(java.util.Locale.ROOT),
            t(k.publish()),
            t(k.activate()),
            t(k.inactive()),
            t(k.delete()),
            k.synced(now) ? "  (in CDS/CDNSKEY)" : "");
      }
      KeyRing ring = new KeyRing(zone, mine, now, dc.dnskeyTtl());
      out.println("  DS for the parent zone:");
      ring.ds(dc.dnskeyTtl())
          .forEach(ds -> out.println("    " + ds.toString().replaceAll("\\s+", " ")));
      if (ring.validUntil() != Instant.MAX) {
        out.println("  next key event: " + t(ring.validUntil()));
      }
    }
  }

  private static String t(Instant i) {
    return i == null ? "-" : i.toString();
  }
}
