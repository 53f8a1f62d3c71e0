package dev.sluice.catalog.idempotency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Idempotency keys of the Iceberg REST protocol ({@code Idempotency-Key} on mutations). */
@ConfigMapping(prefix = "sluice.idempotency")
public interface IdempotencyConfig {

  /** How long a key's first outcome is kept and replayed; advertised in {@code /v1/config}. */
  @WithDefault("PT30M")
  Duration lifetime();

  /** How long a retry waits for the first request with its key, still running, to finish. */
  @WithDefault("PT10S")
  Duration inProgressWait();
}
