package dev.sluice.catalog.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the policy bundle comes from at start, and how fresh replicas keep it. */
@ConfigMapping(prefix = "sluice.policy")
public interface PolicyConfig {

  /** A directory of policy YAML files, loaded at start; unset means "keep the stored policy". */
  Optional<Path> directory();

  /**
   * On PostgreSQL, how often a replica checks the newest applied version besides listening for
   * apply notifications: the bound on staleness when a notification is lost. Unused on H2.
   */
  @WithDefault("500ms")
  Duration refreshInterval();
}
