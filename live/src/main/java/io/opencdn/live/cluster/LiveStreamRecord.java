package io.opencdn.live.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.opencdn.common.cluster.RecordMac;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where a live stream is published: its entry in the {@link HazelcastLiveDirectory#MAP} map, keyed
 * by stream name, written by the ingest edge when a publisher starts and every {@link
 * HazelcastLiveDirectory#HEARTBEAT_MILLIS} while the stream lives there, and removed when it ends.
 * Authenticated like the other cluster records: an HMAC tag ({@link RecordMac}) over the fields and
 * the map key, checked by every reader, so a member without the cluster secret cannot send relays
 * or HLS requests to an address of its choosing.
 *
 * @param stream the stream name (the map key)
 * @param edgeId the ingest edge
 * @param memberUuid its Hazelcast member: a record of a member that left is void
 * @param rtmpHost address relays connect to
 * @param rtmpPort its RTMP port
 * @param httpHost address other edges fetch the stream's HLS from
 * @param httpPort its HTTP port
 * @param session id of this publish session (another session of the stream is another publish)
 * @param timelineStartMillis clock time of timestamp 0 of the stream's timeline, kept from session
 *     to session, so a publisher that moves to another edge continues the same timeline
 * @param heartbeatMillis clock time of the last write; records older than {@link
 *     HazelcastLiveDirectory#MAX_AGE_MILLIS} are stale
 * @param tag the record's MAC
 */
public record LiveStreamRecord(
    String stream,
    String edgeId,
    String memberUuid,
    String rtmpHost,
    int rtmpPort,
    String httpHost,
    int httpPort,
    long session,
    long timelineStartMillis,
    long heartbeatMillis,
    byte[] tag) {

  public LiveStreamRecord {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(edgeId, "edgeId");
    Objects.requireNonNull(rtmpHost, "rtmpHost");
    Objects.requireNonNull(httpHost, "httpHost");
  }

  /** This record with another heartbeat, tagged with {@code mac}. */
  public LiveStreamRecord signed(RecordMac mac, long heartbeat) {
    LiveStreamRecord r =
        new LiveStreamRecord(
            stream,
            edgeId,
            memberUuid,
            rtmpHost,
            rtmpPort,
            httpHost,
            httpPort,
            session,
            timelineStartMillis,
            heartbeat,
            null);
    return new LiveStreamRecord(
        stream,
        edgeId,
        memberUuid,
        rtmpHost,
        rtmpPort,
        httpHost,
        httpPort,
        session,
        timelineStartMillis,
        heartbeat,
        mac.tag(r.parts(stream)));
  }

  /** True when a member with the cluster secret wrote this record under map key {@code key}. */
  public boolean authentic(RecordMac mac, String key) {
    return key != null && key.equals(stream) && mac.verify(tag, parts(key));
  }

  private Object[] parts(String key) {
    return new Object[] {
      "live-stream",
      key,
      edgeId,
      memberUuid,
      rtmpHost,
      rtmpPort,
      httpHost,
      httpPort,
      session,
      timelineStartMillis,
      heartbeatMillis
    };
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(stream);
    out.writeString(edgeId);
    out.writeString(memberUuid);
    out.writeString(rtmpHost);
    out.writeInt(rtmpPort);
    out.writeString(httpHost);
    out.writeInt(httpPort);
    out.writeLong(session);
    out.writeLong(timelineStartMillis);
    out.writeLong(heartbeatMillis);
    out.writeByteArray(tag);
  }

  static LiveStreamRecord read(ObjectDataInput in) throws IOException {
    return new LiveStreamRecord(
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readInt(),
        in.readString(),
        in.readInt(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LiveStreamRecord r
        && r.stream.equals(stream)
        && r.edgeId.equals(edgeId)
        && Objects.equals(r.memberUuid, memberUuid)
        && r.rtmpHost.equals(rtmpHost)
        && r.rtmpPort == rtmpPort
        && r.httpHost.equals(httpHost)
        && r.httpPort == httpPort
        && r.session == session
        && r.timelineStartMillis == timelineStartMillis
        && r.heartbeatMillis == heartbeatMillis
        && Arrays.equals(r.tag, tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stream, edgeId, session, heartbeatMillis);
  }

  @Override
  public String toString() {
    return "LiveStreamRecord["
        + stream
        + " at "
        + edgeId
        + " rtmp "
        + rtmpHost
        + ":"
        + rtmpPort
        + " http "
        + httpHost
        + ":"
        + httpPort
        + " session "
        + Long.toHexString(session)
        + " member "
        + memberUuid
        + " at "
        + heartbeatMillis
        + (tag == null ? " unsigned" : "")
        + "]";
  }
}
