package dev.sluice.catalog.erasure;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Erasure of a data subject: the server's secret for subject hashes and sealed job payloads. */
@ConfigMapping(prefix = "sluice.erasure")
public interface ErasureConfig {

  /**
   * The secret that keys subject hashes (HMAC-SHA256) and seals the subject in the erasure job's
   * payload (AES-GCM with a key derived from it). No default: without it erasures are refused.
   * Changing it makes earlier subject hashes incomparable with new ones.
   */
  Optional<String> subjectKey();

  /**
   * Times an erasure's rewrite is planned and committed again when a concurrent commit conflicts.
   */
  @WithDefault("4")
  int commitAttempts();
}
