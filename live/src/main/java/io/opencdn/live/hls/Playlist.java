package io.opencdn.live.hls;

import java.util.List;
import java.util.Locale;

/** The live media playlist of RFC 8216 (version 3) for a window of segments. */
public final class Playlist {

  private Playlist() {}

  /**
   * The playlist of {@code listed} (oldest first).
   *
   * @param targetMillis the configured segment length: the target duration is at least its whole
   *     seconds
   * @param discontinuitySequence discontinuity tags removed with segments that left the window so
   *     far
   */
  public static String render(List<Segment> listed, long targetMillis, long discontinuitySequence) {
    long target = Math.max(1, (targetMillis + 999) / 1000);
    for (Segment s : listed) {
      target = Math.max(target, Math.round(s.durationMillis() / 1000.0));
    }
    StringBuilder b = new StringBuilder(64 + 48 * listed.size());
    b.append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:").append(target).append('\n');
    b.append("#EXT-X-MEDIA-SEQUENCE:")
        .append(listed.isEmpty() ? 0 : listed.get(0).sequence())
        .append('\n');
    if (discontinuitySequence > 0) {
      b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
    }
    for (Segment s : listed) {
      if (s.discontinuity()) {
        b.append("#EXT-X-DISCONTINUITY\n");
      }
      b.append("#EXTINF:")
          .append(String.format(Locale.ROOT, "%.3f", s.durationMillis() / 1000.0))
          .append(",\n");
      b.append(s.name()).append('\n');
    }
    return b.toString();
  }
}
