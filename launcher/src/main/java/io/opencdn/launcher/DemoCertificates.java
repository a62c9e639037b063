package io.opencdn.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * The demo's certificates, made fresh by each {@code ./cdn demo} with the JDK alone: a demo CA
 * (ECDSA P-256, ten years) signs one certificate (one year) for the demo's names; the CA's private
 * key is never written, so nothing that could sign another certificate outlives the call. Clients
 * trust {@code ca.pem} ({@code curl --cacert}); the edges serve {@code edge.pem} (leaf, then CA)
 * with {@code edge.key} (PKCS#8). X.509 v3 (RFC 5280) is written in DER by hand: the JDK has no
 * public certificate builder.
 *
 * @param dir where the files are
 * @param ca the CA certificate clients trust
 * @param cert the edges' certificate chain
 * @param key the edges' private key
 */
record DemoCertificates(Path dir, Path ca, Path cert, Path key) {

  /** Names the edge certificate covers. */
  static final List<String> NAMES = List.of("www.cdn.test", "cdn.test", "*.cdn.test");

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Makes the CA and the edge certificate in {@code dir} (created if missing). */
  static DemoCertificates create(Path dir, Instant now)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    SecureRandom random = new SecureRandom();
    KeyPair caKeys = ecKeys(random);
    KeyPair edgeKeys = ecKeys(random);
    byte[] caName = name("OpenCDN demo CA " + now.getEpochSecond());
    byte[] caId = keyId(caKeys.getPublic());
    byte[] caCert =
        sign(
            tbs(
                random,
                caName,
                caName,
                now,
                Duration.ofDays(3650),
                caKeys.getPublic(),
                List.of(
                    extension("2.5.29.19", true, seq(bool(true))),
                    extension("2.5.29.15", true, tlv(0x03, new byte[] {1, 0x06})),
                    extension("2.5.29.14", false, tlv(0x04, caId)))),
            caKeys);
    byte[] sans =
        seq(
            NAMES.stream()
                .map(n -> tlv(0x82, n.getBytes(StandardCharsets.US_ASCII)))
                .toArray(byte[][]::new));
    byte[] edgeCert =
        sign(
            tbs(
                random,
                caName,
                name(NAMES.get(0)),
                now,
                Duration.ofDays(365),
                edgeKeys.getPublic(),
                List.of(
                    extension("2.5.29.19", true, seq()),
                    extension("2.5.29.15", true, tlv(0x03, new byte[] {7, (byte) 0x80})),
                    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
                    extension("2.5.29.17", false, sans),
                    extension("2.5.29.14", false, tlv(0x04, keyId(edgeKeys.getPublic()))),
                    extension("2.5.29.35", false, seq(tlv(0x80, caId))))),
            caKeys);
    DemoCertificates c =
        new DemoCertificates(
            dir, dir.resolve("ca.pem"), dir.resolve("edge.pem"), dir.resolve("edge.key"));
    Files.writeString(c.ca(), pem("CERTIFICATE", caCert));
    Files.writeString(c.cert(), pem("CERTIFICATE", edgeCert) + pem("CERTIFICATE", caCert));
    Files.writeString(c.key(), pem("PRIVATE KEY", edgeKeys.getPrivate().getEncoded()));
    try {
      Files.setPosixFilePermissions(
          c.key(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the temporary directory is the user's own
    }
    return c;
  }

  private static KeyPair ecKeys(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  private static byte[] tbs(
      SecureRandom random,
      byte[] issuer,
      byte[] subject,
      Instant now,
      Duration life,
      PublicKey key,
      List<byte[]> extensions) {
    byte[] serial = new byte[16];
    random.nextBytes(serial);
    serial[0] &= 0x7f;
    Instant from = now.minus(Duration.ofHours(1));
    return seq(
        tlv(0xa0, tlv(0x02, new byte[] {2})),
        tlv(0x02, new BigInteger(1, serial).toByteArray()),
        ecdsaSha256(),
        issuer,
        seq(time(from), time(from.plus(life))),
        subject,
        key.getEncoded(),
        tlv(0xa3, seq(extensions.toArray(byte[][]::new))));
  }

  private static byte[] sign(byte[] tbs, KeyPair issuer) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(issuer.getPrivate());
    s.update(tbs);
    byte[] sig = s.sign();
    byte[] bits = new byte[sig.length + 1];
    System.arraycopy(sig, 0, bits, 1, sig.length);
    return seq(tbs, ecdsaSha256(), tlv(0x03, bits));
  }

  private static byte[] keyId(PublicKey key) throws GeneralSecurityException {
    return java.util.Arrays.copyOf(
        MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
  }

  private static byte[] ecdsaSha256() {
    return seq(oid("1.2.840.10045.4.3.2"));
  }

  private static byte[] name(String cn) {
    return seq(
        tlv(0x31, seq(oid("2.5.4.10"), tlv(0x0c, "OpenCDN demo".getBytes(StandardCharsets.UTF_8)))),
        tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical ? seq(oid(oid), bool(true), tlv(0x04, value)) : seq(oid(oid), tlv(0x04, value));
  }

  private static byte[] time(Instant t) {
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bool(boolean b) {
    return tlv(0x01, new byte[] {(byte) (b ? 0xff : 0)});
  }

  static byte[] oid(String dotted) {
    String[] p = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(p[0]) * 40 + Integer.parseInt(p[1]));
    for (int i = 2; i < p.length; i++) {
      long v = Long.parseLong(p[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, parts);
  }

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    int n = body.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >>> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
