package io.opencdn.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made in the test with the JDK's {@code keytool} (no certificate or key
 * is committed), written as the PEM files an edge's {@code tls:} section reads: the edge tests and
 * the launcher's.
 */
public final class SelfSigned {

  /** A PEM certificate and its PKCS#8 PEM private key. */
  public record Pem(Path cert, Path key) {}

  private SelfSigned() {}

  /**
   * An ECDSA P-256 ({@code rsa} false) or RSA 2048 certificate for {@code host} (its CN) with the
   * subject alternative names {@code san} (keytool's form: {@code dns:localhost,ip:127.0.0.1}),
   * valid for two days, in {@code dir/name.pem} and {@code dir/name.key}: each written beside and
   * renamed into place, as an operator's tooling (or certbot) replaces files.
   */
  public static Pem write(Path dir, String name, String host, String san, boolean rsa)
      throws Exception {
    Path store = Files.createTempFile(dir, name, ".p12");
    Files.delete(store);
    char[] pass = "test-store".toCharArray();
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> cmd = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "leaf"));
    cmd.addAll(
        rsa
            ? List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA")
            : List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"));
    cmd.addAll(
        List.of(
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
            new String(pass)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
    Pem pem = new Pem(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    Path certTmp = dir.resolve(name + ".pem.tmp");
    Path keyTmp = dir.resolve(name + ".key.tmp");
    Files.writeString(certTmp, pem("CERTIFICATE", ks.getCertificate("leaf").getEncoded()));
    Files.writeString(keyTmp, pem("PRIVATE KEY", key.getEncoded()));
    Files.move(keyTmp, pem.key(), StandardCopyOption.REPLACE_EXISTING);
    Files.move(certTmp, pem.cert(), StandardCopyOption.REPLACE_EXISTING);
    Files.delete(store);
    return pem;
  }

  /** {@code der} as a PEM block of {@code type} ({@code CERTIFICATE}, {@code PRIVATE KEY}). */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
