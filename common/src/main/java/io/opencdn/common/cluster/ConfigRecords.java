package io.opencdn.common.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The records of the control plane, stored as JSON text in Hazelcast maps (plain strings cross the
 * member protocol without Java deserialization) and tagged with the cluster's {@link RecordMac}
 * over every field and the key they are stored under: a member without the secret can delete them
 * but cannot forge a version or a member's state.
 */
public final class ConfigRecords {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ConfigRecords() {}

  /**
   * One published version of {@code distributions.yaml}: self-contained (the text), so any member
   * can hand it to another cluster.
   *
   * @param hash content hash of {@code text} (12 hex digits)
   * @param seq when it last became current: 1, 2, ... (a rollback makes an old version current
   *     again)
   * @param time publication time, ms since the epoch
   * @param message the operator's {@code --message}
   * @param text the YAML document
   * @param tag hex {@link RecordMac} tag
   */
  public record Version(String hash, long seq, long time, String message, String text, String tag) {
    /** This version tagged with {@code mac}. */
    public Version signed(RecordMac mac) {
      return new Version(
          hash,
          seq,
          time,
          message,
          text,
          RecordMac.hex(mac.tag("version", hash, seq, time, message, text)));
    }

    /** Whether the tag verifies. */
    public boolean authentic(RecordMac mac) {
      return mac.verify(RecordMac.parseHex(tag), "version", hash, seq, time, message, text);
    }
  }

  /**
   * What one member runs.
   *
   * @param member member name (edge id, or {@code dns@host:port})
   * @param kind {@code edge} or {@code dns}
   * @param uuid its Hazelcast member UUID (entries of members gone from the cluster are not listed)
   * @param hash version it runs ({@code local} before any)
   * @param since when it switched to it, ms since the epoch
   * @param error why it could not activate the current version, or null
   * @param admin base URL of the member's admin listener ({@code http://host:port}) that other
   *     members may call with the admin token (a DNS server's {@code /route}, which the edges'
   *     status page asks), or null; tagged like the rest, so only a member with the secret can
   *     point the others at an address
   * @param tag hex {@link RecordMac} tag
   */
  public record MemberState(
      String member,
      String kind,
      String uuid,
      String hash,
      long since,
      String error,
      String admin,
      String tag) {
    public MemberState signed(RecordMac mac) {
      return new MemberState(
          member,
          kind,
          uuid,
          hash,
          since,
          error,
          admin,
          RecordMac.hex(mac.tag("member", member, kind, uuid, hash, since, error, admin)));
    }

    public boolean authentic(RecordMac mac) {
      return mac.verify(
          RecordMac.parseHex(tag), "member", member, kind, uuid, hash, since, error, admin);
    }
  }

  static String write(Object record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
