package io.opencdn.edge.tls;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The OCSP (RFC 6960) messages of one served certificate: the responder URL its AIA extension
 * names, the request for its status (SHA-1 CertID, no nonce, as RFC 5019 responders expect), and
 * the check of an answer before it is stapled: a successful response, signed by the issuer or by a
 * responder certificate the issuer signed for OCSP signing, about this certificate, current at
 * {@code now}. Immutable; no I/O.
 */
final class OcspQuery {

  /** How long a response without nextUpdate is taken to be current, counted from thisUpdate. */
  static final Duration NO_NEXT_UPDATE_VALIDITY = Duration.ofHours(1);

  /** How far ahead of the clock a response's thisUpdate may be (the responder's clock skew). */
  static final Duration SKEW = Duration.ofMinutes(5);

  /**
   * A checked answer.
   *
   * @param status {@code good}, {@code revoked} or {@code unknown}
   * @param thisUpdate when the responder vouched for the status
   * @param nextUpdate until when the answer is current
   * @param der the whole OCSPResponse as received: what is stapled
   */
  record Answer(String status, Instant thisUpdate, Instant nextUpdate, byte[] der) {}

  private final String url;
  private final X509CertificateHolder issuer;
  private final X509Certificate issuerCert;
  private final CertificateID id;
  private final byte[] request;

  private OcspQuery(String url, X509Certificate leaf, X509Certificate issuer) throws Exception {
    this.url = url;
    this.issuerCert = issuer;
    this.issuer = new JcaX509CertificateHolder(issuer);
    this.id = new CertificateID(sha1(), this.issuer, leaf.getSerialNumber());
    this.request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
  }

  /**
   * The query of {@code chain}'s leaf (leaf first, its issuer next).
   *
   * @throws IllegalArgumentException when the leaf names no OCSP responder (no AIA extension or no
   *     OCSP access method with an http(s) URL), or the chain lacks the issuer
   */
  static OcspQuery of(X509Certificate[] chain) {
    String url = responderUrl(chain[0]);
    if (url == null) {
      throw new IllegalArgumentException("no OCSP responder URL in the certificate");
    }
    if (chain.length < 2) {
      throw new IllegalArgumentException("no issuer certificate after the leaf in the chain file");
    }
    try {
      return new OcspQuery(url, chain[0], chain[1]);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot build an OCSP request: " + e.getMessage(), e);
    }
  }

  /** The http(s) URL of the OCSP access method of {@code leaf}'s AIA extension, or null. */
  static String responderUrl(X509Certificate leaf) {
    byte[] ext = leaf.getExtensionValue(Extension.authorityInfoAccess.getId());
    if (ext == null) {
      return null;
    }
    AuthorityInformationAccess aia =
        AuthorityInformationAccess.getInstance(ASN1OctetString.getInstance(ext).getOctets());
    for (AccessDescription d : aia.getAccessDescriptions()) {
      GeneralName n = d.getAccessLocation();
      if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
          && n.getTagNo() == GeneralName.uniformResourceIdentifier) {
        String u = ((ASN1IA5String) n.getName()).getString();
        if (u.startsWith("http://") || u.startsWith("https://")) {
          return u;
        }
      }
    }
    return null;
  }

  /** The responder URL. */
  String url() {
    return url;
  }

  /** The DER OCSPRequest to POST ({@code application/ocsp-request}). */
  byte[] request() {
    return request.clone();
  }

  /**
   * Checks {@code der} as the answer about this certificate at {@code now}.
   *
   * @throws IllegalArgumentException saying what is wrong: not a successful response, bad
   *     signature, about another certificate, not yet or no longer current
   */
  Answer check(byte[] der, Instant now) {
    try {
      OCSPResp resp = new OCSPResp(der);
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        throw new IllegalArgumentException("responder answered status " + resp.getStatus());
      }
      if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
        throw new IllegalArgumentException("not a basic OCSP response");
      }
      verifySignature(basic, now);
      for (SingleResp single : basic.getResponses()) {
        CertificateID got = single.getCertID();
        if (!got.getSerialNumber().equals(id.getSerialNumber())
            || !got.matchesIssuer(issuer, digests())) {
          continue;
        }
        return answer(single, der, now);
      }
      throw new IllegalArgumentException("the response is about another certificate");
    } catch (IOException | OCSPException | OperatorCreationException e) {
      throw new IllegalArgumentException("not an OCSP response: " + e.getMessage(), e);
    }
  }

  private static Answer answer(SingleResp single, byte[] der, Instant now) {
    Instant thisUpdate = single.getThisUpdate().toInstant();
    Date next = single.getNextUpdate();
    Instant nextUpdate = next == null ? thisUpdate.plus(NO_NEXT_UPDATE_VALIDITY) : next.toInstant();
    if (thisUpdate.isAfter(now.plus(SKEW))) {
      throw new IllegalArgumentException("thisUpdate " + thisUpdate + " is in the future");
    }
    if (!nextUpdate.isAfter(now)) {
      throw new IllegalArgumentException("expired (nextUpdate " + nextUpdate + ")");
    }
    CertificateStatus s = single.getCertStatus();
    String status =
        s == CertificateStatus.GOOD ? "good" : s instanceof RevokedStatus ? "revoked" : "unknown";
    return new Answer(status, thisUpdate, nextUpdate, der.clone());
  }

  /** The issuer signed it, or a responder certificate in it that the issuer signed for OCSP. */
  private void verifySignature(BasicOCSPResp basic, Instant now)
      throws OCSPException, OperatorCreationException {
    if (basic.isSignatureValid(verifier(issuerCert))) {
      return;
    }
    for (X509CertificateHolder responder : basic.getCerts()) {
      if (delegated(responder, now) && basic.isSignatureValid(verifier(responder))) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "signed neither by the issuer nor by a responder certificate of the issuer");
  }

  private boolean delegated(X509CertificateHolder responder, Instant now) {
    try {
      if (!responder.getIssuer().equals(issuer.getSubject())
          || !responder.isValidOn(Date.from(now))
          || !responder.isSignatureValid(verifier(issuerCert))) {
        return false;
      }
      ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(responder.getExtensions());
      return eku != null && eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
    } catch (Exception e) {
      return false;
    }
  }

  private static ContentVerifierProvider verifier(X509Certificate cert)
      throws OperatorCreationException {
    return new JcaContentVerifierProviderBuilder().build(cert.getPublicKey());
  }

  private static ContentVerifierProvider verifier(X509CertificateHolder cert)
      throws OperatorCreationException {
    try {
      return new JcaContentVerifierProviderBuilder().build(cert);
    } catch (CertificateException e) {
      throw new OperatorCreationException(e.getMessage(), e);
    }
  }

  private static org.bouncycastle.operator.DigestCalculator sha1()
      throws OperatorCreationException {
    return digests().get(CertificateID.HASH_SHA1);
  }

  private static DigestCalculatorProvider digests() throws OperatorCreationException {
    return new JcaDigestCalculatorProviderBuilder().build();
  }
}
