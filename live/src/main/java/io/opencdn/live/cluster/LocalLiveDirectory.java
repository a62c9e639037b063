package io.opencdn.live.cluster;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The directory of a single edge without a cluster: its own announcements, in memory. */
public final class LocalLiveDirectory implements LiveDirectory {

  private final ConcurrentHashMap<String, LiveStreamRecord> records = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    records.clear();
    return Future.succeededFuture();
  }

  @Override
  public LiveStreamRecord lookup(String stream) {
    return records.get(stream);
  }

  @Override
  public Future<Void> announce(LiveStreamRecord record) {
    records.put(record.stream(), record);
    listeners.forEach(l -> l.accept(record.stream()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> withdraw(String stream, long session) {
    if (records.computeIfPresent(stream, (k, r) -> r.session() == session ? null : r) == null) {
      listeners.forEach(l -> l.accept(stream));
    }
    return Future.succeededFuture();
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  @Override
  public String memberId() {
    return "local";
  }
}
