package io.opencdn.dns.dnssec;

import io.opencdn.dns.config.DnssecAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Keys on disk in BIND's format, so keys made by {@code dnssec-keygen} can be used and ours read by
 * BIND's tools: {@code K<zone>+<alg>+<tag>.key} holds the DNSKEY record, {@code .private} the
 * private key ({@code Private-key-format: v1.3}) and the timing metadata ({@code Created}, {@code
 * Publish}, {@code Activate}, {@code Inactive}, {@code Delete}, {@code SyncPublish}, {@code
 * SyncDelete}, as {@code YYYYMMDDHHMMSS} UTC), and {@code .state} the role in BIND's key state
 * syntax ({@code KSK: yes}, {@code ZSK: yes}); without a state file, flags 257 make a KSK and 256 a
 * ZSK. Files are written to a temporary name and moved into place, the {@code .key} last, and a key
 * is read only when its {@code .key} and {@code .private} both exist. The private file is readable
 * by its owner only.
 */
public final class KeyFiles {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private KeyFiles() {}

  /** Every key in {@code dir} (none when it does not exist). */
  public static List<ZoneKey> read(Path dir) {
    List<ZoneKey> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path key :
          files
              .filter(p -> p.getFileName().toString().matches("K.*\\+\\d{3}\\+\\d{5}\\.key"))
              .sorted()
              .toList()) {
        String base = key.getFileName().toString();
        base = base.substring(0, base.length() - 4);
        Path priv = dir.resolve(base + ".private");
        if (Files.exists(priv)) {
          out.add(read(dir, base));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          dir + ": cannot list the key directory: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * The key whose files are {@code dir/base.key}, {@code .private} and (optionally) {@code .state}.
   */
  public static ZoneKey read(Path dir, String base) {
    Path keyFile = dir.resolve(base + ".key");
    Path privFile = dir.resolve(base + ".private");
    DNSKEYRecord dnskey;
    try (Master m = new Master(keyFile.toString())) {
      Record r = m.nextRecord();
      if (!(r instanceof DNSKEYRecord k)) {
        throw new IllegalArgumentException(keyFile + ": expected a DNSKEY record, got " + r);
      }
      dnskey = k;
    } catch (IOException e) {
      throw new IllegalArgumentException(keyFile + ": " + e.getMessage(), e);
    }
    Map<String, String> fields = fields(privFile);
    String alg = fields.get("Algorithm");
    String raw = fields.get("PrivateKey");
    if (alg == null || raw == null) {
      throw new IllegalArgumentException(
          privFile + ": expected 'Algorithm:' and 'PrivateKey:' lines (BIND v1.3 format)");
    }
    int number;
    try {
      number = Integer.parseInt(alg.split("\\s+")[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          privFile + ": key 'Algorithm': expected a number, got " + alg);
    }
    if (number != dnskey.getAlgorithm()) {
      throw new IllegalArgumentException(
          privFile
              + ": algorithm "
              + number
              + " differs from the .key file's "
              + dnskey.getAlgorithm());
    }
    PrivateKey privateKey;
    try {
      privateKey = DnssecAlgorithm.of(number).privateKey(Base64.getDecoder().decode(raw.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(privFile + ": key 'PrivateKey': " + e.getMessage(), e);
    }
    boolean sep = (dnskey.getFlags() & 1) != 0;
    boolean ksk = sep;
    boolean zsk = !sep;
    Path stateFile = dir.resolve(base + ".state");
    if (Files.exists(stateFile)) {
      Map<String, String> state = fields(stateFile);
      ksk = "yes".equals(state.get("KSK"));
      zsk = "yes".equals(state.get("ZSK"));
      if (!ksk && !zsk) {
        throw new IllegalArgumentException(stateFile + ": expected 'KSK: yes' or 'ZSK: yes'");
      }
    }
    Instant created = time(privFile, fields, "Created");
    return new ZoneKey(
        dnskey.getName(),
        dnskey,
        privateKey,
        ksk,
        zsk,
        created == null ? Instant.EPOCH : created,
        time(privFile, fields, "Publish"),
        time(privFile, fields, "Activate"),
        time(privFile, fields, "Inactive"),
        time(privFile, fields, "Delete"),
        time(privFile, fields, "SyncPublish"),
        time(privFile, fields, "SyncDelete"),
        base);
  }

  /** The base name BIND gives a key: {@code K<zone>+<alg>+<tag>}. */
  public static String baseName(Name zone, int algorithm, int tag) {
    return String.format(
        "K%s+%03d+%05d", zone.toString().toLowerCase(java.util.Locale.ROOT), algorithm, tag);
  }

  /** Writes the three files of {@code key}, replacing any of the same name. */
  public static void write(Path dir, ZoneKey key) throws IOException {
    Files.createDirectories(dir);
    DnssecAlgorithm alg = key.algorithm();
    StringBuilder priv =
        new StringBuilder()
            .append("Private-key-format: v1.3\n")
            .append("Algorithm: ")
            .append(alg.bindName())
            .append('\n')
            .append("PrivateKey: ")
            .append(Base64.getEncoder().encodeToString(alg.rawPrivate(key.privateKey())))
            .append('\n');
    line(priv, "Created", key.created());
    line(priv, "Publish", key.publish());
    line(priv, "Activate", key.activate());
    line(priv, "Inactive", key.inactive());
    line(priv, "Delete", key.delete());
    line(priv, "SyncPublish", key.syncPublish());
    line(priv, "SyncDelete", key.syncDelete());
    writeAtomically(dir, key.file() + ".private", priv.toString(), true);
    writeAtomically(
        dir,
        key.file() + ".state",
        "; role of "
            + key.file()
            + "\nKSK: "
            + (key.ksk() ? "yes" : "no")
            + "\nZSK: "
            + (key.zsk() ? "yes" : "no")
            + "\n",
        false);
    String text =
        "; This is a "
            + (key.ksk() && key.zsk()
                ? "combined signing key (CSK)"
                : key.ksk() ? "key-signing key" : "zone-signing key")
            + ", keyid "
            + key.tag()
            + ", for "
            + key.zone()
            + "\n; Created: "
            + TIME.format(key.created())
            + "\n"
            + key.dnskey()
            + "\n";
    writeAtomically(dir, key.file() + ".key", text, false);
  }

  private static void line(StringBuilder out, String field, Instant t) {
    if (t != null) {
      out.append(field).append(": ").append(TIME.format(t)).append('\n');
    }
  }

  private static void writeAtomically(Path dir, String name, String text, boolean secret)
      throws IOException {
    Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system: the directory's permissions protect it
        }
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      try {
        Files.move(
            tmp,
            dir.resolve(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Map<String, String> fields(Path file) {
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        int colon = line.indexOf(':');
        if (!line.startsWith(";") && colon > 0) {
          out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Instant time(Path file, Map<String, String> fields, String field) {
    String v = fields.get(field);
    if (v == null || v.isEmpty() || v.equals("0")) {
      return null;
    }
    try {
      return TIME.parse(v.split("\\s+")[0], Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          file + ": key '" + field + "': expected YYYYMMDDHHMMSS (UTC), got " + v);
    }
  }

  /** A new key of {@code alg} for {@code zone} with the given flags (257 with SEP, 256 without). */
  static DNSKEYRecord dnskey(
      Name zone, DnssecAlgorithm alg, int flags, long ttl, java.security.PublicKey pub) {
    try {
      return new DNSKEYRecord(
          zone, DClass.IN, ttl, flags, DNSKEYRecord.Protocol.DNSSEC, alg.number(), pub);
    } catch (org.xbill.DNS.DNSSEC.DNSSECException e) {
      throw new IllegalStateException(
          "cannot encode a " + alg + " public key: " + e.getMessage(), e);
    }
  }
}
