package dev.sluice.catalog.alerts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where alerts (freshness violations and their resolution, contract warnings) are posted. */
@ConfigMapping(prefix = "sluice.alerts")
public interface AlertsConfig {

  /** An http(s) URL to POST alert events to; none: no deliveries. */
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
