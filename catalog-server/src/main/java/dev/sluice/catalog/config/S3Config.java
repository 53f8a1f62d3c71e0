package dev.sluice.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The S3 API that holds {@code s3://} locations (AWS S3, MinIO, any compatible server). */
@ConfigMapping(prefix = "sluice.s3")
public interface S3Config {

  /** Endpoint URI of an S3-compatible server; empty means AWS S3 itself. */
  Optional<String> endpoint();

  @WithDefault("us-east-1")
  String region();

  Optional<String> accessKeyId();

  Optional<String> secretAccessKey();

  /** MinIO and most S3-compatible servers need path-style addressing. */
  @WithDefault("true")
  boolean pathStyleAccess();
}
