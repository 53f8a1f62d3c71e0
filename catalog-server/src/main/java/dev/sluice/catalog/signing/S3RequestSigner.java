package dev.sluice.catalog.signing;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs S3 requests (AWS Signature Version 4, header form) with the keys only the catalog holds.
 * The payload is left unsigned ({@code UNSIGNED-PAYLOAD}), since the engine sends it after signing,
 * except for a body the catalog has read and checked (DeleteObjects), whose SHA-256 is signed so
 * that another body cannot take its place.
 */
public final class S3RequestSigner {
  /** Headers that change between retries of one request, or that the signer sets itself. */
  private static final Set<String> UNSIGNED_HEADERS =
      Set.of(
          "range",
          "x-amz-date",
          "authorization",
          "amz-sdk-invocation-id",
          "amz-sdk-retry",
          "amz-sdk-request",
          "user-agent",
          "expect",
          "connection",
          "transfer-encoding",
          "x-amz-content-sha256");

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final AwsCredentialsIdentity credentials;
  private final String region;

  public S3RequestSigner(String accessKeyId, String secretAccessKey, String region) {
    this.credentials =
        AwsCredentialsIdentity.create(
            requireNonNull(accessKeyId, "accessKeyId"),
            requireNonNull(secretAccessKey, "secretAccessKey"));
    this.region = requireNonNull(region, "region");
  }

  /** The signed request: its URI (unchanged) and every header it must be sent with. */
  public record Signed(URI uri, Map<String, List<String>> headers) {}

  /**
   * Signs {@code method uri} with the headers the engine will send; {@code checkedBody}, when not
   * null, is the body the catalog checked, and its hash is signed.
   */
  public Signed sign(
      String method, URI uri, Map<String, List<String>> headers, String checkedBody) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
    Map<String, List<String>> unsigned = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          if (UNSIGNED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            if (!name.equalsIgnoreCase("authorization")
                && !name.equalsIgnoreCase("x-amz-date")
                && !name.equalsIgnoreCase("x-amz-content-sha256")) {
              unsigned.put(name, List.copyOf(values));
            }
          } else {
            request.putHeader(name, values);
          }
        });
    byte[] body = checkedBody == null ? null : checkedBody.getBytes(StandardCharsets.UTF_8);
    SignedRequest signed =
        signer.sign(
            sign ->
                sign.identity(credentials)
                    .request(request.build())
                    .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    // S3 signs the path as sent: neither double-encoded nor normalised
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, body != null)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false));
    Map<String, List<String>> out = new LinkedHashMap<>(signed.request().headers());
    unsigned.forEach(out::putIfAbsent);
    return new Signed(uri, out);
  }
}
