package io.opencdn.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move by hand: every component takes a {@link Clock}, so a test advances time
 * instead of sleeping. Thread-safe; starts at 2023-11-14T22:13:20Z unless told otherwise.
 */
public final class TestClock extends Clock {
  private final AtomicLong millis;

  /** A clock at 1,700,000,000,000 ms after the epoch. */
  public TestClock() {
    this(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  /** A clock at {@code start}. */
  public TestClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** Moves the clock forward (or back, for a negative {@code d}). */
  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /** Moves the clock forward by {@code ms} milliseconds. */
  public void advance(long ms) {
    millis.addAndGet(ms);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
