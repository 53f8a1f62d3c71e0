package dev.sluice.catalog.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Vended credentials: short-lived S3 credentials from STS {@code AssumeRole}, scoped by a session
 * policy to one table, handed to engines with a table. The STS call authenticates with the keys of
 * {@code sluice.s3.*}, which only the catalog holds. Checked at start by {@link
 * StsCredentialVendor}.
 */
@ConfigMapping(prefix = "sluice.s3.sts")
public interface StsConfig {

  @WithDefault("false")
  boolean enabled();

  /**
   * The STS endpoint, e.g. the MinIO server's URL; empty means AWS STS of {@code sluice.s3.region}.
   */
  Optional<URI> endpoint();

  /** The role assumed; required when enabled. MinIO accepts any ARN-shaped string. */
  Optional<String> roleArn();

  /** How long vended credentials live: 15 minutes to 12 hours, as STS allows. */
  @WithDefault("15M")
  Duration duration();

  /**
   * Role session names are {@code <prefix>-<principal>}, so the provider's logs name the caller.
   */
  @WithDefault("sluice")
  String sessionNamePrefix();

  /** The partition of the S3 ARNs in session policies: {@code aws}, {@code aws-cn}, … */
  @WithDefault("aws")
  String arnPartition();
}
