package io.opencdn.edge.admin.status;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of the status page, all read from the class path, so the page works with no internet:
 * the page itself, its script and style; D3 from the {@code org.webjars.npm:d3} WebJar (Maven
 * Central); TopoJSON's client and the world map ({@code world-atlas}'s {@code countries-110m.json},
 * Natural Earth) from their npm packages, which the build fetches from the npm registry and puts
 * under {@code vendor/}, their licences under {@code META-INF/licenses/} (no WebJar of them is on
 * Maven Central). Each file is read once and kept.
 */
public final class StatusAssets {

  /** The version of the D3 WebJar (the pom's); a test checks that the file is there. */
  public static final String D3_VERSION = "7.9.0";

  private static final String BASE = "io/opencdn/edge/admin/status/";

  /** Name served under {@code /_cdn/status/assets/} -> class path resource and content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "index.html",
          new String[] {BASE + "index.html", "text/html; charset=utf-8"},
          "status.js",
          new String[] {BASE + "status.js", "text/javascript; charset=utf-8"},
          "status.css",
          new String[] {BASE + "status.css", "text/css; charset=utf-8"},
          "d3.min.js",
          new String[] {
            "META-INF/resources/webjars/d3/" + D3_VERSION + "/dist/d3.min.js",
            "text/javascript; charset=utf-8"
          },
          "topojson-client.min.js",
          new String[] {BASE + "vendor/topojson-client.min.js", "text/javascript; charset=utf-8"},
          "countries-110m.json",
          new String[] {BASE + "vendor/countries-110m.json", "application/json"});

  private final Map<String, Buffer> loaded = new ConcurrentHashMap<>();

  /** The content type of {@code name}, or null when there is no such file. */
  public String type(String name) {
    String[] f = FILES.get(name);
    return f == null ? null : f[1];
  }

  /** The bytes of {@code name} (one of the names {@link #type} knows). */
  public Buffer read(String name) {
    return loaded.computeIfAbsent(
        name,
        n -> {
          String resource = FILES.get(n)[0];
          try (InputStream in = StatusAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new IllegalStateException("missing from the class path: " + resource);
            }
            return Buffer.buffer(in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
