package io.opencdn.common.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What answers at the addresses of a member list: a TCP connect to each, so a member that cannot
 * join can say which addresses it tried and what it found there ("accepts connections", "connection
 * refused", "no answer within 500 ms"). A member that accepts connections yet does not let us join
 * is busy or stalled; one that refuses is not running.
 */
public final class MemberProbe {

  /** At most this many addresses are probed (a port range can name a hundred). */
  public static final int MAX_ADDRESSES = 24;

  private final int timeoutMillis;

  /** A probe with a connect timeout of {@code timeoutMillis} per address. */
  public MemberProbe(int timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Probes each {@code host:port} of {@code addresses} except {@code self} and describes the
   * results in one line, addresses grouped by what answered, e.g. {@code accepts connections:
   * 127.0.0.1:5701; connection refused: 127.0.0.11:5701, 127.0.0.12:5701}.
   */
  public String describe(List<String> addresses, String self) {
    Map<String, List<String>> byResult = new LinkedHashMap<>();
    int probed = 0;
    for (String a : addresses) {
      if (a.equals(self)) {
        continue;
      }
      if (probed++ == MAX_ADDRESSES) {
        byResult
            .computeIfAbsent("not probed", k -> new ArrayList<>())
            .add((addresses.size() - MAX_ADDRESSES) + " more");
        break;
      }
      byResult.computeIfAbsent(probe(a), k -> new ArrayList<>()).add(a);
    }
    if (byResult.isEmpty()) {
      return "no other member address is configured";
    }
    StringBuilder b = new StringBuilder();
    byResult.forEach(
        (result, list) ->
            b.append(b.length() == 0 ? "" : "; ")
                .append(result)
                .append(": ")
                .append(String.join(", ", list)));
    return b.toString();
  }

  /** What answered at {@code host:port}. */
  String probe(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return "not host:port";
    }
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "not host:port";
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      return "accepts connections";
    } catch (UnknownHostException e) {
      return "unknown host";
    } catch (ConnectException e) {
      return "connection refused";
    } catch (SocketTimeoutException e) {
      return "no answer within " + timeoutMillis + " ms";
    } catch (IOException | IllegalArgumentException e) {
      return "cannot connect (" + e.getMessage() + ")";
    }
  }
}
