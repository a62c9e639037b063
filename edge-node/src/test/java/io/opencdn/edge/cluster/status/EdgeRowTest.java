package io.opencdn.edge.cluster.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health from a row's checks: true passed, false failed, null refused. */
class EdgeRowTest {

  @Test
  void healthFollowsTheChecks() {
    Object[][] cases = {
      {new Boolean[] {}, "unknown"},
      {new Boolean[] {true}, "up"},
      {new Boolean[] {true, false}, "up"},
      {new Boolean[] {true, false, false}, "down"},
      {new Boolean[] {true, null}, "down"},
      {new Boolean[] {false}, "unknown"},
      {new Boolean[] {false, false}, "down"},
      {new Boolean[] {true, null, true}, "up"},
      {new Boolean[] {true, false, true, false}, "up"},
    };
    for (Object[] c : cases) {
      EdgeRow row = new EdgeRow("e");
      List<Boolean> checks = new ArrayList<>(Arrays.asList((Boolean[]) c[0]));
      checks.forEach(row::checked);
      assertThat(row.health()).as(checks.toString()).isEqualTo(c[1]);
    }
  }

  @Test
  void withoutARecordNothingIsKnownButTheId() {
    EdgeRow row = new EdgeRow("e");
    assertThat(row.state()).isEqualTo("unknown");
    assertThat(row.host()).isNull();
    assertThat(row.json(0).getString("id")).isEqualTo("e");
    assertThat(row.json(0).containsKey("latitude")).isFalse();
  }
}
