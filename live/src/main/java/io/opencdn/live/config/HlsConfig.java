package io.opencdn.live.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * Live HLS of the streams published to this edge (YAML key {@code live.hls}): the ingest edge
 * remuxes each stream's H.264 and AAC into MPEG-TS segments without transcoding and keeps a sliding
 * playlist (RFC 8216); other edges fetch both through their HTTP cache.
 *
 * @param enabled produce HLS at all (default true)
 * @param segmentMillis target segment length: a segment is cut at the first key frame at least this
 *     long after its start, 1000..30000 (default 2000); the playlist's {@code EXT-X-TARGETDURATION}
 *     is the longest segment rounded up
 * @param playlistSegments segments listed in the playlist, 3..30 (default 5); two more are kept for
 *     players that read an older playlist, so memory per stream is about {@code (playlistSegments +
 *     2) x segmentMillis x bitrate}
 * @param pathPrefix the HTTP path under which playlists and segments are served, {@code /NAME/}
 *     (default {@code /live/}): {@code /live/<stream>/index.m3u8}, {@code /live/<stream>/<n>.ts};
 *     only these two shapes are taken from the distributions, every other path under it is content
 *     as usual
 */
public record HlsConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("segmentMillis") Integer segmentMillis,
    @JsonProperty("playlistSegments") Integer playlistSegments,
    @JsonProperty("pathPrefix") String pathPrefix) {

  public HlsConfig {
    enabled = enabled == null || enabled;
    segmentMillis = segmentMillis == null ? 2000 : segmentMillis;
    ConfigException.require(
        segmentMillis >= 1000 && segmentMillis <= 30_000,
        "segmentMillis",
        "1000..30000",
        segmentMillis);
    playlistSegments = playlistSegments == null ? 5 : playlistSegments;
    ConfigException.require(
        playlistSegments >= 3 && playlistSegments <= 30,
        "playlistSegments",
        "3..30",
        playlistSegments);
    pathPrefix = pathPrefix == null ? "/live/" : pathPrefix;
    ConfigException.require(
        pathPrefix.matches("/[A-Za-z0-9._-]{1,32}/"),
        "pathPrefix",
        "/NAME/ with NAME of 1-32 characters A-Z a-z 0-9 . _ -",
        "'" + pathPrefix + "'");
  }

  /** Every default. */
  public static HlsConfig defaults() {
    return new HlsConfig(null, null, null, null);
  }
}
