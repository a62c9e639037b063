package io.opencdn.live.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class LiveConfigTest {

  static LiveConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "live.yaml", LiveConfig.class);
  }

  @Test
  void defaults() {
    LiveConfig c = parse("rtmp: 127.0.0.1:1935\n");
    assertThat(c.app()).isEqualTo("live");
    assertThat(c.keyMode()).isEqualTo(StreamKeyMode.HMAC);
    assertThat(c.chunkSize()).isEqualTo(4096);
    assertThat(c.windowAckBytes()).isEqualTo(2_500_000);
    assertThat(c.gopCacheBytes()).isEqualTo(16 << 20);
    assertThat(c.viewerBufferBytes()).isEqualTo(4 << 20);
    assertThat(c.hls()).isEqualTo(HlsConfig.defaults());
    assertThat(c.hls().segmentMillis()).isEqualTo(2000);
    assertThat(c.hls().pathPrefix()).isEqualTo("/live/");
  }

  @Test
  void everyMistakeNamesItsKey() {
    assertThatThrownBy(() -> parse("app: live\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "live.yaml: key 'rtmp': expected host:port of the RTMP listener, got nothing");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nstreamKeys: open\n"))
        .hasMessageContaining("key 'streamKeys': expected hmac or static, got open");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nstreamKeys: static\n"))
        .hasMessageContaining(
            "key 'keys': expected stream: key entries with streamKeys: static, got none");
    assertThatThrownBy(
            () -> parse("rtmp: 127.0.0.1:1935\nstreamKeys: static\nkeys: {cam: short}\n"))
        .hasMessageContaining("key 'keys.cam': expected a key of at least 16 printable characters");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nkeys: {cam: 0123456789abcdef}\n"))
        .hasMessageContaining("key 'keys': expected no entries with streamKeys: hmac");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nchunkSize: 64\n"))
        .hasMessageContaining("key 'chunkSize': expected 128..65536, got 64");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nhls: {segmentMillis: 500}\n"))
        .hasMessageContaining("key 'hls.segmentMillis': expected 1000..30000, got 500");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nhls: {pathPrefix: /a/b/}\n"))
        .hasMessageContaining("key 'hls.pathPrefix'");
    assertThatThrownBy(() -> parse("rtmp: 127.0.0.1:1935\nrtmpPort: 1\n"))
        .hasMessageContaining("unknown key");
  }

  @Test
  void staticKeysAreNeverPrinted() {
    LiveConfig c =
        parse("rtmp: 127.0.0.1:1935\nstreamKeys: static\nkeys: {cam: secret-key-0123456789}\n");
    assertThat(c.keys()).containsEntry("cam", "secret-key-0123456789");
    assertThat(c.toString()).doesNotContain("secret-key").contains("keys=(");
  }
}
