package dev.sluice.catalog.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-address limit of failed authentications, on a clock the test moves. */
class FailedAuthLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker clock = nanos::get;
  private final FailedAuthLimiter limiter = new FailedAuthLimiter(3, Duration.ofSeconds(60), clock);

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Test
  void anAddressIsHeldBackFromItsLimitUntilTheWindowEnds() {
    limiter.failed("10.0.0.1");
    limiter.failed("10.0.0.1");
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEmpty();

    advance(Duration.ofSeconds(20));
    limiter.failed("10.0.0.1");

    assertThat(limiter.retryAfterSeconds("10.0.0.1")).hasValue(40);
    assertThat(limiter.retryAfterSeconds("10.0.0.2")).as("another address").isEmpty();

    advance(Duration.ofSeconds(39));
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).hasValue(1);
    advance(Duration.ofSeconds(1));
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEmpty();

    // a new window starts with the next failure
    limiter.failed("10.0.0.1");
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEmpty();
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() {
    limiter.failed("2001:db8:1:2::1");
    limiter.failed("2001:db8:1:2::2");
    limiter.failed("2001:db8:1:2:ffff::3");

    assertThat(limiter.retryAfterSeconds("2001:db8:1:2::abcd")).isPresent();
    assertThat(limiter.retryAfterSeconds("2001:db8:1:3::1")).isEmpty();
  }
}
