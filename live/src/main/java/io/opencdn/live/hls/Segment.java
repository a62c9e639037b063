package io.opencdn.live.hls;

/**
 * One finished MPEG-TS segment of a live stream.
 *
 * @param sequence its media sequence number (RFC 8216 6.2.1)
 * @param name the file name the playlist lists, {@code <sequence>-<packager session>.ts}: unique
 *     across packagers, so an immutable cached copy can never stand for another segment
 * @param durationMillis its duration
 * @param data the transport stream, starting with PAT and PMT and, with video, a key frame
 * @param discontinuity whether an {@code EXT-X-DISCONTINUITY} precedes it (a new source session)
 */
public record Segment(
    long sequence, String name, long durationMillis, byte[] data, boolean discontinuity) {

  @Override
  public String toString() {
    return "Segment["
        + name
        + " "
        + durationMillis
        + " ms "
        + data.length
        + " bytes"
        + (discontinuity ? " discontinuity" : "")
        + "]";
  }
}
