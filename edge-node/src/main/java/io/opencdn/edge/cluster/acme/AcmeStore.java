package io.opencdn.edge.cluster.acme;

import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The ACME account key and the certificates obtained, in {@link
 * io.opencdn.common.cluster.ClusterMaps#ACME_CERTIFICATES}, so that every edge serves them and a
 * restarted member neither registers again nor re-issues: {@code account|<directory>} holds the
 * account key pair, {@code cert|<directory>|<hosts>} the certificate chain (PEM, public) and its
 * private key. Private keys are {@link KeySeal sealed} under the cluster secret, bound to their
 * entry and, for a certificate, to its chain. Values that do not open are treated as absent. With
 * an {@link AcmeDisk} every entry read or written is kept on disk too, and an entry the cluster
 * lacks (after a restart of the whole cluster) is taken back from there. Blocking Hazelcast calls
 * and file I/O: a worker thread's.
 */
final class AcmeStore {

  /**
   * A certificate with its key.
   *
   * @param chainPem the chain, leaf first (PEM)
   * @param keyPem the private key (PKCS#8 PEM)
   * @param hosts the names it was ordered for
   * @param notBeforeMillis start of validity
   * @param notAfterMillis end of validity
   */
  record Issued(
      String chainPem,
      String keyPem,
      List<String> hosts,
      long notBeforeMillis,
      long notAfterMillis) {

    /** When to renew: at two thirds of the lifetime. */
    long renewAtMillis() {
      return notBeforeMillis + (notAfterMillis - notBeforeMillis) * 2 / 3;
    }

    /**
     * The serial number of the leaf (hex, as logs show it), or "?" when the chain does not parse.
     */
    String serial() {
      try {
        java.security.cert.Certificate leaf =
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new java.io.ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)));
        return ((java.security.cert.X509Certificate) leaf).getSerialNumber().toString(16);
      } catch (GeneralSecurityException e) {
        return "?";
      }
    }
  }

  private final IMap<String, String> map;
  private final KeySeal seal;
  private final String directory;
  private final AcmeDisk disk;

  /**
   * @param disk the copy on disk, or null for none
   */
  AcmeStore(IMap<String, String> map, KeySeal seal, String directory, AcmeDisk disk) {
    this.map = map;
    this.seal = seal;
    this.directory = directory;
    this.disk = disk;
  }

  /** The value of {@code place}: the cluster's, else the disk's (then given to the cluster). */
  private String get(String place) {
    String v = map.get(place);
    if (disk == null) {
      return v;
    }
    if (v != null) {
      disk.write(place, v);
      return v;
    }
    v = disk.read(place);
    if (v != null) {
      String before = map.putIfAbsent(place, v);
      return before == null ? v : before;
    }
    return null;
  }

  /**
   * Keeps {@code value} of {@code place} (received from the cluster) on disk too, if configured.
   */
  void persist(String place, String value) {
    if (disk != null) {
      disk.write(place, value);
    }
  }

  /** The map key of the certificate for {@code hosts}. */
  String certificateKey(List<String> hosts) {
    return "cert|" + directory + "|" + String.join(",", hosts);
  }

  /** The stored account key pair, or null. */
  KeyPair account() {
    String place = "account|" + directory;
    JsonObject v = json(get(place));
    if (v == null) {
      return null;
    }
    byte[] priv = seal.open(place, Base64.getDecoder().decode(v.getString("key", "")));
    if (priv == null) {
      return null;
    }
    try {
      KeyFactory kf = KeyFactory.getInstance(v.getString("algorithm", "EC"));
      return new KeyPair(
          kf.generatePublic(
              new X509EncodedKeySpec(Base64.getDecoder().decode(v.getString("public", "")))),
          kf.generatePrivate(new PKCS8EncodedKeySpec(priv)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Stores {@code account} unless one is stored already; yields the one stored. */
  KeyPair putAccountIfAbsent(KeyPair account) {
    String place = "account|" + directory;
    JsonObject v =
        new JsonObject()
            .put("algorithm", account.getPublic().getAlgorithm())
            .put("public", Base64.getEncoder().encodeToString(account.getPublic().getEncoded()))
            .put(
                "key",
                Base64.getEncoder()
                    .encodeToString(seal.seal(place, account.getPrivate().getEncoded())));
    map.putIfAbsent(place, v.encode());
    persist(place, map.get(place));
    KeyPair stored = account();
    return stored == null ? account : stored;
  }

  /** The stored certificate for {@code hosts}, or null (none, or one that does not open). */
  Issued certificate(List<String> hosts) {
    String place = certificateKey(hosts);
    return open(place, get(place));
  }

  /** Stores {@code issued} under its hosts. */
  void put(Issued issued) {
    String place = certificateKey(issued.hosts());
    byte[] sealed =
        seal.seal(
            place + "|" + sha256(issued.chainPem()),
            issued.keyPem().getBytes(StandardCharsets.US_ASCII));
    String value =
        new JsonObject()
            .put("chain", issued.chainPem())
            .put("key", Base64.getEncoder().encodeToString(sealed))
            .put("hosts", new JsonArray(issued.hosts()))
            .put("notBefore", issued.notBeforeMillis())
            .put("notAfter", issued.notAfterMillis())
            .encode();
    map.set(place, value);
    persist(place, value);
  }

  /** The certificate in {@code value}, stored under {@code place}, or null. */
  Issued open(String place, String value) {
    JsonObject v = json(value);
    if (v == null || v.getString("chain") == null) {
      return null;
    }
    String chain = v.getString("chain");
    byte[] key;
    try {
      key =
          seal.open(
              place + "|" + sha256(chain), Base64.getDecoder().decode(v.getString("key", "")));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (key == null) {
      return null;
    }
    return new Issued(
        chain,
        new String(key, StandardCharsets.US_ASCII),
        v.getJsonArray("hosts", new JsonArray()).stream().map(String::valueOf).toList(),
        v.getLong("notBefore", 0L),
        v.getLong("notAfter", 0L));
  }

  private static JsonObject json(String value) {
    if (value == null) {
      return null;
    }
    try {
      return new JsonObject(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
