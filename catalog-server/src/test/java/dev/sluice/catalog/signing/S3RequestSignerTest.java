package dev.sluice.catalog.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3RequestSignerTest {
  private final S3RequestSigner signer =
      new S3RequestSigner("catalog-key", "catalog-secret", "eu-west-1");

  private static String first(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }

  @Test
  void signsWithTheCatalogsKeysAndLeavesThePayloadUnsigned() {
    URI uri = URI.create("http://127.0.0.1:9000/lake/silver/orders/data/f%20x.parquet");
    S3RequestSigner.Signed signed =
        signer.sign(
            "GET",
            uri,
            Map.of(
                "Range", List.of("bytes=0-9"),
                "amz-sdk-invocation-id", List.of("abc"),
                "amz-sdk-request", List.of("attempt=1; max=3")),
            null);
    assertThat(signed.uri()).isEqualTo(uri);
    String authorization = first(signed.headers(), "Authorization");
    assertThat(authorization)
        .startsWith("AWS4-HMAC-SHA256 Credential=catalog-key/")
        .contains("/eu-west-1/s3/aws4_request")
        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date")
        .doesNotContain("catalog-secret");
    assertThat(first(signed.headers(), "x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
    // headers that change between retries travel unsigned, as the engine sent them
    assertThat(first(signed.headers(), "Range")).isEqualTo("bytes=0-9");
    assertThat(first(signed.headers(), "amz-sdk-request")).isEqualTo("attempt=1; max=3");
  }

  @Test
  void aCheckedBodyIsBoundByItsHash() throws Exception {
    String body = "<Delete><Object><Key>silver/orders/data/a</Key></Object></Delete>";
    S3RequestSigner.Signed signed =
        signer.sign(
            "POST",
            URI.create("http://127.0.0.1:9000/lake?delete"),
            Map.of("Content-MD5", List.of("x")),
            body);
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(first(signed.headers(), "x-amz-content-sha256")).isEqualTo(hash);
    assertThat(first(signed.headers(), "Authorization")).contains("content-md5");
  }

  @Test
  void theSignatureDependsOnTheTarget() {
    Map<String, List<String>> none = Map.of();
    String a =
        first(
            signer
                .sign("GET", URI.create("http://127.0.0.1:9000/lake/silver/a"), none, null)
                .headers(),
            "Authorization");
    String b =
        first(
            signer
                .sign("GET", URI.create("http://127.0.0.1:9000/lake/silver/b"), none, null)
                .headers(),
            "Authorization");
    assertThat(a.substring(a.indexOf("Signature=")))
        .isNotEqualTo(b.substring(b.indexOf("Signature=")));
  }
}
