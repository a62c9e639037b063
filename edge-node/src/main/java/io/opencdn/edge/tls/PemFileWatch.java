package io.opencdn.edge.tls;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notice of changes in the directories of the PEM files, from the operating system (inotify on
 * Linux), so that a certificate renamed into place is seen within milliseconds rather than at the
 * next poll. Any entry created, changed or removed in one of the directories counts (an operator's
 * tool may swap a symbolic link or a directory rather than the file itself): the listener compares
 * the files' digest before reloading anything. One daemon thread waits for the events; {@link
 * #close} ends it. Where the file system gives no notice (some network file systems), the periodic
 * check remains.
 */
public final class PemFileWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PemFileWatch.class);

  private final WatchService service;
  private final Thread thread;

  private PemFileWatch(WatchService service, Runnable changed, String edgeId) {
    this.service = service;
    this.thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  WatchKey key = service.take();
                  key.pollEvents();
                  key.reset();
                  changed.run();
                }
              } catch (ClosedWatchServiceException | InterruptedException e) {
                // closed: the listener stopped
              } catch (RuntimeException e) {
                LOG.warn(
                    "edge {}: the PEM directory watch stopped ({}); the periodic check remains",
                    edgeId,
                    e.toString());
              }
            },
            "tls-pem-watch-" + edgeId);
    thread.setDaemon(true);
  }

  /**
   * Watches the directories of {@code files}; {@code changed} runs (on the watch's own thread)
   * after each batch of events. Yields null, with a log line, where the file system offers no
   * watch: the periodic check then does the work alone.
   */
  public static PemFileWatch start(Collection<String> files, Runnable changed, String edgeId) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String f : files) {
      Path parent = Path.of(f).toAbsolutePath().normalize().getParent();
      if (parent != null) {
        dirs.add(parent);
      }
    }
    WatchService service = null;
    try {
      service = FileSystems.getDefault().newWatchService();
      for (Path d : dirs) {
        d.register(
            service,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn(
          "edge {}: cannot watch the directories of the PEM files {} ({}): only the periodic check"
              + " sees their changes",
          edgeId,
          dirs,
          e.toString());
      if (service != null) {
        try {
          service.close();
        } catch (IOException ignored) {
          // nothing more to release
        }
      }
      return null;
    }
    PemFileWatch w = new PemFileWatch(service, changed, edgeId);
    w.thread.start();
    return w;
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      LOG.debug("closing the PEM directory watch: {}", e.toString());
    }
  }
}
