package dev.sluice.catalog.storage;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Presigned URLs of objects, signed by the SDK's own SigV4 signer as the SDK's S3 presigner signs
 * them (query-string authentication, unsigned payload, the path neither normalised nor encoded
 * twice). The presigner itself runs its endpoint rules and interceptors on every call, several
 * times the signature's cost; here it is asked once per bucket, for where the bucket's objects live
 * (path-style or virtual-hosted, the endpoint, its base path), and a key is placed there encoded as
 * the SDK encodes keys.
 */
final class S3UrlSigner implements AutoCloseable {
  private static final String PROBE_KEY = "k";
  private static final int BUCKETS = 1_000;

  private final Supplier<S3Presigner> presigners;
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final AwsV4HttpSigner signer;
  private final Cache<String, String> bucketRoots =
      Caffeine.newBuilder().maximumSize(BUCKETS).build();
  private volatile S3Presigner presigner;

  /**
   * @param presigners builds, on first use, the SDK's presigner for the same endpoint, region and
   *     credentials as the SDK client; asked once
   * @param credentials the SDK client's credentials
   * @param region the region requests are signed for
   * @param signer the SDK's SigV4 signer
   */
  S3UrlSigner(
      Supplier<S3Presigner> presigners,
      AwsCredentialsProvider credentials,
      String region,
      AwsV4HttpSigner signer) {
    this.presigners = requireNonNull(presigners, "presigners");
    this.credentials = requireNonNull(credentials, "credentials");
    this.region = requireNonNull(region, "region");
    this.signer = requireNonNull(signer, "signer");
  }

  /** A request of {@code method} on {@code bucket}'s {@code key}, valid for {@code validity}. */
  SdkHttpRequest sign(SdkHttpMethod method, String bucket, String key, Duration validity) {
    String root = bucketRoots.get(bucket, this::rootOf);
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(method)
            .uri(URI.create(root + SdkHttpUtils.urlEncodeIgnoreSlashes(key)))
            .build();
    return signer
        .sign(
            signing ->
                signing
                    .identity(credentials.resolveCredentials())
                    .request(request)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(
                        AwsV4FamilyHttpSigner.AUTH_LOCATION,
                        AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, validity)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false))
        .request();
  }

  /** Where the presigner puts {@code bucket}'s objects: its URL for a one-letter key, less it. */
  private String rootOf(String bucket) {
    URI probe =
        URI.create(
            presigner()
                .presignGetObject(
                    request ->
                        request
                            .signatureDuration(Duration.ofMinutes(1))
                            .getObjectRequest(get -> get.bucket(bucket).key(PROBE_KEY)))
                .url()
                .toString());
    String url =
        probe.getScheme()
            + "://"
            + probe.getRawAuthority()
            + (probe.getRawPath() == null ? "" : probe.getRawPath());
    if (!url.endsWith("/" + PROBE_KEY)) {
      throw new IllegalStateException("Unexpected presigned URL layout for bucket " + bucket);
    }
    return url.substring(0, url.length() - PROBE_KEY.length());
  }

  private S3Presigner presigner() {
    S3Presigner built = presigner;
    if (built == null) {
      synchronized (this) {
        built = presigner;
        if (built == null) {
          built = requireNonNull(presigners.get(), "presigner");
          presigner = built;
        }
      }
    }
    return built;
  }

  @Override
  public void close() {
    bucketRoots.invalidateAll();
    synchronized (this) {
      if (presigner != null) {
        presigner.close();
      }
    }
  }
}
