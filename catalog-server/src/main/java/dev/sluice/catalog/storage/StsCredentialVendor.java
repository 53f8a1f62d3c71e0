package dev.sluice.catalog.storage;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.sluice.catalog.config.S3Config;
import dev.sluice.zones.StorageLocation;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.rest.credentials.Credential;
import org.apache.iceberg.rest.credentials.ImmutableCredential;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Vends S3 credentials for one table: STS {@code AssumeRole} with a {@link TableAccessPolicy} as
 * session policy, so an engine can read (or write) that table's files and nothing else, for {@code
 * sluice.s3.sts.duration}. The STS call authenticates with the catalog's own S3 keys.
 *
 * <p>Credentials are cached per principal, location and access until five minutes before they
 * expire, so an engine loading a table many times costs one STS call; a cached answer is one STS
 * already gave this principal for this table, and every caller still gets at least five minutes of
 * validity. The cache is per replica. A failing STS is an error for the caller, never a table
 * without credentials.
 *
 * <p>Settings are checked at start: a bad duration, role or session name prefix stops the server.
 */
@Startup
@ApplicationScoped
public class StsCredentialVendor {
  private static final Logger LOG = Logger.getLogger(StsCredentialVendor.class);

  static final Duration MIN_DURATION = Duration.ofMinutes(15);
  static final Duration MAX_DURATION = Duration.ofHours(12);
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
  static final int MAX_SESSION_NAME = 64;
  private static final Duration STS_CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_SESSION_NAME_PREFIX = 32;
  private static final int MAX_CACHED = 10_000;
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]+");
  private static final Pattern NOT_SESSION_NAME = Pattern.compile("[^\\w+=,.@-]");
  // arn:partition:service:region:account:resource; MinIO leaves region and account empty
  private static final Pattern ARN =
      Pattern.compile("arn:[^:\\s]+:[^:\\s]+:[^:\\s]*:[^:\\s]*:\\S+");

  private final boolean enabled;
  private final String roleArn;
  private final Duration duration;
  private final String sessionNamePrefix;
  private final String arnPartition;
  private final StsClient client;
  private final Cache<Key, Vended> cache;

  @Inject
  public StsCredentialVendor(StsConfig sts, S3Config s3) {
    this.enabled = sts.enabled();
    this.duration = sts.duration();
    this.sessionNamePrefix = sts.sessionNamePrefix();
    this.arnPartition = sts.arnPartition();
    if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          "sluice.s3.sts.duration must be between 15M and 12H, as STS requires; got " + duration);
    }
    if (!SESSION_NAME.matcher(sessionNamePrefix).matches()
        || sessionNamePrefix.length() > MAX_SESSION_NAME_PREFIX) {
      throw new IllegalArgumentException(
          "sluice.s3.sts.session-name-prefix must be 1 to "
              + MAX_SESSION_NAME_PREFIX
              + " of the characters STS allows in a role session name (letters, digits and"
              + " _+=,.@-); got '"
              + sessionNamePrefix
              + "'");
    }
    try {
      TableAccessPolicy.checkPartition(arnPartition);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sluice.s3.sts.arn-partition: " + e.getMessage(), e);
    }
    if (!enabled) {
      this.roleArn = null;
      this.client = null;
      this.cache = null;
      return;
    }
    this.roleArn =
        sts.roleArn()
            .filter(arn -> !arn.isBlank())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "sluice.s3.sts.enabled is true but sluice.s3.sts.role-arn is not set:"
                            + " name the role vended credentials assume"));
    if (!ARN.matcher(roleArn).matches() || roleArn.length() < 20 || roleArn.length() > 2048) {
      throw new IllegalArgumentException(
          "sluice.s3.sts.role-arn must be an ARN such as arn:aws:iam::123456789012:role/lake"
              + " (MinIO: arn:minio:iam:::role/lake); got '"
              + roleArn
              + "'");
    }
    StsClientBuilder builder =
        StsClient.builder()
            .region(Region.of(s3.region()))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            // a table load waits for STS; a hung STS must not hold it for minutes
            .overrideConfiguration(c -> c.apiCallTimeout(STS_CALL_TIMEOUT))
            .credentialsProvider(credentials(s3));
    sts.endpoint().ifPresent(builder::endpointOverride);
    this.client = builder.build();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .expireAfter(Expiry.creating((Key key, Vended vended) -> vended.reusableFor()))
            .build();
    LOG.infof(
        "Vending table-scoped S3 credentials from STS %s as role %s, valid for %s",
        sts.endpoint().map(Object::toString).orElse("of region " + s3.region()), roleArn, duration);
  }

  /** The keys only the catalog holds; the SDK's default chain (an instance role) without them. */
  private static AwsCredentialsProvider credentials(S3Config s3) {
    if (s3.accessKeyId().isPresent() && s3.secretAccessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(s3.accessKeyId().get(), s3.secretAccessKey().get()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** Whether {@code sluice.s3.sts.enabled} is set; {@link #vend} may be called only then. */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Credentials for {@code principalName} to read, or with {@code write} also write, the table at
   * {@code tableLocation}: one {@link Credential} whose prefix is the location with a trailing
   * slash and whose config holds {@code s3.access-key-id}, {@code s3.secret-access-key}, {@code
   * s3.session-token} and {@code s3.session-token-expires-at-ms}. Empty for a location that is not
   * on S3. The caller has already decided that the principal may have this access.
   *
   * @throws BadRequestException when the location cannot be expressed exactly in a session policy
   *     (IAM wildcards, too long)
   * @throws ServiceUnavailableException when STS refuses or cannot be reached
   * @throws IllegalStateException when vending is not enabled
   */
  public List<Credential> vend(String principalName, StorageLocation tableLocation, boolean write) {
    requireNonNull(principalName, "principalName");
    requireNonNull(tableLocation, "tableLocation");
    if (!enabled) {
      throw new IllegalStateException("Credential vending is off (sluice.s3.sts.enabled)");
    }
    if (!tableLocation.scheme().equals("s3")) {
      return List.of();
    }
    TableAccessPolicy policy;
    try {
      policy = TableAccessPolicy.forTable(tableLocation, write, arnPartition);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e, "%s", e.getMessage());
    }
    Key key = new Key(principalName, tableLocation, write);
    return List.of(cache.get(key, k -> assumeRole(principalName, policy)).credential());
  }

  private Vended assumeRole(String principalName, TableAccessPolicy policy) {
    AssumeRoleRequest request =
        AssumeRoleRequest.builder()
            .roleArn(roleArn)
            .roleSessionName(roleSessionName(sessionNamePrefix, principalName))
            .policy(policy.json())
            .durationSeconds((int) duration.toSeconds())
            .build();
    Credentials issued;
    try {
      issued = client.assumeRole(request).credentials();
    } catch (AwsServiceException e) {
      AwsErrorDetails details = e.awsErrorDetails();
      String reason =
          details == null ? e.getMessage() : details.errorCode() + ": " + details.errorMessage();
      throw new ServiceUnavailableException(
          e,
          "STS refused credentials for %s (HTTP %s): %s",
          policy.credentialPrefix(),
          e.statusCode(),
          reason);
    } catch (SdkException e) {
      throw new ServiceUnavailableException(
          e,
          "STS could not vend credentials for %s: %s",
          policy.credentialPrefix(),
          e.getMessage());
    }
    if (issued == null
        || issued.accessKeyId() == null
        || issued.secretAccessKey() == null
        || issued.sessionToken() == null
        || issued.expiration() == null) {
      throw new ServiceUnavailableException(
          "STS answered AssumeRole for %s without complete credentials", policy.credentialPrefix());
    }
    Credential credential =
        ImmutableCredential.builder()
            .prefix(policy.credentialPrefix())
            .putConfig(S3FileIOProperties.ACCESS_KEY_ID, issued.accessKeyId())
            .putConfig(S3FileIOProperties.SECRET_ACCESS_KEY, issued.secretAccessKey())
            .putConfig(S3FileIOProperties.SESSION_TOKEN, issued.sessionToken())
            .putConfig(
                S3FileIOProperties.SESSION_TOKEN_EXPIRES_AT_MS,
                String.valueOf(issued.expiration().toEpochMilli()))
            .build();
    return new Vended(credential, issued.expiration());
  }

  /**
   * {@code <prefix>-<principal>} with every character STS does not allow in a role session name
   * replaced by {@code _}, cut at 64 characters. Only a label in the provider's logs: who asked is
   * recorded exactly in the catalog's audit trail.
   */
  static String roleSessionName(String prefix, String principalName) {
    String name = prefix + "-" + NOT_SESSION_NAME.matcher(principalName).replaceAll("_");
    return name.length() <= MAX_SESSION_NAME ? name : name.substring(0, MAX_SESSION_NAME);
  }

  @PreDestroy
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private record Key(String principal, StorageLocation location, boolean write) {}

  private record Vended(Credential credential, Instant expiresAt) {
    Duration reusableFor() {
      Duration left = Duration.between(Instant.now(), expiresAt.minus(RENEW_BEFORE_EXPIRY));
      return left.isNegative() ? Duration.ZERO : left;
    }
  }
}
