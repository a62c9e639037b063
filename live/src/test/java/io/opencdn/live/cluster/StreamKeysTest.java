package io.opencdn.live.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamKeysTest {

  @Test
  void hmacKeysAreDerivedPerStreamFromTheClusterSecret() {
    StreamKeys keys = StreamKeys.hmac("a-cluster-secret-0123456789");
    String cam = keys.keyFor("cam");
    assertThat(cam).matches("[0-9a-f]{32}");
    assertThat(StreamKeys.hmac("a-cluster-secret-0123456789").keyFor("cam"))
        .as("same on every edge")
        .isEqualTo(cam);
    assertThat(keys.keyFor("cam2")).isNotEqualTo(cam);
    assertThat(StreamKeys.hmac("another-secret-0123456789").keyFor("cam")).isNotEqualTo(cam);
    assertThat(keys.accepts("cam", cam)).isTrue();
    assertThat(keys.accepts("cam2", cam)).isFalse();
    assertThat(keys.accepts("cam", cam.toUpperCase())).isFalse();
    assertThat(keys.accepts("cam", null)).isFalse();
    assertThat(keys.accepts("cam", "")).isFalse();
    // not the record key: a stream key reveals nothing about record tags
    assertThat(cam)
        .isNotEqualTo(
            io.opencdn.common.cluster.RecordMac.hex(
                io.opencdn.common.cluster.RecordMac.fromSecret("a-cluster-secret-0123456789")
                    .tag("cam")));
  }

  @Test
  void staticKeysAcceptOnlyTheListedStreams() {
    StreamKeys keys = StreamKeys.fixed(Map.of("cam", "key-of-cam-0123456789"));
    assertThat(keys.accepts("cam", "key-of-cam-0123456789")).isTrue();
    assertThat(keys.accepts("cam", "key-of-cam-012345678")).isFalse();
    assertThat(keys.accepts("other", "key-of-cam-0123456789")).isFalse();
    assertThat(keys.keyFor("other")).isNull();
  }
}
