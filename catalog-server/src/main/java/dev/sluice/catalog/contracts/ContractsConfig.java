package dev.sluice.catalog.contracts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How commits are held to their datasets' contracts. */
@ConfigMapping(prefix = "sluice.contracts")
public interface ContractsConfig {

  /**
   * How far back lineage counts a job as a consumer: a job that read the table within this window
   * is listed among the consumers a breaking change would break, and protects the columns it read.
   */
  @WithDefault("30d")
  Duration lineageWindow();

  /** How long findings are kept; older ones are deleted hourly by every replica. */
  @WithDefault("90d")
  Duration findingsRetention();
}
