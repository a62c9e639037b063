package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./cdn demo} when a component fails: it says which one, prints that component's last log
 * lines, stops the others and exits non-zero, whether the component exited or was not ready by the
 * deadline. (Binds the demo addresses, like {@link DemoProcessTest}.)
 */
class DemoFailureTest {

  @Test
  void aComponentThatExitsIsNamedWithItsLastLines() throws Exception {
    // a secret shorter than 16 characters: the DNS server and the edges refuse their config
    Run run = demo(List.of(), "CDN_CLUSTER_SECRET", "too-short");
    assertThat(run.exitCode).as(run.text()).isEqualTo(1);
    assertThat(run.text())
        .containsPattern(
            "demo: (dns|edge-[a-z-]+) exited with code 2 after [0-9.]+ s, before the demo was ready; its last lines:")
        .contains("key 'cluster.secret': expected a shared secret of at least 16 characters")
        .contains("demo: stopping.")
        .doesNotContain("OpenCDN demo is running");
    assertThat(run.childrenLeft).as("every component stopped").isEmpty();
  }

  @Test
  void aDeadlinePassedNamesWhatIsNotReadyWithItsLastLines() throws Exception {
    Run run =
        demo(List.of("--start-timeout", "2"), "CDN_ADMIN_TOKEN", "demo-failure-token-0123456789");
    assertThat(run.exitCode).as(run.text()).isEqualTo(1);
    assertThat(run.text())
        .contains("demo: not ready after 2 s (")
        .containsPattern(
            "demo: (origin|dns|edge-[a-z-]+) is (starting|joining the cluster|answering static zones[^;]*); its last lines:")
        .contains("demo: stopping.")
        .doesNotContain("OpenCDN demo is running");
    assertThat(run.childrenLeft).as("every component stopped").isEmpty();
  }

  record Run(int exitCode, List<String> lines, List<ProcessHandle> childrenLeft) {
    String text() {
      return String.join("\n", lines);
    }
  }

  static Run demo(List<String> options, String envName, String envValue) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(DemoProcessTest.javaCommand("demo"));
    cmd.addAll(options);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put(envName, envValue);
    Process demo = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    List<ProcessHandle> children = new CopyOnWriteArrayList<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                  demo.descendants()
                      .forEach(
                          d -> {
                            if (!children.contains(d)) {
                              children.add(d);
                            }
                          });
                }
              } catch (Exception ignored) {
                // process gone
              }
            });
    pump.start();
    if (!demo.waitFor(3, TimeUnit.MINUTES)) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
      throw new AssertionError("the demo did not end; output:\n" + String.join("\n", lines));
    }
    pump.join(10_000);
    Await.poll(() -> children.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(20));
    return new Run(
        demo.exitValue(), lines, children.stream().filter(ProcessHandle::isAlive).toList());
  }
}
