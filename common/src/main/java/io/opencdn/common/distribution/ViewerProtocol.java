package io.opencdn.common.distribution;

import java.util.Locale;

/**
 * A behavior's {@code viewerProtocol} (CloudFront's ViewerProtocolPolicy): which scheme a viewer
 * may use. Decided before the cache is looked up.
 */
public enum ViewerProtocol {
  /** HTTP and HTTPS alike (the default). */
  ALLOW_ALL,
  /** HTTP requests get 301 Moved Permanently to the same URL on https. */
  REDIRECT_TO_HTTPS,
  /** HTTP requests get 403 Forbidden. */
  HTTPS_ONLY;

  /** The name in {@code distributions.yaml}: {@code allow-all}, {@code redirect-to-https}... */
  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The value named {@code text}, or null. */
  public static ViewerProtocol of(String text) {
    for (ViewerProtocol p : values()) {
      if (p.text().equals(text)) {
        return p;
      }
    }
    return null;
  }
}
