package io.opencdn.live;

import io.opencdn.testing.ExternalTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ffmpeg the end-to-end tests publish and play with (Debian package {@code ffmpeg}). Where it
 * is missing the tests are skipped, except when {@code CDN_REQUIRE_FFMPEG=1} (CI sets it): then
 * they fail.
 */
public final class Ffmpeg {

  private Ffmpeg() {}

  /**
   * Skips the calling test when ffmpeg is missing, or fails it under {@code CDN_REQUIRE_FFMPEG=1}.
   */
  public static void require() {
    boolean present;
    try {
      Process p =
          new ProcessBuilder("ffmpeg", "-hide_banner", "-version")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      present = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      present = false;
    }
    ExternalTool.require("ffmpeg", present, "the Debian package ffmpeg");
  }

  /**
   * Publishes a generated test pattern (320x240, 25 fps, H.264 with a key frame every second) with
   * a sine tone (AAC) in real time to {@code url} until stopped.
   */
  public static Proc publish(String url) throws IOException {
    return new Proc(
        List.of(
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "25",
            "-keyint_min",
            "25",
            "-sc_threshold",
            "0",
            "-b:v",
            "400k",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-f",
            "flv",
            url),
        false);
  }

  /** Plays {@code url} (RTMP or HLS), decoding every frame to nothing, reporting progress. */
  public static Proc play(String url) throws IOException {
    return new Proc(
        List.of(
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-nostats",
            "-progress",
            "pipe:1",
            "-i",
            url,
            "-f",
            "null",
            "-"),
        true);
  }

  /** A running ffmpeg: its error output, and for a player the progress it reports. */
  public static final class Proc implements AutoCloseable {
    private final Process process;
    private final List<String> errors = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private volatile long frames;
    private volatile long outTimeMicros = -1;
    private volatile long firstFrameNanos = -1;
    private final List<String> command;
    private Thread stderrReader;

    Proc(List<String> command, boolean progress) throws IOException {
      this.command = command;
      this.process = new ProcessBuilder(command).start();
      Thread err =
          new Thread(
              () ->
                  lines(
                      process.getErrorStream(),
                      line -> {
                        synchronized (errors) {
                          errors.add(line);
                        }
                      }),
              "ffmpeg-stderr");
      err.setDaemon(true);
      err.start();
      this.stderrReader = err;
      Thread out =
          new Thread(
              () ->
                  lines(
                      process.getInputStream(),
                      line -> {
                        if (!progress) {
                          return;
                        }
                        if (line.startsWith("frame=")) {
                          long f = Long.parseLong(line.substring(6).trim());
                          if (f > 0 && firstFrameNanos < 0) {
                            firstFrameNanos = System.nanoTime();
                          }
                          frames = f;
                        } else if (line.startsWith("out_time_us=") && !line.endsWith("N/A")) {
                          outTimeMicros = Long.parseLong(line.substring(12).trim());
                        }
                      }),
              "ffmpeg-stdout");
      out.setDaemon(true);
      out.start();
    }

    private static void lines(java.io.InputStream in, java.util.function.Consumer<String> each) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          each.accept(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    /** Frames decoded so far (reported about twice a second). */
    public long frames() {
      return frames;
    }

    /** Timestamp of the output so far, microseconds; -1 before the first report. */
    public long outTimeMicros() {
      return outTimeMicros;
    }

    /** Time from start to the first report of a decoded frame, or null. */
    public Duration firstFrameAfter() {
      long f = firstFrameNanos;
      return f < 0 ? null : Duration.ofNanos(f - startedNanos);
    }

    /**
     * What ffmpeg printed on its error output (at log level error: decoding and protocol errors).
     */
    public List<String> errors() {
      synchronized (errors) {
        return List.copyOf(errors);
      }
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** Waits for the exit; the exit code, or -1 when still running after {@code timeout}. */
    public int await(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return -1;
      }
      // the exit can come before the reader has taken the last lines of standard error
      stderrReader.join(TimeUnit.SECONDS.toMillis(10));
      return process.exitValue();
    }

    public long pid() {
      return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " (frames "
          + frames
          + ", out_time "
          + outTimeMicros
          + " us, errors "
          + errors()
          + ")";
    }
  }
}
