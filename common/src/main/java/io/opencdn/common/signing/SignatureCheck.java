package io.opencdn.common.signing;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The check of a request to a behavior with {@code trustedKeyGroups}, compatible with CloudFront's
 * signed URLs and signed cookies, so URLs and cookies made by the AWS SDKs' CloudFront signers pass
 * unchanged:
 *
 * <ul>
 *   <li>a signed URL carries {@code Expires} (canned policy) or {@code Policy} (custom policy, in
 *       CloudFront's URL-safe base64, {@link CloudFrontBase64}), {@code Signature} and {@code
 *       Key-Pair-Id}, and optionally {@code Hash-Algorithm=SHA256};
 *   <li>signed cookies carry the same as {@code CloudFront-Expires} or {@code CloudFront-Policy},
 *       {@code CloudFront-Signature}, {@code CloudFront-Key-Pair-Id} and {@code
 *       CloudFront-Hash-Algorithm}; a signed URL wins over cookies.
 * </ul>
 *
 * The signature is RSA or ECDSA (by the key's type) over SHA-1, or SHA-256 when asked, of the
 * policy text; for a canned policy that text is rebuilt from the viewer's URL ({@code
 * scheme://host/path? query} without the signing parameters) and {@code Expires}. The policy then
 * has to grant that URL now and from the client's address ({@link SigningPolicy}). Every refusal
 * says why; malformed input is a refusal, never an exception, and sizes are bounded.
 */
public final class SignatureCheck {

  /** The query parameters of a signed URL, left out of the cache key and the origin request. */
  public static final Set<String> QUERY_PARAMETERS =
      Set.of("Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm");

  /** The cookies of signed cookies, left out of the cache key and the origin request. */
  public static final Set<String> COOKIES =
      Set.of(
          "CloudFront-Expires",
          "CloudFront-Policy",
          "CloudFront-Signature",
          "CloudFront-Key-Pair-Id",
          "CloudFront-Hash-Algorithm");

  static final int MAX_POLICY_BYTES = 4096;
  private static final java.util.regex.Pattern DIGITS =
      java.util.regex.Pattern.compile("[0-9]{1,12}");
  static final int MAX_SIGNATURE_BYTES = 1024;

  private SignatureCheck() {}

  /**
   * Checks a signature over a policy: {@link #DIRECT} verifies every time; the edge memoizes
   * positive results, since one signature (a signed cookie of an HLS stream) comes back with every
   * segment.
   */
  @FunctionalInterface
  public interface Verifier {
    /**
     * @param algorithm the JCA name, e.g. {@code SHA1withRSA}, {@code SHA256withECDSA}
     * @param signatureText the signature as the request carried it (a cache key part)
     */
    boolean verify(
        PublicKey key, String algorithm, byte[] data, byte[] signature, String signatureText);
  }

  /** Verifies with the JCA each time. */
  public static final Verifier DIRECT =
      (key, algorithm, data, signature, text) -> valid(key, algorithm, data, signature);

  /**
   * What the check decided.
   *
   * @param refusal why the request is refused (403), or null when it passes
   * @param target the viewer's target without the signing query parameters (what the cache key and
   *     the origin request are made of)
   * @param byCookie whether the signature came in cookies (to be removed before going on)
   */
  public record Verdict(String refusal, String target, boolean byCookie) {
    /** True when the request may go on. */
    public boolean allowed() {
      return refusal == null;
    }
  }

  /**
   * Checks one request.
   *
   * @param trusted the key groups the behavior trusts
   * @param scheme {@code http} or {@code https}, as the viewer connected
   * @param authority the viewer's {@code Host}: host, and port when it sent one
   * @param target the normalised origin-form target ({@code /path?query})
   * @param cookieHeader the viewer's {@code Cookie} values joined with {@code ; }, or null
   * @param client the viewer's address, or null when unknown
   * @param now epoch seconds
   */
  public static Verdict check(
      List<KeyGroup> trusted,
      String scheme,
      String authority,
      String target,
      String cookieHeader,
      InetAddress client,
      long now) {
    return check(trusted, scheme, authority, target, cookieHeader, client, now, DIRECT);
  }

  /** {@link #check} with the signatures verified by {@code verifier}. */
  public static Verdict check(
      List<KeyGroup> trusted,
      String scheme,
      String authority,
      String target,
      String cookieHeader,
      InetAddress client,
      long now,
      Verifier verifier) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> signing = new HashMap<>();
    List<String> kept = new ArrayList<>();
    String duplicate = null;
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        if (QUERY_PARAMETERS.contains(name)) {
          if (signing.put(name, eq < 0 ? "" : pair.substring(eq + 1)) != null) {
            duplicate = name;
          }
        } else if (!pair.isEmpty()) {
          kept.add(pair);
        }
      }
    }
    String bare = kept.isEmpty() ? path : path + "?" + String.join("&", kept);
    String refusal;
    boolean byCookie = false;
    if (duplicate != null) {
      refusal = "the query parameter " + duplicate + " is given twice";
    } else if (!signing.isEmpty()) {
      refusal =
          verify(trusted, signing, "", scheme + "://" + authority + bare, client, now, verifier);
    } else {
      Map<String, String> cookies = cookies(cookieHeader);
      if (cookies.isEmpty()) {
        refusal =
            "this path requires a signed URL (Expires or Policy, Signature, Key-Pair-Id) or signed"
                + " cookies (CloudFront-Expires or CloudFront-Policy, CloudFront-Signature,"
                + " CloudFront-Key-Pair-Id)";
      } else {
        byCookie = true;
        refusal =
            verify(
                trusted,
                cookies,
                "CloudFront-",
                scheme + "://" + authority + bare,
                client,
                now,
                verifier);
      }
    }
    return new Verdict(refusal, bare, byCookie);
  }

  /** The signed-cookie values of {@code cookieHeader} by name without the prefix. */
  private static Map<String, String> cookies(String cookieHeader) {
    Map<String, String> out = new HashMap<>();
    if (cookieHeader == null || !cookieHeader.contains("CloudFront-")) {
      return out;
    }
    for (String part : cookieHeader.split(";")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && COOKIES.contains(p.substring(0, eq).trim())) {
        String v = p.substring(eq + 1).trim();
        if (v.length() > 1 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        out.put(p.substring(0, eq).trim(), v);
      }
    }
    return out;
  }

  /**
   * Loads what a first check needs (the JCA signature and digest engines, the JSON reader), so that
   * the first signed request does not pay class loading on an event loop.
   */
  public static void warmUp() {
    try {
      for (String alg :
          List.of("SHA1withRSA", "SHA256withRSA", "SHA1withECDSA", "SHA256withECDSA")) {
        Signature.getInstance(alg);
      }
      java.security.MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      // reported as a refusal by the first check that needs it
    }
    try {
      SigningPolicy.parse(
          "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1}}}]}"
              .getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // not reached: the policy is valid
    }
  }

  /** {@code target} ({@code /path?query}) without the signing query parameters. */
  public static String withoutSigningParameters(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return target;
    }
    String kept =
        java.util.Arrays.stream(target.substring(q + 1).split("&"))
            .filter(p -> !p.isEmpty())
            .filter(
                p ->
                    !QUERY_PARAMETERS.contains(
                        p.indexOf('=') < 0 ? p : p.substring(0, p.indexOf('='))))
            .collect(Collectors.joining("&"));
    return kept.isEmpty() ? target.substring(0, q) : target.substring(0, q) + "?" + kept;
  }

  /** {@code cookieHeader} without the signed cookies, or null when nothing else is left. */
  public static String withoutSigningCookies(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    String rest =
        java.util.Arrays.stream(cookieHeader.split(";"))
            .map(String::trim)
            .filter(p -> !p.isEmpty())
            .filter(p -> p.indexOf('=') <= 0 || !COOKIES.contains(p.substring(0, p.indexOf('='))))
            .collect(Collectors.joining("; "));
    return rest.isEmpty() ? null : rest;
  }

  private static String verify(
      List<KeyGroup> trusted,
      Map<String, String> v,
      String prefix,
      String url,
      InetAddress client,
      long now,
      Verifier verifier) {
    String expires = v.get(prefix + "Expires");
    String policy = v.get(prefix + "Policy");
    String signature = v.get(prefix + "Signature");
    String keyId = v.get(prefix + "Key-Pair-Id");
    String hash = v.get(prefix + "Hash-Algorithm");
    if (keyId == null || keyId.isEmpty()) {
      return "missing " + prefix + "Key-Pair-Id";
    }
    if (signature == null || signature.isEmpty()) {
      return "missing " + prefix + "Signature";
    }
    if ((expires == null) == (policy == null)) {
      return expires == null
          ? "missing " + prefix + "Expires or " + prefix + "Policy"
          : "both " + prefix + "Expires and " + prefix + "Policy given";
    }
    PublicKey key = null;
    for (KeyGroup g : trusted) {
      key = key != null ? key : g.keys().get(keyId);
    }
    if (key == null) {
      return "key pair id '"
          + (keyId.length() > 64 ? keyId.substring(0, 64) + "..." : keyId)
          + "' is not in a key group this path trusts ("
          + trusted.stream().map(KeyGroup::id).collect(Collectors.joining(", "))
          + ")";
    }
    if (hash != null && !hash.equals("SHA1") && !hash.equals("SHA256")) {
      return prefix + "Hash-Algorithm is SHA1 or SHA256";
    }
    if (url.indexOf('"') >= 0 || url.indexOf('\\') >= 0) {
      return "the URL has a character a policy cannot hold (\" or \\)";
    }
    byte[] policyBytes;
    long cannedEnd = 0;
    try {
      if (expires != null) {
        if (!DIGITS.matcher(expires).matches()) {
          return prefix + "Expires is not whole epoch seconds";
        }
        cannedEnd = Long.parseLong(expires);
        policyBytes = SigningPolicy.cannedText(url, cannedEnd).getBytes(StandardCharsets.UTF_8);
      } else {
        policyBytes = CloudFrontBase64.decode(policy, MAX_POLICY_BYTES);
      }
    } catch (IllegalArgumentException e) {
      return prefix + "Policy is " + e.getMessage();
    }
    byte[] sig;
    try {
      sig = CloudFrontBase64.decode(signature, MAX_SIGNATURE_BYTES);
    } catch (IllegalArgumentException e) {
      return prefix + "Signature is " + e.getMessage();
    }
    String algorithm =
        (hash == null ? "SHA1" : hash)
            + "with"
            + (key.getAlgorithm().equals("EC") ? "ECDSA" : "RSA");
    if (!verifier.verify(key, algorithm, policyBytes, sig, signature)) {
      return "the signature does not match (a changed URL or policy, or another key)";
    }
    if (expires != null) {
      return now < cannedEnd
          ? null
          : "expired: " + prefix + "Expires is " + cannedEnd + " (epoch seconds), now " + now;
    }
    try {
      return SigningPolicy.parse(policyBytes).refusal(url, client, now);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static boolean valid(PublicKey key, String algorithm, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
