package io.opencdn.live.session;

/**
 * A publish or play the edge refuses: the client gets an {@code onStatus} of level error with
 * {@link #code} and the message, then the connection is closed.
 */
public final class Refusal extends Exception {

  private final String code;

  /**
   * @param code the NetStream status code, e.g. {@code NetStream.Publish.Denied}
   */
  public Refusal(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
