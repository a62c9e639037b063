package io.opencdn.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ./cdn demo --acme-directory URL [--acme-ca PEM]}: the demo edges' ACME settings. */
final class DemoAcme {

  private DemoAcme() {}

  /**
   * The {@code tls.acme} section of the demo edges ({@code CDN_ACME}, a YAML flow mapping) for
   * {@code --acme-directory} and {@code --acme-ca}, or null without a directory.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static String acmeSection(String directory, Path ca) {
    if (directory == null) {
      if (ca != null) {
        throw new IllegalArgumentException("--acme-ca needs --acme-directory");
      }
      return null;
    }
    if (!directory.startsWith("https://") && !directory.startsWith("http://")) {
      throw new IllegalArgumentException(
          "--acme-directory: expected the ACME directory URL (https://...), got " + directory);
    }
    io.vertx.core.json.JsonObject acme =
        new io.vertx.core.json.JsonObject()
            .put("directory", directory)
            .put("contact", "mailto:ops@cdn.test")
            .put("retrySeconds", 2)
            .put("retryMaxSeconds", 30);
    if (ca != null) {
      if (!Files.isReadable(ca)) {
        throw new IllegalArgumentException("--acme-ca: not a readable file: " + ca);
      }
      acme.put("trustRoot", ca.toAbsolutePath().toString());
    }
    return acme.encode();
  }

  /** The demo's distributions, each with {@code certificate: acme} after its {@code hosts}. */
  static String withAcmeCertificates(String distributions) {
    String out = distributions.replaceAll("(?m)^(    hosts: .*)$", "$1\n    certificate: acme");
    if (out.equals(distributions)) {
      throw new IllegalStateException(DemoTopology.DISTRIBUTIONS + ": no hosts line found");
    }
    return out;
  }
}
