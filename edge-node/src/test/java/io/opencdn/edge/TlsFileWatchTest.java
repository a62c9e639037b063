package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.tls.Pems;
import io.opencdn.testing.Await;
import io.opencdn.testing.SelfSigned;
import io.opencdn.testing.TlsProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files replaced on disk are seen through the operating system's notice of a change in their
 * directory, not only at the periodic check: here the check runs once an hour, so only the notice
 * can have brought the new certificate. A key renamed into place before its certificate is refused
 * (the pair does not match yet) without keeping the certificate that follows from being served.
 */
class TlsFileWatchTest extends EdgeHarness {

  /** A periodic check that does not run during a test. */
  static final int HOURLY = 3_600_000;

  @TempDir Path dir;

  private EdgeConfig.Builder withFiles(SelfSigned.Pem pair) {
    return testEdge()
        .tls(
            new TlsConfig(
                Endpoint.parse("127.0.0.1:0"),
                List.of(new TlsConfig.Certificate(pair.cert().toString(), pair.key().toString())),
                true,
                "auto",
                HOURLY,
                null));
  }

  @Test
  void aCertificateRenamedIntoPlaceIsServedWithoutWaitingForThePeriodicCheck() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    SelfSigned.Pem first = Pems.make(live, "www", HOST, false);
    start(withFiles(first).build());
    String before = served();

    Pems.make(live, "www", HOST, false); // new key, then new certificate, each renamed into place

    Await.until(Duration.ofSeconds(10), () -> !before.equals(served()));
    assertThat(edge.tls().stats().getLong("reloads")).isEqualTo(1L);
  }

  @Test
  void aKeyAheadOfItsCertificateIsRefusedThenThePairIsServed() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    Path next = Files.createDirectories(dir.resolve("next"));
    SelfSigned.Pem first = Pems.make(live, "www", HOST, false);
    SelfSigned.Pem second = Pems.make(next, "www", HOST, false);
    start(withFiles(first).build());
    String before = served();

    renameOver(second.key(), first.key());
    Await.until(Duration.ofSeconds(10), () -> edge.tls().stats().getLong("reloadFailures") >= 1L);
    assertThat(served()).as("the pair in use stays").isEqualTo(before);

    renameOver(second.cert(), first.cert());
    Await.until(Duration.ofSeconds(10), () -> !before.equals(served()));
    assertThat(edge.tls().stats().getLong("reloads")).isEqualTo(1L);
  }

  /**
   * Copies {@code from} beside {@code to} and renames it over {@code to}, as tools replace files.
   */
  private static void renameOver(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The fingerprint of the certificate served to a new connection for {@link #HOST}. */
  private String served() {
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      return probe.fingerprint();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
