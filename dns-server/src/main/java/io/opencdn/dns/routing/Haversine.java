package io.opencdn.dns.routing;

/** Great-circle distance on a spherical Earth (haversine formula). */
public final class Haversine {

  /** Mean Earth radius in km (IUGG). */
  public static final double EARTH_RADIUS_KM = 6371.0088;

  private Haversine() {}

  /** Distance in km between two points given in degrees. */
  public static double km(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dp / 2) * Math.sin(dp / 2)
            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
