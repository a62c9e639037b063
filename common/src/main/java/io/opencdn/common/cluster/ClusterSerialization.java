package io.opencdn.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.List;

/**
 * The identified serialization of the cluster records and entry processors: compact, fast, and
 * without Java serialization's class resolution, so a record from the wire can only become one of
 * these types. Immutable records ({@link EdgeRecord}, {@link LatencyKey}, {@link LatencySample},
 * {@link ProbeTarget}) have a {@link RecordSerializer} each, registered here under a fixed type id;
 * the edge module registers the serializers of the records only edges share (load, origin health,
 * invalidations) the same way, through Hazelcast's {@code
 * META-INF/services/com.hazelcast.SerializerHook}, since this module cannot name them. Whatever
 * still arrives in Java serialization (Hazelcast's own error responses) passes the allowlist of
 * {@link ClusterNode}.
 */
public final class ClusterSerialization implements DataSerializableFactory {

  /** Factory id registered with Hazelcast. */
  public static final int FACTORY_ID = 7301;

  static final int DIRECTORY_ENTRY = 1;
  static final int CLAIM = 2;
  static final int STORED = 3;
  static final int RELEASE = 4;
  static final int WITHDRAW = 5;
  static final int CLAIM_RESULT = 6;
  static final int BATCH = 7;

  /** Type id of {@link EdgeRecord}'s serializer; the edge module's start at {@code 730_201}. */
  public static final int EDGE_RECORD_TYPE = 730_101;

  static final int LATENCY_KEY_TYPE = 730_102;
  static final int LATENCY_SAMPLE_TYPE = 730_103;
  static final int PROBE_TARGET_TYPE = 730_104;

  /** The serializer of {@link EdgeRecord}. */
  public static final RecordSerializer<EdgeRecord> EDGE_RECORD =
      new RecordSerializer<>(
          EdgeRecord.class, EDGE_RECORD_TYPE, (out, r) -> r.write(out), EdgeRecord::read);

  /** The serializer of {@link LatencyKey}. */
  public static final RecordSerializer<LatencyKey> LATENCY_KEY =
      new RecordSerializer<>(
          LatencyKey.class, LATENCY_KEY_TYPE, (out, k) -> k.write(out), LatencyKey::read);

  /** The serializer of {@link LatencySample}. */
  public static final RecordSerializer<LatencySample> LATENCY_SAMPLE =
      new RecordSerializer<>(
          LatencySample.class, LATENCY_SAMPLE_TYPE, (out, v) -> v.write(out), LatencySample::read);

  /** The serializer of {@link ProbeTarget}. */
  public static final RecordSerializer<ProbeTarget> PROBE_TARGET =
      new RecordSerializer<>(
          ProbeTarget.class, PROBE_TARGET_TYPE, (out, v) -> v.write(out), ProbeTarget::read);

  /** Registers the factory and the record serializers in {@code config}. */
  public static void register(Config config) {
    config
        .getSerializationConfig()
        .addDataSerializableFactory(FACTORY_ID, new ClusterSerialization());
    for (RecordSerializer<?> s : List.of(EDGE_RECORD, LATENCY_KEY, LATENCY_SAMPLE, PROBE_TARGET)) {
      config
          .getSerializationConfig()
          .addSerializerConfig(new SerializerConfig().setTypeClass(s.type()).setImplementation(s));
    }
  }

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case DIRECTORY_ENTRY -> new DirectoryEntry();
      case CLAIM -> new ClaimOp();
      case STORED -> new StoredOp();
      case RELEASE -> new ReleaseOp();
      case WITHDRAW -> new WithdrawOp();
      case CLAIM_RESULT -> new ClaimResult();
      case BATCH -> new BatchOp();
      default -> null;
    };
  }
}
