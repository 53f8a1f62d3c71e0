package dev.sluice.zones.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.zones.InvalidLocationException;
import dev.sluice.zones.StorageLocation;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3RequestParserTest {
  private static final String ENDPOINT = "http://127.0.0.1:9000";
  private static final StorageLocation TABLE = StorageLocation.parse("s3://lake/silver/orders");
  private final S3RequestParser parser = S3RequestParser.forEndpoint(URI.create(ENDPOINT));

  private S3Request parse(String method, String uri) {
    return parser.parse(method, URI.create(uri), Map.of(), null);
  }

  @Test
  void readsAndWritesOfOneObjectArePathStyle() {
    S3Request get = parse("GET", ENDPOINT + "/lake/silver/orders/data/f-1.parquet");
    assertThat(get.operation()).isEqualTo(S3Operation.READ_OBJECT);
    assertThat(get.bucket()).isEqualTo("lake");
    assertThat(get.target().canonical()).isEqualTo("s3://lake/silver/orders/data/f-1.parquet");
    assertThat(get.isWithin(TABLE)).isTrue();

    assertThat(parse("HEAD", ENDPOINT + "/lake/silver/orders/metadata/v1.json").operation())
        .isEqualTo(S3Operation.READ_OBJECT);
    assertThat(parse("PUT", ENDPOINT + "/lake/silver/orders/data/f-2.parquet").operation())
        .isEqualTo(S3Operation.WRITE_OBJECT);
    assertThat(parse("PUT", ENDPOINT + "/lake/silver/orders/d/f?partNumber=2&uploadId=abc"))
        .extracting(S3Request::operation)
        .isEqualTo(S3Operation.WRITE_OBJECT);
    assertThat(parse("POST", ENDPOINT + "/lake/silver/orders/d/f?uploads").operation())
        .isEqualTo(S3Operation.WRITE_OBJECT);
    assertThat(parse("POST", ENDPOINT + "/lake/silver/orders/d/f?uploadId=abc").operation())
        .isEqualTo(S3Operation.WRITE_OBJECT);
    assertThat(parse("DELETE", ENDPOINT + "/lake/silver/orders/d/f").operation())
        .isEqualTo(S3Operation.DELETE_OBJECT);
    assertThat(parse("DELETE", ENDPOINT + "/lake/silver/orders/d/f?uploadId=abc").operation())
        .isEqualTo(S3Operation.DELETE_OBJECT);
    assertThat(parse("GET", ENDPOINT + "/lake/silver/orders/d/f?x-id=GetObject").operation())
        .isEqualTo(S3Operation.READ_OBJECT);
  }

  @Test
  void virtualHostedRequestsNameTheBucketInTheHost() {
    S3RequestParser minio = S3RequestParser.forEndpoint(URI.create("https://s3.example.com"));
    S3Request request =
        minio.parse(
            "GET", URI.create("https://lake.s3.example.com/silver/orders/data/f"), Map.of(), null);
    assertThat(request.target().canonical()).isEqualTo("s3://lake/silver/orders/data/f");
    assertThat(request.isWithin(TABLE)).isTrue();
  }

  @Test
  void awsHostsAreRecognised() {
    S3RequestParser aws = S3RequestParser.forAws();
    assertThat(
            aws.parse(
                    "GET",
                    URI.create("https://lake.s3.eu-west-1.amazonaws.com/silver/orders/f"),
                    Map.of(),
                    null)
                .target()
                .canonical())
        .isEqualTo("s3://lake/silver/orders/f");
    assertThat(
            aws.parse(
                    "GET",
                    URI.create("https://s3.amazonaws.com/lake/silver/orders/f"),
                    Map.of(),
                    null)
                .bucket())
        .isEqualTo("lake");
    assertThatThrownBy(
            () ->
                aws.parse(
                    "GET",
                    URI.create("https://evil.example.com/lake/silver/orders/f"),
                    Map.of(),
                    null))
        .isInstanceOf(S3RequestRefusedException.class);
    assertThatThrownBy(
            () ->
                aws.parse(
                    "GET",
                    URI.create("https://s3.amazonaws.com.evil.net/lake/silver/orders/f"),
                    Map.of(),
                    null))
        .isInstanceOf(S3RequestRefusedException.class);
    assertThatThrownBy(
            () ->
                aws.parse(
                    "GET",
                    URI.create("http://s3.amazonaws.com/lake/silver/orders/f"),
                    Map.of(),
                    null))
        .isInstanceOf(S3RequestRefusedException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:9001/lake/silver/orders/f", // another port
        "https://127.0.0.1:9000/lake/silver/orders/f", // another scheme
        "http://localhost:9000/lake/silver/orders/f", // another host
        "http://evil.127.0.0.1.example:9000/lake/silver/orders/f",
        "http://user@127.0.0.1:9000/lake/silver/orders/f"
      })
  void otherEndpointsAreRefused(String uri) {
    assertThatThrownBy(() -> parse("GET", uri)).isInstanceOf(S3RequestRefusedException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/lake/silver/orders/../../raw/t/f",
        "/lake/silver/orders/%2e%2e/%2e%2e/raw/t/f",
        "/lake/silver/orders/%2E%2E/%2E%2E/raw/t/f",
        "/lake/silver/orders/%252e%252e/%252e%252e/raw/t/f",
        "/lake/silver/orders/.%2e/x",
        "/lake/silver/orders/%5C..%5Cx",
        "/lake/silver/orders/a%00b"
      })
  void keysThatWalkUpAreRefused(String path) {
    assertThatThrownBy(() -> parse("GET", ENDPOINT + path))
        .isInstanceOfAny(InvalidLocationException.class, S3RequestRefusedException.class);
  }

  @Test
  void targetsMustLieStrictlyBelowTheTable() {
    assertThat(parse("GET", ENDPOINT + "/lake/silver/orders10/data/f").isWithin(TABLE)).isFalse();
    assertThat(parse("GET", ENDPOINT + "/lake/silver/orders").isWithin(TABLE)).isFalse();
    assertThat(parse("GET", ENDPOINT + "/lake/raw/orders/data/f").isWithin(TABLE)).isFalse();
    assertThat(parse("GET", ENDPOINT + "/other/silver/orders/data/f").isWithin(TABLE)).isFalse();
    // S3 reads the key literally: ra%77 is not raw
    assertThat(parse("GET", ENDPOINT + "/lake/silver/orders/data/%2541").isWithin(TABLE)).isTrue();
    assertThat(parse("GET", ENDPOINT + "/lake/silver/or%64ers/data/f").isWithin(TABLE)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /lake/silver/orders/f?acl",
        "GET /lake/silver/orders/f?versionId=3",
        "GET /lake/silver/orders/f?torrent",
        "GET /lake/silver/orders/f?uploadId=1",
        "PUT /lake/silver/orders/f?acl",
        "PUT /lake/silver/orders/f?tagging",
        "PUT /lake/silver/orders/f?partNumber=1",
        "POST /lake/silver/orders/f",
        "POST /lake/silver/orders/f?select&select-type=2",
        "POST /lake/silver/orders/f?restore",
        "DELETE /lake/silver/orders/f?versionId=3",
        "GET /lake?policy",
        "GET /lake",
        "GET /lake?list-type=2",
        "GET /lake?uploads",
        "PUT /lake",
        "DELETE /lake",
        "PATCH /lake/silver/orders/f",
        "OPTIONS /lake/silver/orders/f",
        "GET /lake/silver/orders/f?x-id=GetObject&x-id=PutObject",
        "GET /"
      })
  void operationsIcebergNeverPerformsAreRefused(String line) {
    String[] parts = line.split(" ", 2);
    assertThatThrownBy(() -> parse(parts[0], ENDPOINT + parts[1]))
        .isInstanceOf(S3RequestRefusedException.class);
  }

  @Test
  void headersThatReachOtherObjectsOrChangeAccessAreRefused() {
    URI uri = URI.create(ENDPOINT + "/lake/silver/orders/data/f");
    for (String header :
        List.of(
            "x-amz-copy-source",
            "X-Amz-Copy-Source-Range",
            "x-amz-acl",
            "x-amz-grant-read",
            "x-amz-object-lock-mode",
            "x-amz-security-token")) {
      assertThatThrownBy(() -> parser.parse("PUT", uri, Map.of(header, List.of("x")), null))
          .as(header)
          .isInstanceOf(S3RequestRefusedException.class);
    }
    assertThatThrownBy(
            () -> parser.parse("GET", uri, Map.of("Host", List.of("raw.127.0.0.1:9000")), null))
        .isInstanceOf(S3RequestRefusedException.class);
    assertThat(
            parser
                .parse(
                    "GET",
                    uri,
                    Map.of("Host", List.of("127.0.0.1:9000"), "Range", List.of("bytes=0-9")),
                    null)
                .operation())
        .isEqualTo(S3Operation.READ_OBJECT);
  }

  @Test
  void emptySegmentsCountForNeitherReading() {
    // Iceberg writes keys such as data//file for some layouts; both readings stay in the table
    assertThat(parse("PUT", ENDPOINT + "/lake/silver/orders/data//f.parquet").isWithin(TABLE))
        .isTrue();
    assertThat(parse("GET", ENDPOINT + "/lake/silver//orders10/f").isWithin(TABLE)).isFalse();
  }

  @Test
  void listingsNeedAPrefixBelowTheTable() {
    S3Request below = parse("GET", ENDPOINT + "/lake?list-type=2&prefix=silver%2Forders%2F");
    assertThat(below.operation()).isEqualTo(S3Operation.LIST);
    assertThat(below.isWithin(TABLE)).isTrue();
    assertThat(
            parse("GET", ENDPOINT + "/lake?list-type=2&prefix=silver/orders/data").isWithin(TABLE))
        .isTrue();
    // without the slash the listing would show silver/orders10/ as well
    assertThat(parse("GET", ENDPOINT + "/lake?list-type=2&prefix=silver/orders").isWithin(TABLE))
        .isFalse();
    assertThat(parse("GET", ENDPOINT + "/lake?list-type=2&prefix=silver/").isWithin(TABLE))
        .isFalse();
  }

  @Test
  void deleteObjectsChecksEveryKeyOfItsBody() {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            + "<Object><Key>silver/orders/data/a.parquet</Key></Object>"
            + "<Object><Key>silver/orders/data/b.parquet</Key></Object></Delete>";
    S3Request request = parser.parse("POST", URI.create(ENDPOINT + "/lake?delete"), Map.of(), body);
    assertThat(request.operation()).isEqualTo(S3Operation.DELETE_OBJECTS);
    assertThat(request.targets()).hasSize(2);
    assertThat(request.isWithin(TABLE)).isTrue();

    String smuggled = body.replace("silver/orders/data/b.parquet", "raw/customers/data/b.parquet");
    assertThat(
            parser
                .parse("POST", URI.create(ENDPOINT + "/lake?delete"), Map.of(), smuggled)
                .isWithin(TABLE))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not xml",
        "<Delete></Delete>",
        "<Delete><Object><Key>silver/orders/a</Key><VersionId>1</VersionId></Object></Delete>",
        "<Other><Object><Key>silver/orders/a</Key></Object></Other>",
        "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&x;</Key></Object></Delete>",
        "<Delete><Object><Key>silver/orders/../../raw/a</Key></Object></Delete>"
      })
  void badDeleteObjectsBodiesAreRefused(String body) {
    assertThatThrownBy(
            () -> parser.parse("POST", URI.create(ENDPOINT + "/lake?delete"), Map.of(), body))
        .isInstanceOfAny(S3RequestRefusedException.class, InvalidLocationException.class);
  }

  @Test
  void missingPartsAreRefused() {
    assertThatThrownBy(() -> parser.parse(null, URI.create(ENDPOINT + "/lake/a"), Map.of(), null))
        .isInstanceOf(S3RequestRefusedException.class);
    assertThatThrownBy(() -> parser.parse("GET", null, Map.of(), null))
        .isInstanceOf(S3RequestRefusedException.class);
    assertThatThrownBy(() -> parser.parse("GET", URI.create("/lake/a"), Map.of(), null))
        .isInstanceOf(S3RequestRefusedException.class);
  }
}
