package dev.sluice.catalog.catalog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How commits to one table take turns on a replica. */
@ConfigMapping(prefix = "sluice.commits")
public interface CommitConfig {

  /**
   * How long a commit waits for earlier commits to the same tables on this replica before it goes
   * ahead without its turn (the database still decides between them); 0 never waits.
   */
  @WithDefault("5s")
  Duration queueWait();
}
