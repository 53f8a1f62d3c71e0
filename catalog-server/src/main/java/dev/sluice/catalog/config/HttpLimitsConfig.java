package dev.sluice.catalog.config;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on what a client may send. Read when providers are built, hence static-init safe. */
@StaticInitSafe
@ConfigMapping(prefix = "sluice.http")
public interface HttpLimitsConfig {

  /** Largest accepted request body in bytes; larger ones get 413. */
  @WithDefault("10485760")
  long maxRequestBodyBytes();
}
