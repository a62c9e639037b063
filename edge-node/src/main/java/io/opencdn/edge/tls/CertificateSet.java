package io.opencdn.edge.tls;

import io.opencdn.edge.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/**
 * The certificates of the HTTPS listener as read from their PEM files at one moment, checked before
 * they are used: each chain and key parse, and the key signs what the leaf's public key verifies (a
 * key that does not belong to its certificate, e.g. a pair caught half-replaced, is refused). Holds
 * the bytes that were checked, so what is served is what was checked, and a digest of all files to
 * tell whether anything changed. Loading reads files: call it off the event loop.
 *
 * @param certificates what each pair is: file, names, expiry, fingerprint, in configuration order
 *     (the first is the default)
 * @param keys the parsed chains and keys, in the same order, as {@link SniKeyManager} serves them
 * @param digest SHA-256 over every file's bytes
 */
public record CertificateSet(
    List<Info> certificates, List<SniKeyManager.Entry> keys, String digest) {

  /**
   * One loaded certificate.
   *
   * @param cert the certificate file
   * @param names DNS names of the leaf (subject alternative names, else the CN)
   * @param notAfter end of validity (ISO-8601)
   * @param sha256 fingerprint of the leaf
   * @param keyAlgorithm EC or RSA
   */
  public record Info(
      String cert, List<String> names, String notAfter, String sha256, String keyAlgorithm) {
    JsonObject json() {
      return new JsonObject()
          .put("cert", cert)
          .put("names", new JsonArray(names))
          .put("notAfter", notAfter)
          .put("sha256", sha256)
          .put("keyAlgorithm", keyAlgorithm);
    }
  }

  /**
   * A certificate given as values rather than files (one obtained through ACME and received from
   * the cluster).
   *
   * @param name what logs and {@code GET /_cdn/tls} call it ({@code acme:www.cdn.test})
   * @param cert PEM certificate chain, leaf first
   * @param key PEM private key (PKCS#8)
   */
  public record Pem(String name, byte[] cert, byte[] key) {}

  /** Digest of the files of {@code tls} as they are now (changes whenever one of them does). */
  public static String digest(TlsConfig tls) throws IOException {
    return digest(tls, List.of());
  }

  /** Digest of the files of {@code tls} as they are now and of {@code extra}. */
  public static String digest(TlsConfig tls, List<Pem> extra) throws IOException {
    MessageDigest md = sha256();
    for (TlsConfig.Certificate c : tls.certificates()) {
      for (String f : List.of(c.cert(), c.key())) {
        md.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(Path.of(f)));
      }
    }
    for (Pem p : extra) {
      update(md, p);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Reads and checks every pair of {@code tls}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static CertificateSet load(Vertx vertx, TlsConfig tls) {
    return load(vertx, tls, List.of());
  }

  /**
   * Reads and checks every pair of {@code tls}, then those of {@code extra}, which follow them (the
   * first file stays the default certificate).
   *
   * @throws IllegalArgumentException naming the file or value and what is wrong with it
   */
  public static CertificateSet load(Vertx vertx, TlsConfig tls, List<Pem> extra) {
    MessageDigest md = sha256();
    List<SniKeyManager.Entry> keys = new ArrayList<>();
    List<Info> infos = new ArrayList<>();
    List<Pem> pems = new ArrayList<>();
    for (TlsConfig.Certificate c : tls.certificates()) {
      pems.add(new Pem(c.cert(), read(c.cert()), read(c.key())));
      md.update(c.cert().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(pems.get(pems.size() - 1).cert());
      md.update(c.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(pems.get(pems.size() - 1).key());
    }
    for (Pem p : extra) {
      update(md, p);
    }
    pems.addAll(extra);
    String digest = HexFormat.of().formatHex(md.digest());
    for (int i = 0; i < pems.size(); i++) {
      Pem p = pems.get(i);
      String keyName = i < tls.certificates().size() ? tls.certificates().get(i).key() : p.name();
      PemKeyCertOptions one =
          new PemKeyCertOptions()
              .setCertValue(Buffer.buffer(p.cert()))
              .setKeyValue(Buffer.buffer(p.key()));
      try {
        SniKeyManager.Entry fast = checkPkcs8("c" + i, p, keyName, infos);
        keys.add(fast != null ? fast : check(vertx, "c" + i, p.name(), keyName, one, infos));
      } catch (IllegalArgumentException e) {
        throw new Refused(e.getMessage(), digest, e);
      }
    }
    return new CertificateSet(List.copyOf(infos), List.copyOf(keys), digest);
  }

  /**
   * Files that were read but did not pass their checks.
   *
   * @see #digest() the digest of the bytes refused, as {@link #digest(TlsConfig, List)} yields it
   *     while the files stay as they are
   */
  public static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient String digest;

    Refused(String message, String digest, Throwable cause) {
      super(message, cause);
      this.digest = digest;
    }

    /** SHA-256 over the files' bytes that were refused. */
    public String digest() {
      return digest;
    }
  }

  private static void update(MessageDigest md, Pem p) {
    md.update(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    md.update(p.cert());
    md.update(p.key());
  }

  /** The certificates as {@code GET /_cdn/tls} shows them. */
  public JsonArray json() {
    JsonArray a = new JsonArray();
    certificates.forEach(i -> a.add(i.json()));
    return a;
  }

  /**
   * Checks one pair whose key is a single PKCS#8 PEM ({@code BEGIN PRIVATE KEY}: what ACME and
   * current tools write) without a key store: Vert.x's key manager factory puts the key into a
   * PKCS#12 store and reads it back, two password-based encryptions of ~8 ms of CPU each, which
   * made most of a reload's cost. Yields null for any other form (then {@link #check} reads it).
   */
  private static SniKeyManager.Entry checkPkcs8(
      String alias, Pem p, String keyName, List<Info> infos) {
    String text = new String(p.key(), java.nio.charset.StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0
        || e < b
        || text.indexOf(begin, b + 1) >= 0
        || text.contains("-----BEGIN ENCRYPTED")) {
      return null;
    }
    PrivateKey key;
    X509Certificate[] chain;
    try {
      byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
      chain =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(new java.io.ByteArrayInputStream(p.cert()))
              .stream()
              .map(X509Certificate.class::cast)
              .toArray(X509Certificate[]::new);
      if (chain.length == 0) {
        return null;
      }
      String type = chain[0].getPublicKey().getAlgorithm();
      if (!type.equals("EC") && !type.equals("RSA")) {
        return null;
      }
      key =
          java.security.KeyFactory.getInstance(type)
              .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException ex) {
      return null; // the key store path names what is wrong
    }
    X509Certificate leaf = chain[0];
    if (!keyMatches(key, leaf)) {
      throw new IllegalArgumentException(
          keyName + ": the private key does not belong to the certificate in " + p.name());
    }
    List<String> names = names(leaf);
    String type = key.getAlgorithm();
    infos.add(
        new Info(
            p.name(), names, leaf.getNotAfter().toInstant().toString(), fingerprint(leaf), type));
    return new SniKeyManager.Entry(alias, names, type, chain, key);
  }

  /** Checks one pair; adds what it is to {@code infos}, yields it as served under {@code alias}. */
  private static SniKeyManager.Entry check(
      Vertx vertx,
      String alias,
      String certName,
      String keyName,
      PemKeyCertOptions one,
      List<Info> infos) {
    X509KeyManager km;
    try {
      km = (X509KeyManager) one.getKeyManagerFactory(vertx).getKeyManagers()[0];
    } catch (Exception e) {
      throw new IllegalArgumentException(
          certName
              + " / "
              + keyName
              + ": not a PEM certificate chain and private key ("
              + e.getMessage()
              + ")",
          e);
    }
    for (String type : List.of("EC", "RSA")) {
      String[] aliases = km.getServerAliases(type, null);
      if (aliases == null || aliases.length == 0) {
        continue;
      }
      X509Certificate[] chain = km.getCertificateChain(aliases[0]);
      PrivateKey key = km.getPrivateKey(aliases[0]);
      if (chain == null || chain.length == 0 || key == null) {
        continue;
      }
      X509Certificate leaf = chain[0];
      if (!keyMatches(key, leaf)) {
        throw new IllegalArgumentException(
            keyName + ": the private key does not belong to the certificate in " + certName);
      }
      List<String> names = names(leaf);
      infos.add(
          new Info(
              certName, names, leaf.getNotAfter().toInstant().toString(), fingerprint(leaf), type));
      return new SniKeyManager.Entry(alias, names, type, chain, key);
    }
    throw new IllegalArgumentException(
        certName + " / " + keyName + ": expected an EC or RSA certificate and its key");
  }

  private static boolean keyMatches(PrivateKey key, X509Certificate leaf) {
    String alg = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = "opencdn key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(leaf.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static List<String> names(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      var sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException ignored) {
      // no usable SAN: the CN below
    }
    if (names.isEmpty()) {
      String dn = leaf.getSubjectX500Principal().getName();
      for (String part : dn.split(",")) {
        if (part.startsWith("CN=")) {
          names.add(part.substring(3));
        }
      }
    }
    return List.copyOf(names);
  }

  private static String fingerprint(X509Certificate leaf) {
    try {
      return HexFormat.of().formatHex(sha256().digest(leaf.getEncoded()));
    } catch (java.security.cert.CertificateEncodingException e) {
      return "";
    }
  }

  private static byte[] read(String file) {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e + ")", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
