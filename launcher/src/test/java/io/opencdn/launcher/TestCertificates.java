package io.opencdn.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed ECDSA P-256 certificates made in the test with the JDK's {@code keytool} (no
 * certificate or key is committed), written as the PEM files the edge's {@code tls:} section reads.
 */
final class TestCertificates {

  /** A PEM certificate and its PKCS#8 PEM private key. */
  record Pem(Path cert, Path key) {}

  private TestCertificates() {}

  /** A certificate for {@code host} (CN and DNS subject alternative name), valid for two days. */
  static Pem selfSigned(Path dir, String host) throws Exception {
    return selfSigned(dir, host, "dns:" + host);
  }

  /**
   * A certificate for {@code host} with the subject alternative names {@code san} (keytool's form:
   * {@code dns:localhost,ip:127.0.0.1}).
   */
  static Pem selfSigned(Path dir, String host, String san) throws Exception {
    Path store = dir.resolve(host + ".p12");
    char[] pass = "test-store".toCharArray();
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    "leaf",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-sigalg",
                    "SHA256withECDSA",
                    "-dname",
                    "CN=" + host,
                    "-ext",
                    "SAN=" + san,
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    new String(pass),
                    "-keypass",
                    new String(pass)))
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      ks.load(in, pass);
    }
    Key key = ks.getKey("leaf", pass);
    Pem pem = new Pem(dir.resolve(host + ".pem"), dir.resolve(host + ".key"));
    Files.writeString(pem.cert(), pem("CERTIFICATE", ks.getCertificate("leaf").getEncoded()));
    Files.writeString(pem.key(), pem("PRIVATE KEY", key.getEncoded()));
    Files.delete(store);
    return pem;
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
