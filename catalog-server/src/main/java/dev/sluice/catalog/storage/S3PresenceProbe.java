package dev.sluice.catalog.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedHeadObjectRequest;

/**
 * Answers whether an object is there with one plain HTTP HEAD of a presigned URL, which is kept for
 * a while and reused. The catalog asks this on every table load; through the SDK's client each HEAD
 * runs the endpoint rules, the interceptors, the signer and the response unmarshalling, which on
 * the load path cost more than the exchange itself. Here they are paid once per file while its URL
 * is valid.
 *
 * <p>Only the two plain answers are taken from the probe: 200 (there) and 404 (not there). Anything
 * else (a refused or expired signature, a server error, an I/O failure, a presigning failure)
 * forgets the URL and asks the SDK's client, which retries as it always does and raises the store's
 * own error.
 */
final class S3PresenceProbe implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(S3PresenceProbe.class);

  /** How long a presigned URL is valid; it is used for less, so it never expires in flight. */
  static final Duration VALIDITY = Duration.ofMinutes(15);

  private static final Duration REUSE = VALIDITY.minus(Duration.ofMinutes(2));
  private static final int URLS = 20_000;

  private final Supplier<S3Presigner> presigners;
  private final SdkHttpClient http;
  private final Runnable answered;
  private final Runnable passedOn;
  private volatile S3Presigner presigner;
  private final Cache<String, PresignedHeadObjectRequest> urls =
      Caffeine.newBuilder().maximumSize(URLS).expireAfterWrite(REUSE).build();

  /**
   * @param presigners builds, on first use, a presigner for the same endpoint, region and
   *     credentials as the SDK client
   * @param http sends the HEAD; its connections are kept alive between probes
   * @param answered counts checks the probe answered
   * @param passedOn counts checks passed on to the SDK's client
   */
  S3PresenceProbe(
      Supplier<S3Presigner> presigners, SdkHttpClient http, Runnable answered, Runnable passedOn) {
    this.presigners = presigners;
    this.http = http;
    this.answered = answered;
    this.passedOn = passedOn;
  }

  /**
   * Whether the object at {@code location} exists; {@code sdk} is the SDK client's own answer,
   * asked whenever the probe's is not a plain yes or no.
   */
  boolean exists(String location, BooleanSupplier sdk) {
    Optional<Boolean> answer = probe(location);
    if (answer.isPresent()) {
      answered.run();
      return answer.get();
    }
    urls.invalidate(location);
    passedOn.run();
    return sdk.getAsBoolean();
  }

  private Optional<Boolean> probe(String location) {
    PresignedHeadObjectRequest presigned;
    try {
      presigned = urls.get(location, this::presign);
    } catch (RuntimeException e) {
      LOG.debugf(e, "Could not presign a HEAD of %s", location);
      return Optional.empty();
    }
    try {
      HttpExecuteResponse response =
          http.prepareRequest(HttpExecuteRequest.builder().request(presigned.httpRequest()).build())
              .call();
      Optional<? extends InputStream> body = response.responseBody();
      if (body.isPresent()) {
        body.get().close(); // hands the connection back to be reused
      }
      return switch (response.httpResponse().statusCode()) {
        case 200 -> Optional.of(true);
        case 404 -> Optional.of(false);
        default -> Optional.empty();
      };
    } catch (IOException | RuntimeException e) {
      LOG.debugf(e, "A presigned HEAD of %s failed", location);
      return Optional.empty();
    }
  }

  private PresignedHeadObjectRequest presign(String location) {
    // bucket and key as S3FileIO reads them: the key is everything after the bucket, literally
    int start = location.indexOf("://");
    int slash = start < 0 ? -1 : location.indexOf('/', start + 3);
    if (slash < 0 || slash == location.length() - 1) {
      throw new IllegalArgumentException("Not an object location: " + location);
    }
    String bucket = location.substring(start + 3, slash);
    String key = location.substring(slash + 1);
    return presigner()
        .presignHeadObject(
            request ->
                request
                    .signatureDuration(VALIDITY)
                    .headObjectRequest(head -> head.bucket(bucket).key(key)));
  }

  private S3Presigner presigner() {
    S3Presigner built = presigner;
    if (built == null) {
      synchronized (this) {
        built = presigner;
        if (built == null) {
          built = presigners.get();
          presigner = built;
        }
      }
    }
    return built;
  }

  @Override
  public void close() {
    urls.invalidateAll();
    http.close();
    synchronized (this) {
      if (presigner != null) {
        presigner.close();
      }
    }
  }
}
