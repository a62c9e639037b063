package io.opencdn.live.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live streaming at an edge (YAML key {@code live}; absent: off): RTMP publish and play on {@code
 * rtmp}, relays between edges, live HLS ({@link HlsConfig}). Every value is validated here and a
 * mistake names its key.
 *
 * @param rtmp address of the RTMP listener (port 0: any free port); required
 * @param app the RTMP application publishers and players connect to: {@code
 *     rtmp://host/<app>/<stream>} (default {@code live})
 * @param streamKeys how stream keys are checked: {@code hmac} (default: derived from the cluster
 *     secret) or {@code static} ({@code keys}); see {@link StreamKeyMode}
 * @param keys with {@code streamKeys: static}, stream name to its key (at least 16 characters each)
 * @param chunkSize the chunk size this edge sends with (RTMP Set Chunk Size), 128..65536 (default
 *     4096)
 * @param windowAckBytes the acknowledgement window announced to peers (Window Acknowledgement Size
 *     and Set Peer Bandwidth), 4096..2^31-1 (default 2500000)
 * @param maxMessageBytes the largest RTMP message accepted (a key frame is one message),
 *     4096..16777215 (default 8388608); a peer that announces a larger one is disconnected
 * @param gopCacheBytes the last group of pictures kept per stream so a new viewer starts at once
 *     with a key frame, 0..268435456 (default 16777216; 0 = no GOP cache: viewers wait for the next
 *     key frame); a GOP larger than this is not cached
 * @param viewerBufferBytes what may wait for one viewer's connection, 65536..268435456 (default
 *     4194304): a viewer that falls further behind is disconnected, it never slows the others; a
 *     new viewer's start (the cached GOP) comes on top, so one viewer holds at most this plus
 *     {@code gopCacheBytes}
 * @param maxConnections RTMP connections at most (publishers, players, relays), 1..1000000 (default
 *     10000)
 * @param publisherGraceMillis how long a stream whose publisher left waits for it to come back (to
 *     this or another edge) before its viewers are told it ended, 0..600000 (default 10000)
 * @param relayLingerMillis how long a relay keeps its upstream after its last viewer left,
 *     0..600000 (default 5000)
 * @param hls live HLS ({@link HlsConfig#defaults()} when absent)
 */
public record LiveConfig(
    @JsonProperty("rtmp") Endpoint rtmp,
    @JsonProperty("app") String app,
    @JsonProperty("streamKeys") String streamKeys,
    @JsonProperty("keys") Map<String, String> keys,
    @JsonProperty("chunkSize") Integer chunkSize,
    @JsonProperty("windowAckBytes") Integer windowAckBytes,
    @JsonProperty("maxMessageBytes") Integer maxMessageBytes,
    @JsonProperty("gopCacheBytes") Integer gopCacheBytes,
    @JsonProperty("viewerBufferBytes") Integer viewerBufferBytes,
    @JsonProperty("maxConnections") Integer maxConnections,
    @JsonProperty("publisherGraceMillis") Integer publisherGraceMillis,
    @JsonProperty("relayLingerMillis") Integer relayLingerMillis,
    @JsonProperty("hls") HlsConfig hls) {

  /** Stream names: what may follow the application in an RTMP URL and the HLS prefix in a path. */
  public static final String STREAM_NAME = "[A-Za-z0-9_-]{1,64}";

  public LiveConfig {
    ConfigException.require(rtmp != null, "rtmp", "host:port of the RTMP listener", "nothing");
    app = app == null ? "live" : app;
    ConfigException.require(
        app.matches("[A-Za-z0-9._-]{1,64}"),
        "app",
        "1-64 characters of A-Z a-z 0-9 . _ -",
        "'" + app + "'");
    StreamKeyMode mode = StreamKeyMode.parse(streamKeys == null ? "hmac" : streamKeys);
    ConfigException.require(mode != null, "streamKeys", "hmac or static", streamKeys);
    streamKeys = mode.name().toLowerCase(java.util.Locale.ROOT);
    keys = keys == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(keys));
    if (mode == StreamKeyMode.STATIC) {
      ConfigException.require(
          !keys.isEmpty(), "keys", "stream: key entries with streamKeys: static", "none");
    } else {
      ConfigException.require(
          keys.isEmpty(),
          "keys",
          "no entries with streamKeys: hmac (keys are derived)",
          keys.size() + " entries");
    }
    for (Map.Entry<String, String> k : keys.entrySet()) {
      ConfigException.require(
          k.getKey().matches(STREAM_NAME),
          "keys",
          "stream names of " + STREAM_NAME,
          "'" + k.getKey() + "'");
      ConfigException.require(
          k.getValue() != null
              && k.getValue().length() >= 16
              && k.getValue().matches("[\\x21-\\x7e]+")
              && !k.getValue().contains("&"),
          "keys." + k.getKey(),
          "a key of at least 16 printable characters without spaces or &",
          k.getValue() == null ? "nothing" : k.getValue().length() + " characters");
    }
    chunkSize = orDefault(chunkSize, 4096, 128, 65_536, "chunkSize");
    windowAckBytes =
        orDefault(windowAckBytes, 2_500_000, 4096, Integer.MAX_VALUE, "windowAckBytes");
    maxMessageBytes = orDefault(maxMessageBytes, 8 << 20, 4096, 0xFFFFFF, "maxMessageBytes");
    gopCacheBytes = orDefault(gopCacheBytes, 16 << 20, 0, 256 << 20, "gopCacheBytes");
    viewerBufferBytes =
        orDefault(viewerBufferBytes, 4 << 20, 65_536, 256 << 20, "viewerBufferBytes");
    maxConnections = orDefault(maxConnections, 10_000, 1, 1_000_000, "maxConnections");
    publisherGraceMillis =
        orDefault(publisherGraceMillis, 10_000, 0, 600_000, "publisherGraceMillis");
    relayLingerMillis = orDefault(relayLingerMillis, 5000, 0, 600_000, "relayLingerMillis");
    hls = hls == null ? HlsConfig.defaults() : hls;
  }

  /** Live streaming on {@code rtmp} with every other key at its default. */
  public static LiveConfig on(Endpoint rtmp) {
    return new LiveConfig(
        rtmp, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The stream key mode. */
  public StreamKeyMode keyMode() {
    return StreamKeyMode.valueOf(streamKeys.toUpperCase(java.util.Locale.ROOT));
  }

  private static int orDefault(Integer value, int fallback, int min, int max, String key) {
    int v = value == null ? fallback : value;
    ConfigException.require(v >= min && v <= max, key, min + ".." + max, v);
    return v;
  }

  /**
   * {@link io.opencdn.common.config.Redacted}: every component but {@code keys}, which are never
   * printed.
   */
  @Override
  public String toString() {
    return io.opencdn.common.config.Redacted.text(this, java.util.Set.of("keys"));
  }
}
