package dev.sluice.catalog.storage;

import dev.sluice.catalog.config.S3Config;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.util.SerializableSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the one file IO the catalog reads and writes with: S3 or the local file system, behind the
 * storage policy's fence ({@link GuardedFileIO}). No unguarded file IO is a bean.
 */
@ApplicationScoped
public class StorageProducer {
  /** The JDK's setting for idle HTTP connections kept per host; read once, at their first reuse. */
  static final String IDLE_CONNECTIONS_PROPERTY = "http.maxConnections";

  /**
   * Idle connections per host the object store clients keep, unless {@value
   * #IDLE_CONNECTIONS_PROPERTY} is set. The JDK keeps 5: with more requests in flight than that,
   * each one beyond opened and closed a connection of its own.
   */
  static final int IDLE_CONNECTIONS = 64;

  @Produces
  @ApplicationScoped
  GuardedFileIO storageFileIO(S3Config config, StoragePolicies policies, MeterRegistry registry) {
    keepConnections();
    return new GuardedFileIO(
        new StorageFileIO(s3(config), new LocalFileIO(), presignedRequests(config, registry)),
        policies::current);
  }

  /** Both S3 clients send through the JDK's HTTP connections; keeps more of them open for reuse. */
  static void keepConnections() {
    if (System.getProperty(IDLE_CONNECTIONS_PROPERTY) == null) {
      System.setProperty(IDLE_CONNECTIONS_PROPERTY, String.valueOf(IDLE_CONNECTIONS));
    }
  }

  void close(@Disposes GuardedFileIO io) {
    io.close();
  }

  /** Client properties engines need to reach the same S3 API (never credentials). */
  public static Map<String, String> s3ClientProperties(S3Config config) {
    Map<String, String> props = new HashMap<>();
    config.endpoint().ifPresent(endpoint -> props.put("s3.endpoint", endpoint));
    props.put("s3.path-style-access", String.valueOf(config.pathStyleAccess()));
    props.put("client.region", config.region());
    return props;
  }

  /** A client builder for the configured S3 API; the caller picks the HTTP client. */
  public static S3ClientBuilder s3ClientBuilder(S3Config config) {
    return s3ClientBuilder(
        config.endpoint().orElse(null),
        config.region(),
        config.pathStyleAccess(),
        config.accessKeyId().orElse(null),
        config.secretAccessKey().orElse(null));
  }

  private static S3ClientBuilder s3ClientBuilder(
      String endpoint, String region, boolean pathStyle, String accessKey, String secretKey) {
    keepConnections();
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(region))
            .forcePathStyle(pathStyle)
            // S3-compatible servers differ in checksum support; send them only when required
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                override -> override.addExecutionInterceptor(new NoExpectContinue()));
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.credentialsProvider(credentials(accessKey, secretKey));
  }

  /** Metadata presence checks, reads and writes on S3, signed as the file IO's client signs. */
  private static S3PresignedRequests presignedRequests(S3Config config, MeterRegistry registry) {
    String checks = "sluice.storage.presence.checks";
    String checked = "Checks that a table's metadata file is still in the object store";
    String reads = "sluice.storage.metadata.reads";
    String read = "Table metadata files read from the object store";
    String writes = "sluice.storage.metadata.writes";
    String written = "Table metadata files written to the object store";
    S3PresignedRequests.Counters counters =
        new S3PresignedRequests.Counters(
            counter(registry, checks, checked, "presigned-head")::increment,
            counter(registry, checks, checked, "sdk")::increment,
            counter(registry, reads, read, "presigned-get")::increment,
            counter(registry, reads, read, "sdk")::increment,
            counter(registry, writes, written, "presigned-put")::increment,
            counter(registry, writes, written, "sdk")::increment);
    String endpoint = config.endpoint().orElse(null);
    String region = config.region();
    boolean pathStyle = config.pathStyleAccess();
    AwsCredentialsProvider credentials =
        credentials(config.accessKeyId().orElse(null), config.secretAccessKey().orElse(null));
    return new S3PresignedRequests(
        new S3UrlSigner(
            () -> {
              S3Presigner.Builder builder =
                  S3Presigner.builder()
                      .region(Region.of(region))
                      .credentialsProvider(credentials)
                      .serviceConfiguration(
                          S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
              if (endpoint != null) {
                builder.endpointOverride(URI.create(endpoint));
              }
              return builder.build();
            },
            credentials,
            region,
            AwsV4HttpSigner.create()),
        // short: a store that does not answer at once is asked through the SDK client
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5))
            .build(),
        counters);
  }

  private static Counter counter(
      MeterRegistry registry, String name, String description, String by) {
    return Counter.builder(name).description(description).tag("by", by).register(registry);
  }

  private static AwsCredentialsProvider credentials(String accessKey, String secretKey) {
    return accessKey != null && secretKey != null
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))
        : DefaultCredentialsProvider.builder().build();
  }

  private static S3FileIO s3(S3Config config) {
    String endpoint = config.endpoint().orElse(null);
    String region = config.region();
    boolean pathStyle = config.pathStyleAccess();
    String accessKey = config.accessKeyId().orElse(null);
    String secretKey = config.secretAccessKey().orElse(null);
    // built lazily on first use, so a file: warehouse never needs S3 settings
    SerializableSupplier<S3Client> client =
        () ->
            s3ClientBuilder(endpoint, region, pathStyle, accessKey, secretKey)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    S3FileIO io = new S3FileIO(client);
    io.initialize(Map.of("init-creation-stacktrace", "false"));
    return io;
  }
}
