package io.opencdn.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void valuesAreEncodedAsTheSpecificationSays() {
    assertThat(Amf0.encode(1.0)).isEqualTo(hex("00 3FF0000000000000"));
    assertThat(Amf0.encode(true, false)).isEqualTo(hex("01 01 01 00"));
    assertThat(Amf0.encode("connect")).isEqualTo(hex("02 0007 636F6E6E656374"));
    assertThat(Amf0.encode((Object) null)).isEqualTo(hex("05"));
    assertThat(Amf0.encode(Amf0.UNDEFINED)).isEqualTo(hex("06"));
    assertThat(Amf0.encode(Map.of("a", 2.0)))
        .isEqualTo(hex("03 0001 61 00 4000000000000000 0000 09"));
    Amf0.EcmaArray array = new Amf0.EcmaArray();
    array.put("w", 320.0);
    assertThat(Amf0.encode(array))
        .isEqualTo(hex("08 00000001 0001 77 00 4074000000000000 0000 09"));
    assertThat(Amf0.encode(List.of(1.0, "x")))
        .isEqualTo(hex("0A 00000002 00 3FF0000000000000 02 0001 78"));
    assertThat(Amf0.encode(new Amf0.Date(0, (short) 0))).isEqualTo(hex("0B 0000000000000000 0000"));
    byte[] longString = Amf0.encode("x".repeat(70_000));
    assertThat(longString[0]).isEqualTo((byte) 0x0C);
    assertThat(Amf0.decodeAll(longString)).containsExactly("x".repeat(70_000));
  }

  @Test
  void aCommandRoundTrips() {
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("app", "live");
    cmd.put("tcUrl", "rtmp://127.0.0.1/live");
    cmd.put("fpad", false);
    cmd.put("nested", Map.of("k", List.of(1.0, 2.0)));
    byte[] b = Amf0.encode("connect", 1.0, cmd, null, Amf0.UNDEFINED);
    List<Object> back = Amf0.decodeAll(b);
    assertThat(back).hasSize(5);
    assertThat(back.get(0)).isEqualTo("connect");
    assertThat(back.get(2)).isEqualTo(cmd);
    assertThat(back.get(3)).isNull();
    assertThat(back.get(4)).isSameAs(Amf0.UNDEFINED);
    Command c = Command.parse(b);
    assertThat(c.name()).isEqualTo("connect");
    assertThat(c.transaction()).isEqualTo(1.0);
    assertThat(c.property("app")).isEqualTo("live");
    assertThat(Amf0.lengthOfFirst(b)).isEqualTo(10);
  }

  @Test
  void malformedValuesAreRefused() {
    assertThatThrownBy(() -> Amf0.decodeAll(hex("02 0010 6162")))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("cut short");
    assertThatThrownBy(() -> Amf0.decodeAll(hex("00 3FF0"))).isInstanceOf(RtmpException.class);
    assertThatThrownBy(() -> Amf0.decodeAll(hex("07 0001")))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("marker 7");
    assertThatThrownBy(() -> Amf0.decodeAll(hex("11")))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("marker 17");
    assertThatThrownBy(() -> Amf0.decodeAll(hex("0A 7FFFFFFF 05")))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("strict array");
    assertThatThrownBy(() -> Amf0.decodeAll(hex("03 0001 61"))).isInstanceOf(RtmpException.class);
    // an object inside an object ... deeper than the bound
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      deep.append("03 0001 61 ");
    }
    assertThatThrownBy(() -> Amf0.decodeAll(hex(deep.toString())))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> Command.parse(hex("00 3FF0000000000000")))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("does not start with a name");
  }
}
