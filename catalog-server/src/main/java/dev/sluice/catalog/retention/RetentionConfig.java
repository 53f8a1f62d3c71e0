package dev.sluice.catalog.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Retention sweeps: how often they run on their own, and how careful orphan removal is. */
@ConfigMapping(prefix = "sluice.retention")
public interface RetentionConfig {

  /**
   * How often a sweep of every table with a retention is queued ({@code 24H}, {@code 30m}; {@code
   * 0} or {@code off} turns the schedule off; sweeps can still be asked for).
   */
  @WithDefault("24H")
  String sweepInterval();

  /**
   * Files younger than this are never removed as orphans, even when the time-travel window is
   * shorter: a writer's files exist before its commit names them.
   */
  @WithDefault("24H")
  Duration orphanMinAge();

  /** Times a rewrite is planned and committed again when a concurrent commit conflicts. */
  @WithDefault("4")
  int commitAttempts();
}
