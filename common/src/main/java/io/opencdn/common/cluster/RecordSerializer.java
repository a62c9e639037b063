package io.opencdn.common.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;

/**
 * The Hazelcast serializer of one immutable cluster record (a Java record, which identified
 * serialization cannot fill in after construction): its fields written and read in a fixed order
 * under a fixed type id. Like identified serialization, no class name travels and nothing but this
 * record can come out of the bytes, so a member cannot make another one instantiate a class of its
 * choosing; a reader that does not know the type id refuses the data.
 *
 * @param <T> the record type
 */
public final class RecordSerializer<T> implements StreamSerializer<T> {

  /** Writes a record's fields. */
  @FunctionalInterface
  public interface Writer<T> {
    void write(ObjectDataOutput out, T value) throws IOException;
  }

  /**
   * Reads the fields {@link Writer} wrote and builds the record (its constructor validates them).
   */
  @FunctionalInterface
  public interface Reader<T> {
    T read(ObjectDataInput in) throws IOException;
  }

  private final Class<T> type;
  private final int typeId;
  private final Writer<T> writer;
  private final Reader<T> reader;

  /**
   * @param typeId a positive id unique among the cluster's serializers
   */
  public RecordSerializer(Class<T> type, int typeId, Writer<T> writer, Reader<T> reader) {
    if (typeId <= 0) {
      throw new IllegalArgumentException("type id must be positive: " + typeId);
    }
    this.type = type;
    this.typeId = typeId;
    this.writer = writer;
    this.reader = reader;
  }

  /** The record type. */
  public Class<T> type() {
    return type;
  }

  @Override
  public int getTypeId() {
    return typeId;
  }

  @Override
  public void write(ObjectDataOutput out, T value) throws IOException {
    writer.write(out, value);
  }

  @Override
  public T read(ObjectDataInput in) throws IOException {
    try {
      return reader.read(in);
    } catch (RuntimeException e) {
      // a record's constructor refusing what a member sent
      throw new IOException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
