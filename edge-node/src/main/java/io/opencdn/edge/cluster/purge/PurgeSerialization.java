package io.opencdn.edge.cluster.purge;

import io.opencdn.common.cluster.RecordSerializer;

/**
 * The serializers of the invalidation records ({@link PurgeRequest} on the {@code purges} topic,
 * {@link InvalidationRecord}, {@link PurgeAck} and its receipts): fixed type ids from {@code
 * 730_211}, no class names and no Java serialization on the wire. Hazelcast finds them through the
 * hooks of {@code io.opencdn.edge.cluster.EdgeSerialization}.
 */
public final class PurgeSerialization {

  static final int PURGE_REQUEST = 730_211;
  static final int INVALIDATION_RECORD = 730_212;
  static final int PURGE_ACK = 730_213;
  static final int PURGE_RECEIPT = 730_214;

  private PurgeSerialization() {}

  /** {@link PurgeRequest}. */
  public static RecordSerializer<PurgeRequest> purgeRequest() {
    return new RecordSerializer<>(
        PurgeRequest.class, PURGE_REQUEST, (out, v) -> v.write(out), PurgeRequest::read);
  }

  /** {@link InvalidationRecord}. */
  public static RecordSerializer<InvalidationRecord> invalidationRecord() {
    return new RecordSerializer<>(
        InvalidationRecord.class,
        INVALIDATION_RECORD,
        (out, v) -> v.write(out),
        InvalidationRecord::read);
  }

  /** {@link PurgeAck}. */
  public static RecordSerializer<PurgeAck> purgeAck() {
    return new RecordSerializer<>(
        PurgeAck.class, PURGE_ACK, (out, v) -> v.write(out), PurgeAck::read);
  }

  /** {@link PurgeAck.Receipt}. */
  public static RecordSerializer<PurgeAck.Receipt> purgeReceipt() {
    return new RecordSerializer<>(
        PurgeAck.Receipt.class, PURGE_RECEIPT, (out, v) -> v.write(out), PurgeAck.Receipt::read);
  }
}
