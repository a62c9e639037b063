package io.opencdn.edge.tls;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An OCSP responder on 127.0.0.1 (port 0) answering every POSTed request for {@link TestCa}'s
 * certificates with the status it is set to, signed by the CA's own key, current from {@code
 * clock}'s now minus an hour to a day after it.
 */
public final class TestOcspResponder implements AutoCloseable {

  /** What the responder says about every certificate. */
  public enum Status {
    GOOD,
    REVOKED,
    UNKNOWN,
    /** No OCSP answer: HTTP 503. */
    UNAVAILABLE
  }

  private final TestCa ca;
  private final Clock clock;
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Status status = Status.GOOD;

  public TestOcspResponder(TestCa ca, Clock clock) throws Exception {
    this.ca = ca;
    this.clock = clock;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body;
          int code = 200;
          try {
            if (status == Status.UNAVAILABLE) {
              throw new IllegalStateException("unavailable");
            }
            body = answer(exchange.getRequestBody().readAllBytes());
          } catch (Exception e) {
            body = e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            code = status == Status.UNAVAILABLE ? 503 : 400;
          }
          exchange.getResponseHeaders().add("Content-Type", "application/ocsp-response");
          exchange.sendResponseHeaders(code, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** The responder URL to put in a certificate's AIA extension. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp";
  }

  /** Sets what the following answers say. */
  public void status(Status s) {
    status = s;
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** The nextUpdate of answers made now. */
  public Instant nextUpdate() {
    return clock.instant().plus(Duration.ofDays(1));
  }

  /** The DER OCSPResponse to the DER OCSPRequest {@code der}, as the responder sends it now. */
  public byte[] answer(byte[] der) throws Exception {
    OCSPReq req = new OCSPReq(der);
    X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
    BasicOCSPRespBuilder b =
        new JcaBasicOCSPRespBuilder(
            ca.certificate().getPublicKey(),
            new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1));
    Instant now = clock.instant();
    for (Req r : req.getRequestList()) {
      CertificateStatus s =
          switch (status) {
            case GOOD -> CertificateStatus.GOOD;
            case REVOKED ->
                new RevokedStatus(
                    Date.from(now.minus(Duration.ofDays(1))), CRLReason.keyCompromise);
            case UNKNOWN, UNAVAILABLE -> new UnknownStatus();
          };
      b.addResponse(
          r.getCertID(),
          s,
          Date.from(now.minus(Duration.ofHours(1))),
          Date.from(nextUpdate()),
          null);
    }
    BasicOCSPResp basic =
        b.build(
            new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key()),
            new X509CertificateHolder[] {issuer},
            Date.from(now));
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
