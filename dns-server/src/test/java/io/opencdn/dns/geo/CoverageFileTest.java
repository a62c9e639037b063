package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoverageFileTest {

  static void write(Path file, String text, long mtime) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime));
  }

  @Test
  void reloadsWhenTheFileChangesAndKeepsTheOldTableWhenTheNewOneIsBroken(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("coverage.txt");
    write(file, "10.0.0.0/8 group=a\n", 1_000_000);
    CoverageFile coverage = new CoverageFile(file.toString());
    assertThat(coverage.locate(ip("10.1.1.1")).orElseThrow().group()).isEqualTo("a");
    assertThat(coverage.reloadIfChanged()).isFalse();

    write(file, "10.0.0.0/8 group=b\n10.1.0.0/16 group=c\n", 2_000_000);
    assertThat(coverage.reloadIfChanged()).isTrue();
    assertThat(coverage.locate(ip("10.1.1.1")).orElseThrow().group()).isEqualTo("c");
    assertThat(coverage.locate(ip("10.2.1.1")).orElseThrow().group()).isEqualTo("b");

    write(file, "10.0.0.0/8 nonsense\n", 3_000_000);
    assertThat(coverage.reloadIfChanged()).isFalse();
    assertThat(coverage.current().zones()).hasSize(2);
  }

  @Test
  void aBrokenOrMissingFileAtStartIsAConfigError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "not-a-network group=x\n");
    assertThatThrownBy(() -> new CoverageFile(file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ":line 1: not a network");
    assertThatThrownBy(() -> new CoverageFile(dir.resolve("none.txt").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("file not found");
  }
}
