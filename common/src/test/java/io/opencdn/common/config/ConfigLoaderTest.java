package io.opencdn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  record Item(@JsonProperty("name") String name, @JsonProperty("ttl") Integer ttl) {
    Item {
      ttl = ttl == null ? 20 : ttl;
      ConfigException.require(ttl >= 1 && ttl <= 86400, "ttl", "1..86400", ttl);
    }
  }

  record Sample(@JsonProperty("listen") Endpoint listen, @JsonProperty("items") List<Item> items) {}

  @Test
  void loadsAValidFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("a.yaml");
    Files.writeString(f, "listen: 127.0.0.1:8053\nitems:\n  - name: www\n");
    Sample s = ConfigLoader.load(f, Sample.class);
    assertThat(s.listen()).isEqualTo(new Endpoint("127.0.0.1", 8053));
    assertThat(s.items()).containsExactly(new Item("www", 20));
  }

  @Test
  void invalidValueNamesFileKeyAndExpectation(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "listen: 127.0.0.1:8053\nitems:\n  - name: www\n    ttl: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Sample.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f.toString() + ": key 'items[0].ttl': expected 1..86400, got 0");
  }

  @Test
  void badEndpointNamesTheKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "listen: nonsense\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Sample.class))
        .hasMessageStartingWith(f + ": key 'listen': expected host:port, got 'nonsense'");
  }

  @Test
  void unknownKeyIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("listn: 1.2.3.4:5\n", "x.yaml", Sample.class))
        .hasMessageContaining("x.yaml: key 'listn': unknown key");
  }

  @Test
  void malformedYamlAndMissingFileAreOneLine(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.parse("listen: [\n", "y.yaml", Sample.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("y.yaml: ");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.yaml"), Sample.class))
        .hasMessage(dir.resolve("none.yaml") + ": file not found");
    assertThatThrownBy(() -> ConfigLoader.parse("", "e.yaml", Sample.class))
        .hasMessage("e.yaml: the file is empty");
  }

  @Test
  void environmentVariablesAreSubstituted() {
    Map<String, String> env = Map.of("PORT", "53");
    assertThat(ConfigLoader.interpolate("a: ${PORT}\nb: ${NONE:-x}\nc: ${EMPTY:-}", "f", env))
        .isEqualTo("a: 53\nb: x\nc: ");
    assertThatThrownBy(() -> ConfigLoader.interpolate("s: ${CDN_TEST_UNSET_VAR}", "f.yaml", env))
        .hasMessage(
            "f.yaml: environment variable CDN_TEST_UNSET_VAR is not set (the file uses ${CDN_TEST_UNSET_VAR})");
  }

  @Test
  void locationsResolveRelativeToTheirFile() {
    assertThat(ConfigLocation.resolve("classpath:demo/dns.yaml", "cdn.test.zone"))
        .isEqualTo("classpath:demo/cdn.test.zone");
    assertThat(ConfigLocation.resolve("/etc/cdn/dns.yaml", "zones/a.zone"))
        .isEqualTo(Path.of("/etc/cdn/zones/a.zone").toString());
    assertThat(ConfigLocation.resolve("/etc/cdn/dns.yaml", "/abs.zone")).isEqualTo("/abs.zone");
    assertThatThrownBy(() -> ConfigLocation.open("classpath:nope/none.txt"))
        .hasMessage("classpath:nope/none.txt: resource not found");
  }
}
