package io.opencdn.edge.cluster.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy on disk of the entries of {@link AcmeStore} ({@code tls.acme.storeDirectory}), so that a
 * restart of the whole cluster (when the cluster's memory is gone) neither registers again nor
 * re-issues. One file per entry, named by the SHA-256 of its map key, holding the entry's value as
 * stored in the cluster (private keys sealed under the cluster secret); files of mode 0600 in a
 * directory of mode 0700 (where the file system has POSIX permissions), replaced atomically.
 * Blocking file I/O: a worker thread's.
 */
final class AcmeDisk {

  private static final Logger LOG = LoggerFactory.getLogger(AcmeDisk.class);

  private final Path dir;

  AcmeDisk(Path dir) {
    this.dir = dir;
  }

  /** The value stored for {@code place}, or null (none, or unreadable: logged). */
  String read(String place) {
    try {
      return Files.readString(file(place), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.warn("ACME store {}: cannot read {}: {}", dir, file(place), e.toString());
      return null;
    }
  }

  /** Stores {@code value} for {@code place} unless it is stored already; failures are logged. */
  void write(String place, String value) {
    if (value == null || value.equals(read(place))) {
      return;
    }
    Path target = file(place);
    try {
      if (!Files.isDirectory(dir)) {
        createPrivateDirectory(dir);
      }
      // a file of its own per write: writers of the same entry (an event, a read) may overlap
      Path tmp =
          dir.getFileSystem().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(
                  dir,
                  ".acme-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".acme-", ".tmp");
      try {
        Files.writeString(tmp, value, StandardCharsets.UTF_8);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      LOG.warn("ACME store {}: cannot write {}: {}", dir, target, e.toString());
    }
  }

  private static void createPrivateDirectory(Path p) throws IOException {
    try {
      if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(
            p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(p);
      }
    } catch (FileAlreadyExistsException e) {
      // made by another edge of the same host in the meantime
    }
  }

  private Path file(String place) {
    return dir.resolve(AcmeStore.sha256(place).substring(0, 40) + ".json");
  }
}
