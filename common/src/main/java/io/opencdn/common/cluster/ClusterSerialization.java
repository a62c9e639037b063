package io.opencdn.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The identified serialization of the cluster records and entry processors: compact, fast, and
 * without Java serialization's class resolution, so a record from the wire can only become one of
 * these types.
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

  /** Registers the factory in {@code config}. */
  public static void register(Config config) {
    config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, new ClusterSerialization());
  }

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case DIRECTORY_ENTRY -> new DirectoryEntry();
      case CLAIM -> new DirectoryOps.Claim();
      case STORED -> new DirectoryOps.Stored();
      case RELEASE -> new DirectoryOps.Release();
      case WITHDRAW -> new DirectoryOps.Withdraw();
      case CLAIM_RESULT -> new DirectoryOps.ClaimResult();
      case BATCH -> new DirectoryOps.Batch();
      default -> null;
    };
  }
}
