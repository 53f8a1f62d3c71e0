package dev.sluice.catalog.freshness;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Freshness contracts: how often they are judged, and where violations are posted. */
@ConfigMapping(prefix = "sluice.freshness")
public interface FreshnessConfig {

  /**
   * How often each replica judges every contracted dataset. A stale dataset is alerted within this
   * long; a stale one resolves once it has been found fresh for this long.
   */
  @WithDefault("60s")
  Duration checkInterval();

  /** An http(s) URL to POST alert and resolved events to; none: no deliveries. */
  Optional<String> webhookUrl();

  /** How long one delivery may take. */
  @WithDefault("10s")
  Duration webhookTimeout();

  /** Attempts per delivery before it is given up (and logged). */
  @WithDefault("8")
  int webhookMaxAttempts();

  /** The wait before the first retry; each further retry waits twice as long. */
  @WithDefault("2s")
  Duration webhookRetryDelay();

  /** The longest wait between two attempts. */
  @WithDefault("5m")
  Duration webhookMaxRetryDelay();
}
