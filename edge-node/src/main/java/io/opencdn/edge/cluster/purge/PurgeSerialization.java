package io.opencdn.edge.cluster.purge;

import io.opencdn.common.cluster.RecordSerializer;
import io.opencdn.edge.cluster.EdgeSerialization;

/**
 * The serializers of the invalidation records ({@link PurgeRequest} on the {@code purges} topic,
 * {@link InvalidationRecord}, {@link PurgeAck} and its receipts), found by Hazelcast through this
 * module's {@code META-INF/services/com.hazelcast.SerializerHook}; see {@link EdgeSerialization}.
 */
public final class PurgeSerialization {

  static final int PURGE_REQUEST = 730_211;
  static final int INVALIDATION_RECORD = 730_212;
  static final int PURGE_ACK = 730_213;
  static final int PURGE_RECEIPT = 730_214;

  private PurgeSerialization() {}

  /** {@link PurgeRequest}. */
  public static final class PurgeRequestHook extends EdgeSerialization.Hook<PurgeRequest> {
    public PurgeRequestHook() {
      super(new RecordSerializer<>(PurgeRequest.class, PURGE_REQUEST, (out, v) -> v.write(out), PurgeRequest::read));
    }
  }

  /** {@link InvalidationRecord}. */
  public static final class InvalidationRecordHook extends EdgeSerialization.Hook<InvalidationRecord> {
    public InvalidationRecordHook() {
      super(new RecordSerializer<>(InvalidationRecord.class, INVALIDATION_RECORD, (out, v) -> v.write(out),
          InvalidationRecord::read));
    }
  }

  /** {@link PurgeAck}. */
  public static final class PurgeAckHook extends EdgeSerialization.Hook<PurgeAck> {
    public PurgeAckHook() {
      super(new RecordSerializer<>(PurgeAck.class, PURGE_ACK, (out, v) -> v.write(out), PurgeAck::read));
    }
  }

  /** {@link PurgeAck.Receipt}. */
  public static final class PurgeReceiptHook extends EdgeSerialization.Hook<PurgeAck.Receipt> {
    public PurgeReceiptHook() {
      super(new RecordSerializer<>(PurgeAck.Receipt.class, PURGE_RECEIPT, (out, v) -> v.write(out), PurgeAck.Receipt::read));
    }
  }
}
