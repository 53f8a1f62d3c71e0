package dev.sluice.catalog.storage;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayInputStream;
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
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The catalog's hot requests to S3, a metadata file's presence (on every table load), its bytes
 * (when it is not in memory) and its writing (on every commit), as plain HTTP requests of presigned
 * URLs. Through the SDK's client each request runs the endpoint rules, the interceptors, the
 * signer, its metrics and the response unmarshalling, which cost more CPU than the exchange itself.
 * A HEAD's URL is kept for a while and reused, so those costs are paid once per file while it is
 * valid; a GET's or a PUT's URL is signed for that one request.
 *
 * <p>Only plain answers are taken: 200 (there, for a GET its bytes, for a PUT written) and, for a
 * HEAD, 404 (not there). Anything else (a refused or expired signature, a server error, an I/O
 * failure, a presigning failure, and a GET's 404, whose error the caller must see as the store
 * reports it) is asked again through the SDK's client, which retries as it always does and raises
 * the store's own error. A PUT asked again writes the same bytes under the same name, so a first
 * one that reached the store after all changes nothing.
 */
final class S3PresignedRequests implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(S3PresignedRequests.class);

  /** How long a presigned URL is valid; it is used for less, so it never expires in flight. */
  static final Duration VALIDITY = Duration.ofMinutes(15);

  private static final Duration REUSE = VALIDITY.minus(Duration.ofMinutes(2));
  private static final int URLS = 20_000;

  /** What each request's outcome counts. */
  record Counters(
      Runnable headAnswered,
      Runnable headPassedOn,
      Runnable getAnswered,
      Runnable getPassedOn,
      Runnable putAnswered,
      Runnable putPassedOn) {
    Counters {
      requireNonNull(headAnswered, "headAnswered");
      requireNonNull(headPassedOn, "headPassedOn");
      requireNonNull(getAnswered, "getAnswered");
      requireNonNull(getPassedOn, "getPassedOn");
      requireNonNull(putAnswered, "putAnswered");
      requireNonNull(putPassedOn, "putPassedOn");
    }
  }

  private final S3UrlSigner signer;
  private final SdkHttpClient http;
  private final Counters counters;
  private final Cache<String, SdkHttpRequest> heads =
      Caffeine.newBuilder().maximumSize(URLS).expireAfterWrite(REUSE).build();

  /**
   * @param signer presigns the requests
   * @param http sends the requests; its connections are kept alive between them
   * @param counters counts requests answered here and passed on to the SDK's client
   */
  S3PresignedRequests(S3UrlSigner signer, SdkHttpClient http, Counters counters) {
    this.signer = signer;
    this.http = http;
    this.counters = counters;
  }

  /**
   * Whether the object at {@code location} exists; {@code sdk} is the SDK client's own answer,
   * asked whenever the HEAD's is not a plain yes or no.
   */
  boolean exists(String location, BooleanSupplier sdk) {
    Optional<Boolean> answer = head(location);
    if (answer.isPresent()) {
      counters.headAnswered().run();
      return answer.get();
    }
    heads.invalidate(location);
    counters.headPassedOn().run();
    return sdk.getAsBoolean();
  }

  /**
   * The bytes of the object at {@code location}; {@code sdk} reads them through the SDK's client
   * whenever the GET's answer is not a plain 200.
   */
  byte[] read(String location, Supplier<byte[]> sdk) {
    Optional<byte[]> bytes = get(location);
    if (bytes.isPresent()) {
      counters.getAnswered().run();
      return bytes.get();
    }
    counters.getPassedOn().run();
    return sdk.get();
  }

  /**
   * Writes {@code bytes} as the whole object at {@code location}; {@code sdk} writes them through
   * the SDK's client whenever the PUT's answer is not a plain 200.
   */
  void write(String location, byte[] bytes, Runnable sdk) {
    if (put(location, bytes)) {
      counters.putAnswered().run();
      return;
    }
    counters.putPassedOn().run();
    sdk.run();
  }

  private boolean put(String location, byte[] bytes) {
    SdkHttpRequest presigned;
    try {
      presigned = presign(SdkHttpMethod.PUT, location);
    } catch (RuntimeException e) {
      LOG.debugf(e, "Could not presign a PUT of %s", location);
      return false;
    }
    try {
      SdkHttpFullRequest request =
          SdkHttpFullRequest.builder()
              .method(presigned.method())
              .uri(presigned.getUri())
              .headers(presigned.headers())
              .putHeader("Content-Length", String.valueOf(bytes.length))
              .contentStreamProvider(() -> new ByteArrayInputStream(bytes))
              .build();
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(request)
                      .contentStreamProvider(request.contentStreamProvider().orElseThrow())
                      .build())
              .call();
      close(response);
      return response.httpResponse().statusCode() == 200;
    } catch (IOException | RuntimeException e) {
      LOG.debugf(e, "A presigned PUT of %s failed", location);
      return false;
    }
  }

  private Optional<Boolean> head(String location) {
    SdkHttpRequest presigned;
    try {
      presigned = heads.get(location, head -> presign(SdkHttpMethod.HEAD, head));
    } catch (RuntimeException e) {
      LOG.debugf(e, "Could not presign a HEAD of %s", location);
      return Optional.empty();
    }
    try {
      HttpExecuteResponse response = send(presigned);
      close(response);
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

  private Optional<byte[]> get(String location) {
    SdkHttpRequest presigned;
    try {
      presigned = presign(SdkHttpMethod.GET, location);
    } catch (RuntimeException e) {
      LOG.debugf(e, "Could not presign a GET of %s", location);
      return Optional.empty();
    }
    try {
      HttpExecuteResponse response = send(presigned);
      if (response.httpResponse().statusCode() != 200 || response.responseBody().isEmpty()) {
        close(response);
        return Optional.empty();
      }
      try (InputStream body = response.responseBody().get()) {
        byte[] bytes = body.readAllBytes();
        // a body cut short ends like a whole one on this client: only a complete one is taken
        Optional<String> length = response.httpResponse().firstMatchingHeader("Content-Length");
        if (length.isEmpty() || !length.get().equals(String.valueOf(bytes.length))) {
          return Optional.empty();
        }
        return Optional.of(bytes);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debugf(e, "A presigned GET of %s failed", location);
      return Optional.empty();
    }
  }

  private HttpExecuteResponse send(SdkHttpRequest presigned) throws IOException {
    return http.prepareRequest(HttpExecuteRequest.builder().request(presigned).build()).call();
  }

  /** Hands the connection back to be reused. */
  private static void close(HttpExecuteResponse response) throws IOException {
    Optional<? extends InputStream> body = response.responseBody();
    if (body.isPresent()) {
      body.get().close();
    }
  }

  private SdkHttpRequest presign(SdkHttpMethod method, String location) {
    ObjectKey object = ObjectKey.of(location);
    return signer.sign(method, object.bucket(), object.key(), VALIDITY);
  }

  /**
   * Bucket and key as S3FileIO reads them: the key is everything after the bucket, literally. A
   * location S3FileIO would refuse (a second {@code ://}) is not presigned, so the SDK refuses it.
   */
  private record ObjectKey(String bucket, String key) {
    static ObjectKey of(String location) {
      int start = location.indexOf("://");
      int slash = start < 0 ? -1 : location.indexOf('/', start + 3);
      if (slash < 0
          || slash == location.length() - 1
          || location.indexOf("://", start + 3) >= 0
          || location.indexOf('?') >= 0
          || location.indexOf('#') >= 0) {
        throw new IllegalArgumentException("Not an object location: " + location);
      }
      return new ObjectKey(location.substring(start + 3, slash), location.substring(slash + 1));
    }
  }

  @Override
  public void close() {
    heads.invalidateAll();
    http.close();
    signer.close();
  }
}
