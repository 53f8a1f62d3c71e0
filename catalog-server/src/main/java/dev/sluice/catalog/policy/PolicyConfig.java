package dev.sluice.catalog.policy;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** Where the policy bundle comes from at start. */
@ConfigMapping(prefix = "sluice.policy")
public interface PolicyConfig {

  /** A directory of policy YAML files, loaded at start; unset means "keep the stored policy". */
  Optional<Path> directory();
}
