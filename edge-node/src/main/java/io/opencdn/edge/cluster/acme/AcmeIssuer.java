package io.opencdn.edge.cluster.acme;

import io.opencdn.edge.config.AcmeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * One certificate order (RFC 8555 7.4) with acme4j: registers (or finds, RFC 8555 7.3.1) the
 * account of the key pair, orders the hosts, answers each authorization's DNS-01 challenge by
 * publishing its TXT value on the {@link ChallengeBoard} (the cluster's DNS servers serve it), or
 * with {@code challenge: http-01} its HTTP-01 challenge by publishing the key authorization of its
 * token there (every edge serves it on its plain HTTP listener), asks the server to validate,
 * finalizes with a fresh ECDSA P-256 key and downloads the chain. The published records are
 * withdrawn whatever happens. acme4j retries a rejected nonce ({@code badNonce}, RFC 8555 6.5) by
 * itself. Blocking: a worker thread's.
 */
final class AcmeIssuer {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final AcmeConfig config;
  private final ChallengeBoard board;
  private final Clock clock;
  private final SSLContext trust;

  /**
   * @throws IllegalArgumentException when {@code trustRoot} cannot be read
   */
  AcmeIssuer(AcmeConfig config, ChallengeBoard board, Clock clock) {
    this.config = config;
    this.board = board;
    this.clock = clock;
    this.trust = config.trustRoot() == null ? null : trusting(Path.of(config.trustRoot()));
  }

  /** A new account key pair (ECDSA P-256). */
  static KeyPair newAccountKey() {
    return ecKeyPair();
  }

  /** An ECDSA P-256 key pair from the JDK (no Bouncy Castle provider needs registering). */
  static KeyPair ecKeyPair() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 unavailable", e);
    }
  }

  /** Orders a certificate for {@code hosts} with the account of {@code account}. */
  AcmeStore.Issued issue(KeyPair account, List<String> hosts)
      throws AcmeException, InterruptedException, IOException {
    Session session = new Session(URI.create(config.directory()), new Provider(trust));
    AccountBuilder ab = new AccountBuilder().agreeToTermsOfService().useKeyPair(account);
    if (config.contact() != null) {
      ab.addContact(config.contact());
    }
    Account acct = ab.create(session);
    Order order = acct.newOrder().domains(hosts).create();
    Map<String, List<String>> records = new LinkedHashMap<>();
    Map<String, String> tokens = new LinkedHashMap<>();
    List<Challenge> pending = new ArrayList<>();
    boolean http = "http-01".equals(config.challenge());
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() == Status.VALID) {
        continue;
      }
      if (http) {
        Http01Challenge ch =
            auth.findChallenge(Http01Challenge.class)
                .orElseThrow(
                    () ->
                        new AcmeException(
                            "no http-01 challenge offered for " + auth.getIdentifier().getValue()));
        tokens.put(ch.getToken(), ch.getAuthorization());
        pending.add(ch);
        continue;
      }
      Dns01Challenge ch =
          auth.findChallenge(Dns01Challenge.class)
              .orElseThrow(
                  () ->
                      new AcmeException(
                          "no dns-01 challenge offered for " + auth.getIdentifier().getValue()));
      records
          .computeIfAbsent(Dns01Challenge.toRRName(auth.getIdentifier()), k -> new ArrayList<>())
          .add(ch.getDigest());
      pending.add(ch);
    }
    board.publish(records, clock.millis() + WAIT.toMillis() * 3, WAIT.toSeconds() * 3);
    board.publishHttp(tokens, clock.millis() + WAIT.toMillis() * 3, WAIT.toSeconds() * 3);
    try {
      if (!pending.isEmpty() && config.settleMillis() > 0) {
        Thread.sleep(config.settleMillis());
      }
      for (Challenge ch : pending) {
        ch.trigger();
      }
      for (Challenge ch : pending) {
        Status s = ch.waitForCompletion(WAIT);
        if (s != Status.VALID) {
          throw new AcmeException(
              "challenge " + ch.getType() + " " + s + ": " + ch.getError().map(Object::toString));
        }
      }
    } finally {
      board.withdraw(records.keySet());
      board.withdrawHttp(tokens.keySet());
    }
    KeyPair domain = ecKeyPair();
    order.execute(domain);
    Status s = order.waitForCompletion(WAIT);
    if (s != Status.VALID) {
      throw new AcmeException("order " + s + ": " + order.getError().map(Object::toString));
    }
    org.shredzone.acme4j.Certificate cert = order.getCertificate();
    StringWriter chain = new StringWriter();
    cert.writeCertificate(chain);
    X509Certificate leaf = cert.getCertificate();
    return new AcmeStore.Issued(
        chain.toString(),
        pkcs8(domain),
        List.copyOf(hosts),
        leaf.getNotBefore().getTime(),
        leaf.getNotAfter().getTime());
  }

  /** The private key of {@code pair} as a PKCS#8 PEM. */
  static String pkcs8(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("root" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(pem + ": not a readable PEM certificate file (" + e + ")");
    }
  }

  /** The generic provider, trusting {@code trust} for the directory's HTTPS when given. */
  private static final class Provider extends GenericAcmeProvider {
    private final SSLContext trust;

    Provider(SSLContext trust) {
      this.trust = trust;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
      return new HttpConnector(settings) {
        @Override
        public HttpClient.Builder createClientBuilder() {
          HttpClient.Builder b = super.createClientBuilder();
          return trust == null ? b : b.sslContext(trust);
        }
      };
    }
  }
}
