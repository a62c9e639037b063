package io.opencdn.live.session;

import io.opencdn.live.config.LiveConfig;

/**
 * The stream name of an RTMP {@code publish} or {@code play}, and the stream key passed with it
 * ({@code name?key=K&...}).
 *
 * @param name a valid stream name ({@link LiveConfig#STREAM_NAME})
 * @param key the {@code key} parameter, or null
 */
record StreamName(String name, String key) {

  /** {@code text} split into name and key; null when the name is not a valid stream name. */
  static StreamName parse(String text) {
    if (text == null) {
      return null;
    }
    int q = text.indexOf('?');
    String name = q < 0 ? text : text.substring(0, q);
    if (!name.matches(LiveConfig.STREAM_NAME)) {
      return null;
    }
    String key = null;
    if (q >= 0) {
      for (String pair : text.substring(q + 1).split("&")) {
        if (pair.startsWith("key=")) {
          key = pair.substring(4);
        }
      }
    }
    return new StreamName(name, key);
  }
}
