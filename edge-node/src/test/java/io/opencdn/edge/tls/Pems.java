package io.opencdn.edge.tls;

import io.opencdn.testing.SelfSigned;
import java.nio.file.Path;

/** The edge tests' certificates: test-support's {@link SelfSigned}, one host name each. */
public final class Pems {

  private Pems() {}

  /**
   * An ECDSA P-256 ({@code rsa} false) or RSA 2048 certificate for {@code host}, under {@code
   * dir/name.*}.
   */
  public static SelfSigned.Pem make(Path dir, String name, String host, boolean rsa)
      throws Exception {
    return SelfSigned.write(dir, name, host, "dns:" + host, rsa);
  }
}
