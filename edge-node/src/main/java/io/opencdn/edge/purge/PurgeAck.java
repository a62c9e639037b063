package io.opencdn.edge.purge;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Entry processor adding one edge's acknowledgement (edge id to the clock time it finished
 * purging) to the {@code purge-acks} entry of an invalidation, atomically on its partition.
 */
record PurgeAck(String edgeId, long atMillis, long ttlMillis) implements EntryProcessor<String, HashMap<String, Long>, Void> {

  @Override
  public Void process(Map.Entry<String, HashMap<String, Long>> entry) {
    HashMap<String, Long> acks = entry.getValue() == null ? new HashMap<>() : new HashMap<>(entry.getValue());
    acks.put(edgeId, atMillis);
    ((ExtendedMapEntry<String, HashMap<String, Long>>) entry).setValue(acks, ttlMillis, TimeUnit.MILLISECONDS);
    return null;
  }
}
