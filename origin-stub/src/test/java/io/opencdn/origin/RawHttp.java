package io.opencdn.origin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw HTTP/1.1 exchange over a socket, for requests a client library would rewrite. */
final class RawHttp {

  /** Status line and headers (as text) and the body bytes read until the server closed. */
  record Response(String head, byte[] body) {
    int status() {
      return Integer.parseInt(head.substring(9, 12));
    }

    String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private RawHttp() {}

  /** Sends {@code GET target} with {@code Connection: close} and reads to EOF. */
  static Response get(int port, String target) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: origin.test\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          all.write(buf, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // a server that closes abruptly may reset the connection; keep what arrived
      }
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new IOException("no complete response head: " + text);
      }
      byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      return new Response(text.substring(0, end), body);
    }
  }
}
