package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.opencdn.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EntryChanges} on a real member's map: each kind of entry event reaches the callback it
 * belongs to, and a local copy kept with it follows the map.
 */
class EntryChangesTest {

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start("entry-changes", 1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void addedAndUpdatedArePresentRemovedEvictedAndExpiredAreGoneAClearEmpties() {
    IMap<String, String> map = cluster.member(0).getMap("entry-changes-" + UUID.randomUUID());
    Map<String, String> copy = new ConcurrentHashMap<>();
    List<String> gone = new CopyOnWriteArrayList<>();
    AtomicInteger emptied = new AtomicInteger();
    map.addEntryListener(
        new EntryChanges<String, String>(
            copy::put,
            k -> {
              gone.add(k);
              copy.remove(k);
            },
            () -> {
              emptied.incrementAndGet();
              copy.clear();
            }),
        true);

    map.put("a", "1");
    map.put("b", "1");
    map.put("c", "1");
    map.put("a", "2");
    awaitThat(
        () -> copy.equals(Map.of("a", "2", "b", "1", "c", "1")),
        () -> "added and updated entries copied: " + copy);

    map.remove("b");
    map.evict("c");
    map.put("d", "1", 1, TimeUnit.SECONDS);
    awaitThat(() -> copy.containsKey("d"), () -> "d copied: " + copy);
    // reading an expired entry expires it at once (no wait for the background sweep)
    awaitThat(() -> map.get("d") == null, () -> "d expired");
    awaitThat(
        () -> gone.containsAll(List.of("b", "c", "d")) && copy.equals(Map.of("a", "2")),
        () -> "removed, evicted and expired keys gone: " + gone + ", copy " + copy);
    assertThat(emptied).hasValue(0);

    map.clear();
    awaitThat(
        () -> emptied.get() == 1 && copy.isEmpty(),
        () -> "cleared: " + emptied + " times, copy " + copy);
    assertThat(gone).as("a clear is one map-wide event, not one per key").hasSize(3);
  }

  /** Polls {@code condition} for up to 10 s; fails with {@code what} when it never holds. */
  private static void awaitThat(BooleanSupplier condition, Supplier<String> what) {
    assertThat(Await.poll(condition, Duration.ofSeconds(10))).as(what).isTrue();
  }

  @Test
  void withoutAnEmptiedCallbackAClearLeavesTheCopyAlone() {
    IMap<String, String> map = cluster.member(0).getMap("entry-changes-" + UUID.randomUUID());
    Map<String, String> copy = new ConcurrentHashMap<>();
    map.addEntryListener(new EntryChanges<String, String>(copy::put, copy::remove), true);
    map.put("a", "1");
    awaitThat(() -> copy.containsKey("a"), () -> "copied: " + copy);
    map.clear();
    map.put("marker", "1");
    awaitThat(() -> copy.containsKey("marker"), () -> "marker copied: " + copy);
    assertThat(copy).as("map-wide events ignored").containsEntry("a", "1");
  }
}
