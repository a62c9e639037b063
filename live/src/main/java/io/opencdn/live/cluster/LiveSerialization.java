package io.opencdn.live.cluster;

import com.hazelcast.nio.serialization.Serializer;
import com.hazelcast.nio.serialization.SerializerHook;
import io.opencdn.common.cluster.RecordSerializer;

/**
 * The serializer of {@link LiveStreamRecord}, found by Hazelcast through this module's {@code
 * META-INF/services/com.hazelcast.SerializerHook}: a fixed type id ({@value #LIVE_STREAM_RECORD};
 * the live module's ids start at 730_301), no class names and no Java serialization on the wire.
 */
public final class LiveSerialization {

  static final int LIVE_STREAM_RECORD = 730_301;

  private LiveSerialization() {}

  /** {@link LiveStreamRecord}. */
  public static final class LiveStreamRecordHook implements SerializerHook<LiveStreamRecord> {
    private final RecordSerializer<LiveStreamRecord> serializer =
        new RecordSerializer<>(
            LiveStreamRecord.class,
            LIVE_STREAM_RECORD,
            (out, v) -> v.write(out),
            LiveStreamRecord::read);

    @Override
    public Class<LiveStreamRecord> getSerializationType() {
      return LiveStreamRecord.class;
    }

    @Override
    public Serializer createSerializer() {
      return serializer;
    }

    @Override
    public boolean isOverwritable() {
      return false;
    }
  }
}
