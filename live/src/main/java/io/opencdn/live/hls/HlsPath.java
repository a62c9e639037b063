package io.opencdn.live.hls;

import io.opencdn.live.config.LiveConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path of live HLS: {@code <prefix><stream>/index.m3u8} (the playlist) or {@code
 * <prefix><stream>/<sequence>-<session>.ts} (a segment). Other paths under the prefix are not live
 * HLS and stay with the distributions.
 *
 * @param stream the stream name
 * @param file {@value #PLAYLIST} or a segment name
 */
public record HlsPath(String stream, String file) {

  /** The playlist's file name. */
  public static final String PLAYLIST = "index.m3u8";

  private static final Pattern SHAPE =
      Pattern.compile(
          "(" + LiveConfig.STREAM_NAME + ")/(index\\.m3u8|[0-9]{1,19}-[0-9a-f]{1,8}\\.ts)");

  /** The HLS path {@code path} names under {@code prefix}, or null. */
  public static HlsPath parse(String prefix, String path) {
    if (path == null || !path.startsWith(prefix)) {
      return null;
    }
    Matcher m = SHAPE.matcher(path.substring(prefix.length()));
    return m.matches() ? new HlsPath(m.group(1), m.group(2)) : null;
  }

  /** Whether this is the playlist. */
  public boolean playlist() {
    return PLAYLIST.equals(file);
  }
}
