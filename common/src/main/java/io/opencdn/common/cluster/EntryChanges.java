package io.opencdn.common.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The entry events of a cluster map reduced to what a local copy of it needs: an entry that is
 * there now (added or updated: key and new value), an entry that is gone (removed, evicted or
 * expired: its key), and the whole map emptied ({@code clear} or {@code evictAll}). Register it
 * with the values included ({@code addEntryListener(changes, true)}); the callbacks run on
 * Hazelcast's event threads.
 *
 * @param <K> key type of the map
 * @param <V> value type of the map
 */
public final class EntryChanges<K, V>
    implements EntryAddedListener<K, V>,
        EntryUpdatedListener<K, V>,
        EntryRemovedListener<K, V>,
        EntryEvictedListener<K, V>,
        EntryExpiredListener<K, V>,
        MapClearedListener,
        MapEvictedListener {

  private final BiConsumer<? super K, ? super V> present;
  private final Consumer<? super K> gone;
  private final Runnable emptied;

  /**
   * @param present takes the key and value of each added or updated entry
   * @param gone takes the key of each removed, evicted or expired entry
   * @param emptied runs when the map was cleared or evicted as a whole
   */
  public EntryChanges(
      BiConsumer<? super K, ? super V> present, Consumer<? super K> gone, Runnable emptied) {
    this.present = present;
    this.gone = gone;
    this.emptied = emptied;
  }

  /** Changes of a map that is never cleared as a whole (map-wide events are ignored). */
  public EntryChanges(BiConsumer<? super K, ? super V> present, Consumer<? super K> gone) {
    this(present, gone, () -> {});
  }

  @Override
  public void entryAdded(EntryEvent<K, V> e) {
    present.accept(e.getKey(), e.getValue());
  }

  @Override
  public void entryUpdated(EntryEvent<K, V> e) {
    present.accept(e.getKey(), e.getValue());
  }

  @Override
  public void entryRemoved(EntryEvent<K, V> e) {
    gone.accept(e.getKey());
  }

  @Override
  public void entryEvicted(EntryEvent<K, V> e) {
    gone.accept(e.getKey());
  }

  @Override
  public void entryExpired(EntryEvent<K, V> e) {
    gone.accept(e.getKey());
  }

  @Override
  public void mapCleared(MapEvent e) {
    emptied.run();
  }

  @Override
  public void mapEvicted(MapEvent e) {
    emptied.run();
  }
}
