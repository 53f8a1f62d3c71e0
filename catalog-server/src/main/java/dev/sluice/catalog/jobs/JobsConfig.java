package dev.sluice.catalog.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The background job runner of this replica. */
@ConfigMapping(prefix = "sluice.jobs")
public interface JobsConfig {

  /** Whether this replica runs jobs at all (others still may). */
  @WithDefault("true")
  boolean enabled();

  /** How often an idle replica looks for work. */
  @WithDefault("2s")
  Duration pollInterval();

  /**
   * How long a lease lasts without renewal. A running job renews it every third of this; a replica
   * that dies lets it expire and another takes the job over after at most this long.
   */
  @WithDefault("60s")
  Duration lease();

  /** Attempts before a job is marked failed; retries wait 2, 4, 8 … seconds (at most 5 minutes). */
  @WithDefault("5")
  int maxAttempts();
}
