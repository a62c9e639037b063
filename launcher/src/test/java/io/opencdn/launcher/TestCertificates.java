package io.opencdn.launcher;

import io.opencdn.testing.SelfSigned;
import java.nio.file.Path;

/** The launcher tests' certificates: test-support's ECDSA P-256 {@link SelfSigned} ones. */
final class TestCertificates {

  private TestCertificates() {}

  /** A certificate for {@code host} (CN and DNS subject alternative name), valid for two days. */
  static SelfSigned.Pem selfSigned(Path dir, String host) throws Exception {
    return selfSigned(dir, host, "dns:" + host);
  }

  /**
   * A certificate for {@code host} with the subject alternative names {@code san} (keytool's form:
   * {@code dns:localhost,ip:127.0.0.1}), in {@code dir/host.pem} and {@code dir/host.key}.
   */
  static SelfSigned.Pem selfSigned(Path dir, String host, String san) throws Exception {
    return SelfSigned.write(dir, host, host, san, false);
  }
}
