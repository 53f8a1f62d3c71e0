package dev.sluice.catalog.freshness;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Freshness contracts: how often they are judged. Violations go to the alert webhook. */
@ConfigMapping(prefix = "sluice.freshness")
public interface FreshnessConfig {

  /**
   * How often each replica judges every contracted dataset. A stale dataset is alerted within this
   * long; a stale one resolves once it has been found fresh for this long.
   */
  @WithDefault("60s")
  Duration checkInterval();
}
