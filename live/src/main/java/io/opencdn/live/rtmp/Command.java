package io.opencdn.live.rtmp;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An AMF0 command message (Adobe RTMP specification 1.0, section 7.2): a name, a transaction id, a
 * command object (or null) and further arguments.
 *
 * @param name e.g. {@code connect}, {@code createStream}, {@code publish}, {@code play}, {@code
 *     _result}
 * @param transaction the transaction id; 0 for commands that get no {@code _result}
 * @param object the command object, a {@link Map}, or null
 * @param args the values after the command object
 */
public record Command(String name, double transaction, Object object, List<Object> args) {

  /** Reads a command message's payload; an {@link RtmpException} when it is not one. */
  public static Command parse(byte[] payload) {
    List<Object> values = Amf0.decodeAll(payload);
    if (values.isEmpty() || !(values.get(0) instanceof String name)) {
      throw new RtmpException("a command message that does not start with a name");
    }
    double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
    Object object = values.size() > 2 ? values.get(2) : null;
    List<Object> args =
        values.size() > 3
            ? java.util.Collections.unmodifiableList(
                new java.util.ArrayList<>(values.subList(3, values.size())))
            : List.of();
    return new Command(name, txn, object, args);
  }

  /** Argument {@code i} as a string, or null when absent or not a string. */
  public String stringArg(int i) {
    return i < args.size() && args.get(i) instanceof String s ? s : null;
  }

  /** Argument {@code i} as a number, or {@code fallback}. */
  public double numberArg(int i, double fallback) {
    return i < args.size() && args.get(i) instanceof Double d ? d : fallback;
  }

  /** Property {@code key} of the command object as a string, or null. */
  public String property(String key) {
    return object instanceof Map<?, ?> m && m.get(key) instanceof String s ? s : null;
  }

  /**
   * A command message on message stream {@code streamId}, in chunks of {@code chunkSize} on the
   * command chunk stream: {@code name}, {@code transaction}, then {@code values} (command object
   * first).
   */
  public static Buffer encode(
      int streamId, int chunkSize, String name, double transaction, Object... values) {
    Object[] all = new Object[values.length + 2];
    all[0] = name;
    all[1] = transaction;
    System.arraycopy(values, 0, all, 2, values.length);
    return ChunkWriter.encode(
        ChunkWriter.CSID_COMMAND,
        MessageType.COMMAND_AMF0,
        0,
        streamId,
        Amf0.encode(all),
        chunkSize);
  }

  /**
   * The {@code _result} of a successful {@code connect} (transaction {@code transaction}), as Flash
   * Media Server 3 answers it, with AMF0 object encoding.
   */
  public static Buffer connectSuccess(int chunkSize, double transaction) {
    return encode(
        0,
        chunkSize,
        "_result",
        transaction,
        object("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0),
        object(
            "level",
            "status",
            "code",
            "NetConnection.Connect.Success",
            "description",
            "Connection succeeded.",
            "objectEncoding",
            0.0));
  }

  /**
   * An {@code onStatus} info object (7.2.2): {@code level} status, warning or error, a code and a
   * description.
   */
  public static Map<String, Object> status(String level, String code, String description) {
    return object("level", level, "code", code, "description", description);
  }

  /** An AMF0 object of key, value pairs in order. */
  public static Map<String, Object> object(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
