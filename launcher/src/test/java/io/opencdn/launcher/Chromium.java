package io.opencdn.launcher;

import io.opencdn.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its {@code chromedriver} (packages {@code chromium},
 * {@code chromium-driver}; {@code .ci/run} installs them). When they are missing the calling test
 * is skipped, except under {@code CDN_REQUIRE_CHROMIUM=1} (CI sets it): then it fails. Selenium is
 * given both paths, so it never looks for (or downloads) a driver or a browser of its own; the
 * browser's own background traffic is turned off, and a proxy that does not exist catches anything
 * else that is not loopback.
 */
final class Chromium {

  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /** Skips the calling test when Chromium is missing, or fails it under CDN_REQUIRE_CHROMIUM=1. */
  static void require() {
    ExternalTool.require(
        "chromium",
        Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
        "the Debian packages chromium and chromium-driver");
  }

  /** A headless browser with a 1400x1700 window (the whole page in one screenshot). */
  static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1700",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-pings",
        "--proxy-server=http://127.0.0.1:9");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    return new ChromeDriver(service, options);
  }
}
