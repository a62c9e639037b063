package io.opencdn.dns.geo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Approximate geographic centres of about 110 countries (classpath {@code
 * geo/country-centroids.csv}), used when a GeoIP record names a country but no coordinates. Good to
 * a few hundred km, which is enough to pick a continent's edge.
 */
public final class CountryCentroids {

  /** Source name of locations placed here. */
  public static final String SOURCE = "country-centroid";

  /**
   * One centre.
   *
   * @param latitude degrees
   * @param longitude degrees
   * @param continent continent code
   */
  public record Centroid(double latitude, double longitude, String continent) {}

  private final Map<String, Centroid> table;

  private CountryCentroids(Map<String, Centroid> table) {
    this.table = Map.copyOf(table);
  }

  /** The embedded table. */
  public static CountryCentroids embedded() {
    Map<String, Centroid> t = new HashMap<>();
    try (InputStream in =
            CountryCentroids.class
                .getClassLoader()
                .getResourceAsStream("geo/country-centroids.csv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split(",");
        t.put(f[0], new Centroid(Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CountryCentroids(t);
  }

  /** The centre of {@code country} (ISO 3166-1 alpha-2), if known. */
  public Optional<Centroid> of(String country) {
    return country == null ? Optional.empty() : Optional.ofNullable(table.get(country));
  }

  /** Number of countries in the table. */
  public int size() {
    return table.size();
  }
}
