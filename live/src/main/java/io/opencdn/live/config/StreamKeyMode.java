package io.opencdn.live.config;

/**
 * How a publisher's stream key is checked ({@code live.streamKeys}).
 *
 * <ul>
 *   <li>{@link #HMAC}: the key of stream {@code S} is an HMAC of {@code S} under a key derived from
 *       the cluster secret ({@code ./cdn stream-key}); every edge of the cluster checks it without
 *       any list.
 *   <li>{@link #STATIC}: the keys are listed in the config ({@code live.keys}, stream to key); a
 *       stream not listed cannot be published.
 * </ul>
 */
public enum StreamKeyMode {
  HMAC,
  STATIC;

  /** The mode named {@code text} (case-insensitive), or null. */
  static StreamKeyMode parse(String text) {
    for (StreamKeyMode m : values()) {
      if (m.name().equalsIgnoreCase(text)) {
        return m;
      }
    }
    return null;
  }
}
