package dev.sluice.catalog.health;

import dev.sluice.catalog.config.S3Config;
import dev.sluice.catalog.config.WarehouseConfig;
import dev.sluice.catalog.storage.StoragePolicies;
import dev.sluice.catalog.storage.StorageProducer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Readiness of the object store that holds the warehouse: a {@code HEAD} of the warehouse bucket on
 * S3 (short timeouts, no retries), or for a {@code file:} warehouse its directory. The answer is
 * kept for {@link #CACHED_FOR}, so frequent probes from several load balancers cost one request.
 * Liveness does not depend on it: an unreachable store takes a replica out of rotation, it does not
 * get it restarted.
 */
@Readiness
@ApplicationScoped
public class WarehouseHealthCheck implements HealthCheck {
  static final String NAME = "Warehouse object store";
  static final Duration CACHED_FOR = Duration.ofMillis(1500);
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(WarehouseHealthCheck.class);

  private final String location;
  private final S3Client s3;
  private final String bucket;
  private final Path directory;
  private long checkedAt;
  private HealthCheckResponse last;

  @Inject
  public WarehouseHealthCheck(WarehouseConfig warehouse, S3Config s3Config) {
    this.location = StoragePolicies.absolute(warehouse.location());
    if (location.startsWith("s3://") || location.startsWith("s3a://")) {
      String rest = location.substring(location.indexOf("://") + 3);
      this.bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      this.directory = null;
      this.s3 =
          StorageProducer.s3ClientBuilder(s3Config)
              .httpClientBuilder(
                  UrlConnectionHttpClient.builder()
                      .connectionTimeout(TIMEOUT)
                      .socketTimeout(TIMEOUT))
              .overrideConfiguration(
                  c -> c.apiCallTimeout(TIMEOUT).retryStrategy(AwsRetryStrategy.doNotRetry()))
              .build();
    } else if (location.startsWith("file:")) {
      String path = location.substring("file:".length());
      this.directory = Path.of(path.startsWith("//") ? path.substring(2) : path);
      this.bucket = null;
      this.s3 = null;
    } else {
      throw new IllegalArgumentException("Unsupported warehouse location: " + location);
    }
  }

  /** A file warehouse's directory is made at start, so that "missing" later means unreachable. */
  void createDirectory(@Observes StartupEvent event) {
    if (directory == null) {
      return;
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      LOG.warnf("Could not create the warehouse directory %s: %s", directory, e.getMessage());
    }
  }

  @Override
  public synchronized HealthCheckResponse call() {
    long now = System.nanoTime();
    if (last == null || now - checkedAt >= CACHED_FOR.toNanos()) {
      last = check();
      checkedAt = System.nanoTime();
    }
    return last;
  }

  private HealthCheckResponse check() {
    try {
      if (s3 != null) {
        s3.headBucket(b -> b.bucket(bucket));
        return HealthCheckResponse.named(NAME).up().withData("store", "s3").build();
      }
      if (Files.isDirectory(directory) && Files.isWritable(directory)) {
        return HealthCheckResponse.named(NAME).up().withData("store", "file").build();
      }
      return HealthCheckResponse.named(NAME)
          .down()
          .withData("store", "file")
          .withData("error", "warehouse directory missing or not writable")
          .build();
    } catch (RuntimeException e) {
      // the failure's kind only: the readiness endpoint answers without authentication
      return HealthCheckResponse.named(NAME)
          .down()
          .withData("store", "s3")
          .withData("error", e.getClass().getSimpleName())
          .build();
    }
  }

  @PreDestroy
  void close() {
    if (s3 != null) {
      s3.close();
    }
  }
}
