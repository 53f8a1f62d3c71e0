package dev.sluice.catalog.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.catalog.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Counts failed authentications per client address in fixed windows and says when an address is
 * over its limit, so that guessed or stale tokens cannot keep the token table busy.
 *
 * <p>Memory is bounded: at most {@value #TRACKED_ADDRESSES} addresses are tracked, each for one
 * window; past that the least useful entries are evicted (an attacker rotating through that many
 * addresses spreads its attempts thinly anyway). IPv6 clients are counted per /64, the block one
 * host usually holds. The count is per replica.
 */
@ApplicationScoped
public class FailedAuthLimiter {
  static final int TRACKED_ADDRESSES = 100_000;

  private final int limit;
  private final long windowNanos;
  private final Ticker ticker;
  private final Cache<String, Window> windows;

  /** Failures of one address since {@code startNanos}. */
  private record Window(long startNanos, int failures) {}

  @Inject
  public FailedAuthLimiter(AuthConfig config) {
    this(config.failedAuthLimit(), config.failedAuthWindow(), Ticker.systemTicker());
  }

  FailedAuthLimiter(int limit, Duration window, Ticker ticker) {
    if (limit < 1) {
      throw new IllegalArgumentException("sluice.auth.failed-auth-limit must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("sluice.auth.failed-auth-window must be positive");
    }
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.ticker = ticker;
    this.windows =
        Caffeine.newBuilder()
            .maximumSize(TRACKED_ADDRESSES)
            .expireAfterWrite(window)
            .ticker(ticker)
            .build();
  }

  /** Counts one failure of this address. */
  public void failed(String address) {
    long now = ticker.read();
    windows
        .asMap()
        .compute(
            key(address),
            (key, window) ->
                window == null || now - window.startNanos >= windowNanos
                    ? new Window(now, 1)
                    : new Window(window.startNanos, window.failures + 1));
  }

  /** Seconds until this address may try again, or empty when it is under its limit. */
  public OptionalLong retryAfterSeconds(String address) {
    Window window = windows.getIfPresent(key(address));
    if (window == null || window.failures < limit) {
      return OptionalLong.empty();
    }
    long left = windowNanos - (ticker.read() - window.startNanos);
    if (left <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
  }

  /** An IPv4 address as it is, an IPv6 address as its /64. */
  static String key(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      InetAddress parsed = InetAddress.getByName(address);
      if (parsed instanceof Inet6Address) {
        byte[] bytes = parsed.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
          prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
          prefix.append(':');
        }
        return prefix.append(":/64").toString();
      }
      return parsed.getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }
}
