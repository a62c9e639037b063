package io.opencdn.edge.cluster;

import com.hazelcast.nio.serialization.Serializer;
import com.hazelcast.nio.serialization.SerializerHook;
import io.opencdn.common.cluster.ClusterSerialization;
import io.opencdn.common.cluster.RecordSerializer;
import io.opencdn.edge.cluster.purge.InvalidationRecord;
import io.opencdn.edge.cluster.purge.PurgeAck;
import io.opencdn.edge.cluster.purge.PurgeRequest;
import io.opencdn.edge.cluster.purge.PurgeSerialization;

/**
 * The serializers of the records only edges share ({@link EdgeLoad}, {@link OriginFailure} and its
 * entry processor, and the invalidation records of {@link PurgeSerialization}), found by Hazelcast
 * through this module's {@code META-INF/services/com.hazelcast.SerializerHook}, beside those {@link
 * ClusterSerialization} registers: fixed type ids from {@code 730_201}, no class names and no Java
 * serialization on the wire.
 */
public final class EdgeSerialization {

  static final int EDGE_LOAD = 730_201;
  static final int ORIGIN_FAILURE = 730_202;
  static final int ORIGIN_FAILURE_REPORT = 730_203;

  private EdgeSerialization() {}

  /** A hook registering one {@link RecordSerializer}. */
  public abstract static class Hook<T> implements SerializerHook<T> {
    private final RecordSerializer<T> serializer;

    protected Hook(RecordSerializer<T> serializer) {
      this.serializer = serializer;
    }

    @Override
    public Class<T> getSerializationType() {
      return serializer.type();
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

  /** {@link EdgeLoad}. */
  public static final class EdgeLoadHook extends Hook<EdgeLoad> {
    public EdgeLoadHook() {
      super(
          new RecordSerializer<>(
              EdgeLoad.class, EDGE_LOAD, (out, v) -> v.write(out), EdgeLoad::read));
    }
  }

  /** {@link OriginFailure}. */
  public static final class OriginFailureHook extends Hook<OriginFailure> {
    public OriginFailureHook() {
      super(
          new RecordSerializer<>(
              OriginFailure.class, ORIGIN_FAILURE, (out, v) -> v.write(out), OriginFailure::read));
    }
  }

  /** {@link OriginFailure.Report}. */
  public static final class OriginFailureReportHook extends Hook<OriginFailure.Report> {
    public OriginFailureReportHook() {
      super(
          new RecordSerializer<>(
              OriginFailure.Report.class,
              ORIGIN_FAILURE_REPORT,
              (out, v) -> v.write(out),
              OriginFailure.Report::read));
    }
  }

  /** {@link PurgeRequest}. */
  public static final class PurgeRequestHook extends Hook<PurgeRequest> {
    public PurgeRequestHook() {
      super(PurgeSerialization.purgeRequest());
    }
  }

  /** {@link InvalidationRecord}. */
  public static final class InvalidationRecordHook extends Hook<InvalidationRecord> {
    public InvalidationRecordHook() {
      super(PurgeSerialization.invalidationRecord());
    }
  }

  /** {@link PurgeAck}. */
  public static final class PurgeAckHook extends Hook<PurgeAck> {
    public PurgeAckHook() {
      super(PurgeSerialization.purgeAck());
    }
  }

  /** {@link PurgeAck.Receipt}. */
  public static final class PurgeReceiptHook extends Hook<PurgeAck.Receipt> {
    public PurgeReceiptHook() {
      super(PurgeSerialization.purgeReceipt());
    }
  }
}
