package io.opencdn.dns;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.net.TcpListener;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Hostile input: a bounded, seeded stream of random bytes, mutated valid queries, compression
 * pointer loops, huge section counts and truncated records goes through {@link QueryHandler}; it
 * must never throw, every response it produces must parse and echo the ID, and a valid query is
 * still answered afterwards. A second test sends broken TCP framing through a real {@link
 * TcpListener}.
 */
class FuzzTest {

  static final int CASES = 20_000;
  static final long SEED = 0x5EED_D0D5L;

  private final QueryHandler handler =
      handler(testConfig(), TEST_CONFIG, new SnapshotHolder(demoEdges()));

  static List<byte[]> seeds() {
    List<byte[]> out = new ArrayList<>();
    out.add(query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire());
    out.add(query("www.cdn.test.", Type.AAAA, "edns").toWire());
    out.add(query("static.cdn.test.", Type.A, null).toWire());
    out.add(query("txt.big.test.", Type.TXT, "edns").toWire());
    out.add(query("host.sub.big.test.", Type.A, null).toWire());
    out.add(query("nothere.cdn.test.", Type.ANY, "2001:db8::/56").toWire());
    return out;
  }

  /** Header with the given counts followed by {@code body}. */
  static byte[] packet(int id, int qd, int an, int ns, int ar, int... body) {
    byte[] b = new byte[12 + body.length];
    b[0] = (byte) (id >> 8);
    b[1] = (byte) id;
    int[] counts = {qd, an, ns, ar};
    for (int i = 0; i < 4; i++) {
      b[4 + 2 * i] = (byte) (counts[i] >> 8);
      b[5 + 2 * i] = (byte) counts[i];
    }
    for (int i = 0; i < body.length; i++) {
      b[12 + i] = (byte) body[i];
    }
    return b;
  }

  static byte[] crafted(Random random, int i) {
    int id = random.nextInt(65536);
    return switch (i % 6) {
      case 0 -> packet(id, 1, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1); // name points at itself
      case 1 -> packet(id, 1, 0, 0, 0, 1, 'a', 0xC0, 0x0C, 0, 1, 0, 1); // loop through a label
      case 2 ->
          packet(
              id, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1); // huge counts
      case 3 ->
          packet(
              id, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF,
              1); // RDLENGTH beyond the end
      case 4 ->
          packet(
              id, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 12, 0, 8, 0, 20,
              0, 1); // OPT with a short ECS
      default ->
          packet(
              id, 1, 0, 0, 0, 63, 'x', 'x', 0xC0, 0xFF, 0, 1, 0,
              1); // label and pointer past the end
    };
  }

  static byte[] mutate(Random random, byte[] seed) {
    byte[] b = seed.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length)); // truncated record
      default -> {
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(64));
        for (int i = b.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        b = longer;
      }
    }
    return b;
  }

  @Test
  void handlerNeverThrowsAndStillAnswersAfterwards() {
    Random random = new Random(SEED);
    List<byte[]> seeds = seeds();
    int answered = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input;
      int kind = i % 10;
      if (kind < 6) {
        input = mutate(random, seeds.get(random.nextInt(seeds.size())));
      } else if (kind < 8) {
        input = new byte[random.nextInt(600)];
        random.nextBytes(input);
      } else {
        input = crafted(random, i);
      }
      Transport transport = random.nextBoolean() ? Transport.UDP : Transport.TCP;
      byte[] out;
      try {
        out = handler.handle(input, ip("192.0.2.1"), transport);
      } catch (Throwable t) {
        throw new AssertionError(
            "case " + i + " threw on " + java.util.HexFormat.of().formatHex(input), t);
      }
      if (out != null) {
        answered++;
        Message response = parse(out);
        assertThat(out[0] == input[0] && out[1] == input[1])
            .as("case %d echoes the ID", i)
            .isTrue();
        assertThat(response.getHeader().getFlag(org.xbill.DNS.Flags.QR)).isTrue();
        if (transport == Transport.UDP) {
          assertThat(out.length).as("case %d fits UDP", i).isLessThanOrEqualTo(1232);
        }
      }
    }
    assertThat(answered)
        .as("most mutated queries still get some response")
        .isGreaterThan(CASES / 4);
    assertThat(handler.queries()).isEqualTo(CASES);
    Message ok =
        parse(
            handler.handle(
                query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire(),
                ip("192.0.2.1"),
                Transport.UDP));
    assertThat(ok.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(section(ok, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.12");
  }

  @Test
  void brokenTcpFramingDoesNotHurtTheListener() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TcpListener tcp = new TcpListener(vertx, handler, 1);
      int port = await(tcp.listen("127.0.0.1", 0));
      Random random = new Random(SEED);
      // oversize length: announces 65535 bytes, sends 100, then goes quiet (the idle timeout closes
      // it)
      Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port);
      DataOutputStream stalledOut = new DataOutputStream(stalled.getOutputStream());
      stalledOut.writeShort(65535);
      stalledOut.write(new byte[100]);
      stalledOut.flush();
      // many garbage frames pipelined on one connection, then a valid one on the same connection
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(5000);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        for (int i = 0; i < 200; i++) {
          byte[] junk = new byte[1 + random.nextInt(300)];
          random.nextBytes(junk);
          junk[2] &=
              0x7F; // a query, so that it is answered (FORMERR) or dropped, never ignored as a
          // response
          out.writeShort(junk.length);
          out.write(junk);
        }
        byte[] valid = query("www.cdn.test.", Type.A, "1.0.16.0/24").toWire();
        out.writeShort(valid.length);
        out.write(valid);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        Message last = null;
        while (last == null || last.getHeader().getID() != 4242 || last.getQuestion() == null) {
          byte[] frame = new byte[in.readUnsignedShort()];
          in.readFully(frame);
          last = parse(frame);
        }
        assertThat(section(last, Section.ANSWER))
            .containsExactly("www.cdn.test. 20 IN A 127.0.0.13");
      }
      // the stalled connection is closed by the idle timeout
      stalled.setSoTimeout(5000);
      assertThat(readsEof(stalled)).as("stalled connection closed by the server").isTrue();
      // a fresh connection is still answered
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(5000);
        byte[] valid = query("cdn.test.", Type.SOA, null).toWire();
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(valid.length);
        out.write(valid);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = new byte[in.readUnsignedShort()];
        in.readFully(frame);
        assertThat(parse(frame).getRcode()).isEqualTo(Rcode.NOERROR);
      }
    } finally {
      await(vertx.close());
    }
  }

  private static boolean readsEof(Socket s) {
    try {
      return s.getInputStream().read() == -1;
    } catch (IOException e) {
      return true; // reset counts as closed
    }
  }
}
