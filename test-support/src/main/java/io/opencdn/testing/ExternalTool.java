package io.opencdn.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * The guard of tests that need a program outside the JVM (ffmpeg, Chromium, pebble): where the
 * program is missing the calling test is skipped, except when {@code CDN_REQUIRE_<TOOL>=1} is set
 * (CI sets it for every tool {@code .ci/run} installs): then it fails, so CI never skips silently.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /**
   * Skips the calling test when {@code present} is false, or fails it when {@code
   * CDN_REQUIRE_<TOOL>=1}.
   *
   * @param tool the tool's name, upper-cased in the variable ({@code ffmpeg}: {@code
   *     CDN_REQUIRE_FFMPEG})
   * @param present whether the tool was found
   * @param install how to install it ("the Debian package ffmpeg")
   */
  public static void require(String tool, boolean present, String install) {
    String variable = requireVariable(tool);
    if (!present && "1".equals(System.getenv(variable))) {
      throw new AssertionError(
          tool + " is not installed but " + variable + "=1 (install " + install + ")");
    }
    Assumptions.assumeTrue(
        present,
        tool + " is not installed (" + install + "); set " + variable + "=1 to fail instead");
  }

  /** The variable that turns a missing {@code tool} into a failure: {@code CDN_REQUIRE_<TOOL>}. */
  public static String requireVariable(String tool) {
    return "CDN_REQUIRE_" + tool.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** Whether an executable {@code name} is in one of the directories of {@code PATH}. */
  public static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
