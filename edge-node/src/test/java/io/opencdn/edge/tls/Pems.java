package io.opencdn.edge.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made in the test with the JDK's {@code keytool} (none committed),
 * written as the PEM files the edge's {@code tls:} section reads.
 */
public final class Pems {

  /** A PEM certificate and its PKCS#8 PEM private key. */
  public record Pair(Path cert, Path key) {}

  private Pems() {}

  /**
   * An ECDSA P-256 ({@code rsa} false) or RSA 2048 certificate for {@code host}, under {@code
   * dir/name.*}.
   */
  public static Pair make(Path dir, String name, String host, boolean rsa) throws Exception {
    Path store = Files.createTempFile(dir, name, ".p12");
    Files.delete(store);
    char[] pass = "test-store".toCharArray();
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> alg =
        rsa
            ? List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA")
            : List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA");
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "leaf"));
    cmd.addAll(alg);
    cmd.addAll(
        List.of(
            "-dname",
            "CN=" + host,
            "-ext",
            "SAN=dns:" + host,
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
    Pair pair = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    // written beside and renamed, as an operator's tooling (or certbot) replaces files
    Path certTmp = dir.resolve(name + ".pem.tmp");
    Path keyTmp = dir.resolve(name + ".key.tmp");
    Files.writeString(certTmp, pem("CERTIFICATE", ks.getCertificate("leaf").getEncoded()));
    Files.writeString(keyTmp, pem("PRIVATE KEY", key.getEncoded()));
    Files.move(keyTmp, pair.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(certTmp, pair.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(store);
    return pair;
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
