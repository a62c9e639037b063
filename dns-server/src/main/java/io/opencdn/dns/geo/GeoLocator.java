package io.opencdn.dns.geo;

import java.net.InetAddress;
import java.util.Optional;

/** Maps a client address to a location. Implementations are thread-safe and never block on I/O. */
@FunctionalInterface
public interface GeoLocator {

  /** The location of {@code address}, or empty when the source has none for it. */
  Optional<ClientLocation> locate(InetAddress address);
}
