package io.opencdn.edge.cluster.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcmeDiskTest {

  @TempDir Path tmp;

  @Test
  void keepsEachEntryInAPrivateFileAndReadsItBack() throws Exception {
    Path dir = tmp.resolve("acme");
    AcmeDisk disk = new AcmeDisk(dir);
    assertThat(disk.read("cert|https://acme.test/dir|www.cdn.test")).isNull();

    disk.write("cert|https://acme.test/dir|www.cdn.test", "{\"chain\":\"one\"}");
    disk.write("account|https://acme.test/dir", "{\"key\":\"sealed\"}");
    assertThat(disk.read("cert|https://acme.test/dir|www.cdn.test"))
        .isEqualTo("{\"chain\":\"one\"}");
    assertThat(disk.read("account|https://acme.test/dir")).isEqualTo("{\"key\":\"sealed\"}");

    disk.write("cert|https://acme.test/dir|www.cdn.test", "{\"chain\":\"two\"}");
    assertThat(new AcmeDisk(dir).read("cert|https://acme.test/dir|www.cdn.test"))
        .as("replaced, and read by a new instance (a restart)")
        .isEqualTo("{\"chain\":\"two\"}");

    try (var files = Files.list(dir)) {
      assertThat(files.toList())
          .hasSize(2)
          .allSatisfy(
              f -> {
                assertThat(f.getFileName().toString()).endsWith(".json").doesNotContain("|");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .isEqualTo("rw-------");
              });
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }
}
