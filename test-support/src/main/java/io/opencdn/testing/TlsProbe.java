package io.opencdn.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTP/1.1 keep-alive connection over TLS with the JDK's client: a chosen protocol version and
 * SNI name, any certificate accepted (the test looks at which one it got): the edge tests and the
 * launcher's process tests.
 */
public final class TlsProbe implements AutoCloseable {

  private final SSLSocket socket;
  private final InputStream in;

  /**
   * Connects to 127.0.0.1:{@code port} with {@code protocol} (e.g. TLSv1.3) and SNI {@code
   * serverName}.
   */
  public TlsProbe(int port, String protocol, String serverName) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    SSLParameters p = socket.getSSLParameters();
    p.setProtocols(new String[] {protocol});
    p.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(p);
    socket.startHandshake();
    in = socket.getInputStream();
  }

  /** The negotiated protocol version. */
  public String protocol() {
    return socket.getSession().getProtocol();
  }

  /** The server's leaf certificate. */
  public X509Certificate certificate() throws Exception {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  /** The SHA-256 fingerprint of the server's leaf certificate, in hex. */
  public String fingerprint() throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded()));
  }

  /** Sends GET {@code path} with {@code host} and reads the response; yields "status body". */
  public String get(String host, String path) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    String head = readHead();
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head.substring(9, 12) + " " + new String(body, StandardCharsets.UTF_8);
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after " + b);
      }
      b.write(c);
      matched =
          (c == '\r' && (matched == 0 || matched == 2))
                  || (c == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : (c == '\r' ? 1 : 0);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
