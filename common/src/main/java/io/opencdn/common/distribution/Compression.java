package io.opencdn.common.distribution;

import java.util.Locale;
import java.util.Set;

/**
 * What a behavior with {@code compress: true} compresses, as CloudFront does: responses of the
 * types CloudFront lists as compressible ({@link #TYPES}) whose {@code Content-Length} is between
 * {@value #MIN_BYTES} and {@value #MAX_BYTES} bytes, for clients whose {@code Accept-Encoding}
 * names {@code br} (preferred) or {@code gzip} ({@link #preferredCoding}). Shared by the edge (the
 * decision at fill time, the variant of the cache key) and {@code ./cdn explain-request}.
 *
 * <p>The implicit distribution of an edge's own file ({@code ./cdn edge --origin URL}) does not
 * compress by default ({@link #IMPLICIT}; an entry of the file may say {@code compress: true}): it
 * serves what the origin sends, as before; a behavior of {@code distributions.yaml} compresses only
 * with {@code compress: true} (CloudFormation's default of {@code Compress} is false too).
 */
public final class Compression {

  /** Smallest body compressed (CloudFront: 1,000 bytes). */
  public static final long MIN_BYTES = 1_000;

  /** Largest body compressed (CloudFront: 10,000,000 bytes). */
  public static final long MAX_BYTES = 10_000_000;

  /**
   * Whether the implicit distribution ({@code edge --origin}, an entry of the edge's own file
   * without {@code compress}) compresses.
   */
  public static final boolean IMPLICIT = false;

  /**
   * The media types CloudFront compresses (its developer guide, "File types that CloudFront
   * compresses").
   */
  public static final Set<String> TYPES =
      Set.of(
          "application/dash+xml",
          "application/eot",
          "application/font",
          "application/font-sfnt",
          "application/javascript",
          "application/json",
          "application/opentype",
          "application/otf",
          "application/pdf",
          "application/pkcs7-mime",
          "application/protobuf",
          "application/rss+xml",
          "application/truetype",
          "application/ttf",
          "application/vnd.apple.mpegurl",
          "application/vnd.mapbox-vector-tile",
          "application/vnd.ms-fontobject",
          "application/wasm",
          "application/xhtml+xml",
          "application/xml",
          "application/x-font-opentype",
          "application/x-font-truetype",
          "application/x-font-ttf",
          "application/x-httpd-cgi",
          "application/x-javascript",
          "application/x-mpegurl",
          "application/x-opentype",
          "application/x-otf",
          "application/x-perl",
          "application/x-ttf",
          "font/eot",
          "font/opentype",
          "font/otf",
          "font/ttf",
          "image/svg+xml",
          "text/css",
          "text/csv",
          "text/html",
          "text/javascript",
          "text/js",
          "text/plain",
          "text/richtext",
          "text/tab-separated-values",
          "text/xml",
          "text/x-script",
          "text/x-component",
          "text/x-java-source");

  private Compression() {}

  /** Whether a {@code Content-Type} value (parameters ignored, any case) is compressible. */
  public static boolean compressibleType(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return TYPES.contains(type.toLowerCase(Locale.ROOT));
  }

  /** Whether a body of {@code length} bytes is compressed (the length must be known). */
  public static boolean compressibleLength(long length) {
    return length >= MIN_BYTES && length <= MAX_BYTES;
  }

  /**
   * The one coding a cache distinguishes for an {@code Accept-Encoding} value, as CloudFront
   * normalises it: {@code br} when accepted, else {@code gzip} ({@code x-gzip} counts), else the
   * empty string (identity). A coding listed with {@code q=0} is not accepted; other codings and
   * {@code identity} do not change the result, so the spellings browsers send share a variant.
   */
  public static String preferredCoding(String acceptEncoding) {
    if (acceptEncoding == null) {
      return "";
    }
    // a scan without split or regex: this runs on every hit of a URL that varies on the header
    boolean br = false;
    boolean gzip = false;
    int n = acceptEncoding.length();
    int start = 0;
    while (start < n) {
      int end = acceptEncoding.indexOf(',', start);
      if (end < 0) {
        end = n;
      }
      int semi = acceptEncoding.indexOf(';', start);
      int codingEnd = semi >= 0 && semi < end ? semi : end;
      int a = skipSpace(acceptEncoding, start, codingEnd);
      int b = codingEnd;
      while (b > a && acceptEncoding.charAt(b - 1) <= ' ') {
        b--;
      }
      boolean isBr = b - a == 2 && acceptEncoding.regionMatches(true, a, "br", 0, 2);
      boolean isGzip =
          (b - a == 4 && acceptEncoding.regionMatches(true, a, "gzip", 0, 4))
              || (b - a == 6 && acceptEncoding.regionMatches(true, a, "x-gzip", 0, 6));
      if ((isBr || isGzip) && !(codingEnd < end && refused(acceptEncoding, codingEnd + 1, end))) {
        br |= isBr;
        gzip |= isGzip;
      }
      start = end + 1;
    }
    return br ? "br" : gzip ? "gzip" : "";
  }

  /** Whether the parameters in {@code s[from, to)} hold a {@code q} of zero (RFC 9110 12.4.2). */
  private static boolean refused(String s, int from, int to) {
    int p = from;
    while (p < to) {
      int next = s.indexOf(';', p);
      if (next < 0 || next > to) {
        next = to;
      }
      int a = skipSpace(s, p, next);
      int eq = a < next ? skipSpace(s, a + 1, next) : next;
      if (eq < next && (s.charAt(a) == 'q' || s.charAt(a) == 'Q') && s.charAt(eq) == '=') {
        int v = skipSpace(s, eq + 1, next);
        int e = next;
        while (e > v && s.charAt(e - 1) <= ' ') {
          e--;
        }
        return isZero(s, v, e);
      }
      p = next + 1;
    }
    return false;
  }

  /** {@code 0}, {@code 0.}, {@code 0.0}, {@code 0.00} or {@code 0.000}. */
  private static boolean isZero(String s, int from, int to) {
    if (from >= to || s.charAt(from) != '0' || to - from > 5) {
      return false;
    }
    if (to - from == 1) {
      return true;
    }
    if (s.charAt(from + 1) != '.') {
      return false;
    }
    for (int i = from + 2; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && s.charAt(from) <= ' ') {
      from++;
    }
    return from;
  }

  /** The {@code compress:} line of {@code explain-request} for a request with that header. */
  public static String explain(Behavior b, String acceptEncoding) {
    if (!b.compress()) {
      return "compress:     no (the origin's encoding is served as it is)";
    }
    if (b.cachePolicy() != null && b.cachePolicy().maxTtl() == 0) {
      return "compress:     set, but nothing is compressed: the cache is bypassed (maxTtl 0)";
    }
    String coding = preferredCoding(acceptEncoding);
    return "compress:     yes, once at fill time: CloudFront's compressible types (text/*, JSON,"
        + " JavaScript, XML, SVG, fonts...) of "
        + MIN_BYTES
        + "-"
        + MAX_BYTES
        + " bytes with Content-Length, not already encoded; this request gets "
        + (coding.isEmpty() ? "identity (Accept-Encoding names neither br nor gzip)" : coding)
        + "; cache key variant Accept-Encoding="
        + (coding.isEmpty() ? "identity" : coding);
  }
}
