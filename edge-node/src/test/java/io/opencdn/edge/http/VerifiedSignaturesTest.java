package io.opencdn.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.signing.SignatureCheck;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A valid signature is verified once; anything else is verified every time and refused. */
class VerifiedSignaturesTest {

  @Test
  void aValidSignatureIsVerifiedOnceAndNothingElseIsRemembered() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair kp = g.generateKeyPair();
    byte[] policy = "{\"Statement\":[]}".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(kp.getPrivate());
    s.update(policy);
    byte[] sig = s.sign();
    AtomicInteger calls = new AtomicInteger();
    VerifiedSignatures v =
        new VerifiedSignatures(
            (k, alg, data, signature, text) -> {
              calls.incrementAndGet();
              return SignatureCheck.DIRECT.verify(k, alg, data, signature, text);
            });

    for (int i = 0; i < 3; i++) {
      assertThat(v.verify(kp.getPublic(), "SHA256withECDSA", policy, sig, "sig")).isTrue();
    }
    assertThat(calls).hasValue(1);
    byte[] other = "{\"Statement\":[{}]}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 2; i++) {
      assertThat(v.verify(kp.getPublic(), "SHA256withECDSA", other, sig, "sig")).isFalse();
    }
    assertThat(v.verify(kp.getPublic(), "SHA1withECDSA", policy, sig, "sig")).isFalse();
    assertThat(v.verify(g.generateKeyPair().getPublic(), "SHA256withECDSA", policy, sig, "sig"))
        .isFalse();
    assertThat(calls).hasValue(5);
  }
}
