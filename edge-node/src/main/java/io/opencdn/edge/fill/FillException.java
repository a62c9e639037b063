package io.opencdn.edge.fill;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Why a fill from the origin failed; the HTTP stage maps the kind to a status code. */
public final class FillException extends RuntimeException {

  /** Failure classes. */
  public enum Kind {
    /** The origin could not be reached (refused, unknown host, connect timeout): 502. */
    CONNECT(502),
    /** The origin accepted the request but did not answer in time: 504. */
    TIMEOUT(504),
    /** The response broke off: reset, closed early, body shorter than Content-Length: 502. */
    BROKEN(502);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The status a proxy answers with (RFC 9110 sections 15.6.3 and 15.6.5). */
    public int status() {
      return status;
    }
  }

  private final Kind kind;

  public FillException(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Classifies any failure of an origin exchange. */
  public static FillException from(Throwable t) {
    if (t instanceof FillException f) {
      return f;
    }
    if (t instanceof ConnectException || t instanceof UnknownHostException) {
      return new FillException(Kind.CONNECT, "origin unreachable: " + t.getMessage(), t);
    }
    if (t instanceof TimeoutException) {
      return new FillException(Kind.TIMEOUT, "origin timed out: " + t.getMessage(), t);
    }
    return new FillException(Kind.BROKEN, "origin exchange broke off: " + t.getMessage(), t);
  }
}
