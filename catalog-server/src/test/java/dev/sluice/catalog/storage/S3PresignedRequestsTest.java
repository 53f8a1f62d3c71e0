package dev.sluice.catalog.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned requests against a scripted HTTP client: which answers they take, and which they pass
 * on.
 */
class S3PresignedRequestsTest {
  private static final String FILE =
      "s3://lake/sales/orders/metadata/00001-a b+c%d-é.metadata.json";

  private final List<HttpExecuteRequest> sent = new ArrayList<>();
  private final AtomicInteger presigned = new AtomicInteger();
  private final AtomicInteger signed = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger passedOn = new AtomicInteger();
  private final AtomicInteger sdkAsked = new AtomicInteger();
  private final AtomicInteger read = new AtomicInteger();
  private final AtomicInteger readPassedOn = new AtomicInteger();
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicInteger writePassedOn = new AtomicInteger();
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"));
  private final S3Presigner real = presigner(URI.create("http://127.0.0.1:9"), true);
  private Object next = 200;

  /** How many bytes short of its Content-Length a GET's body ends. */
  private int cutShort;

  @AfterEach
  void close() {
    real.close();
  }

  private static S3Presigner presigner(URI endpoint, boolean pathStyle) {
    S3Presigner.Builder builder =
        S3Presigner.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    return (endpoint == null ? builder : builder.endpointOverride(endpoint)).build();
  }

  /** Counts the signatures, and otherwise is the SDK's signer. */
  private AwsV4HttpSigner countingSigner() {
    return counting(AwsV4HttpSigner.class, AwsV4HttpSigner.create(), "sign", signed);
  }

  /** Counts what the presigner is asked, and otherwise is the real presigner. */
  private S3Presigner counting() {
    return counting(S3Presigner.class, real, "presign", presigned);
  }

  /** {@code real}, counting in {@code calls} the calls of methods named from {@code prefix}. */
  private static <T> T counting(Class<T> type, T real, String prefix, AtomicInteger calls) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().startsWith(prefix)) {
                calls.incrementAndGet();
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }

  private final SdkHttpClient http =
      new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
          sent.add(request);
          Object answer = next;
          return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
              if (answer instanceof IOException e) {
                throw e;
              }
              int status = answer instanceof Integer code ? code : 200;
              HttpExecuteResponse.Builder response =
                  HttpExecuteResponse.builder()
                      .response(SdkHttpResponse.builder().statusCode(status).build());
              if (answer instanceof byte[] body) {
                response.responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)));
                response.response(
                    SdkHttpResponse.builder()
                        .statusCode(status)
                        .putHeader("Content-Length", String.valueOf(body.length + cutShort))
                        .build());
              }
              return response.build();
            }

            @Override
            public void abort() {}
          };
        }

        @Override
        public void close() {}
      };

  private final S3PresignedRequests probe =
      new S3PresignedRequests(
          new S3UrlSigner(this::counting, CREDENTIALS, "us-east-1", countingSigner()),
          http,
          new S3PresignedRequests.Counters(
              answered::incrementAndGet,
              passedOn::incrementAndGet,
              read::incrementAndGet,
              readPassedOn::incrementAndGet,
              written::incrementAndGet,
              writePassedOn::incrementAndGet));

  private boolean exists(String location, boolean sdkAnswer) {
    return probe.exists(
        location,
        () -> {
          sdkAsked.incrementAndGet();
          return sdkAnswer;
        });
  }

  @Test
  void thereAndGoneAreAnsweredByOnePresignedHeadSignedOnce() {
    assertThat(exists(FILE, false)).isTrue();
    next = 404;
    assertThat(exists(FILE, true)).isFalse();
    next = 200;
    assertThat(exists(FILE, false)).isTrue();

    assertThat(sdkAsked).hasValue(0);
    assertThat(answered).hasValue(3);
    assertThat(signed).as("one URL, reused").hasValue(1);
    assertThat(presigned).as("the bucket's layout, asked once").hasValue(1);
    assertThat(sent).hasSize(3);
    HttpExecuteRequest head = sent.get(0);
    assertThat(head.httpRequest().method()).isEqualTo(SdkHttpMethod.HEAD);
    assertThat(head.httpRequest().getUri().toString())
        .startsWith("http://127.0.0.1:9/lake/sales/orders/metadata/00001-a%20b%2Bc%25d-%C3%A9")
        .contains("X-Amz-Signature=");
    assertThat(head.contentStreamProvider()).isEmpty();
  }

  @Test
  void anyOtherAnswerIsAskedOfTheSdkAndTheUrlIsSignedAgain() {
    for (Object answer : List.<Object>of(403, 500, 301, new IOException("reset by peer"))) {
      next = answer;
      assertThat(exists(FILE, true)).as("answer %s", answer).isTrue();
    }
    assertThat(sdkAsked).hasValue(4);
    assertThat(passedOn).hasValue(4);
    assertThat(answered).hasValue(0);
    assertThat(signed).as("each failed URL forgotten").hasValue(4);

    next = 200;
    assertThat(exists(FILE, false)).isTrue();
    assertThat(answered).hasValue(1);
  }

  @Test
  void aLocationThatCannotBePresignedIsAskedOfTheSdk() {
    assertThat(exists("s3://lake", false)).isFalse();
    assertThat(exists("s3://lake/", true)).isTrue();
    assertThat(sent).isEmpty();
    assertThat(sdkAsked).hasValue(2);
    assertThat(passedOn).hasValue(2);
  }

  private byte[] read(String location, String sdkAnswer) {
    return probe.read(
        location,
        () -> {
          sdkAsked.incrementAndGet();
          return sdkAnswer.getBytes(StandardCharsets.UTF_8);
        });
  }

  @Test
  void aFileIsReadByOnePresignedGetSignedForThatRead() {
    byte[] json = "{\"format-version\":2,\"doc\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    next = json;
    assertThat(read(FILE, "from the sdk")).isEqualTo(json);
    assertThat(read(FILE, "from the sdk")).isEqualTo(json);

    assertThat(sdkAsked).hasValue(0);
    assertThat(read).hasValue(2);
    assertThat(signed).as("a GET's URL serves one read").hasValue(2);
    HttpExecuteRequest get = sent.get(0);
    assertThat(get.httpRequest().method()).isEqualTo(SdkHttpMethod.GET);
    assertThat(get.httpRequest().getUri().toString())
        .startsWith("http://127.0.0.1:9/lake/sales/orders/metadata/00001-a%20b%2Bc%25d-%C3%A9")
        .contains("X-Amz-Signature=");
  }

  @Test
  void aGetAnsweredOtherwiseThanWithItsBytesIsReadThroughTheSdk() {
    // 404 too: the caller must see the store's own not-found error, which the SDK raises
    for (Object answer :
        List.<Object>of(404, 403, 500, 301, 200, new IOException("reset by peer"))) {
      next = answer instanceof Integer code && code == 200 ? null : answer;
      assertThat(read(FILE, "from the sdk"))
          .as("answer %s", answer)
          .isEqualTo("from the sdk".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(read("s3://lake", "no key")).isEqualTo("no key".getBytes(StandardCharsets.UTF_8));
    // a body that ends before its Content-Length, as a dropped connection leaves it
    next = "{\"format-version\":2}".getBytes(StandardCharsets.UTF_8);
    cutShort = 5;
    assertThat(read(FILE, "whole")).isEqualTo("whole".getBytes(StandardCharsets.UTF_8));
    assertThat(sdkAsked).hasValue(8);
    assertThat(readPassedOn).hasValue(8);
    assertThat(read).hasValue(0);
  }

  @Test
  void aFileIsWrittenByOnePresignedPutCarryingItsBytes() throws IOException {
    byte[] json = "{\"format-version\":2,\"doc\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    AtomicInteger sdkWrites = new AtomicInteger();
    next = 200;
    probe.write(FILE, json, sdkWrites::incrementAndGet);

    assertThat(sdkWrites).hasValue(0);
    assertThat(written).hasValue(1);
    HttpExecuteRequest put = sent.get(0);
    assertThat(put.httpRequest().method()).isEqualTo(SdkHttpMethod.PUT);
    assertThat(put.httpRequest().getUri().toString())
        .startsWith("http://127.0.0.1:9/lake/sales/orders/metadata/00001-a%20b%2Bc%25d-%C3%A9")
        .contains("X-Amz-Signature=")
        .doesNotContainIgnoringCase("x-amz-checksum");
    assertThat(put.httpRequest().firstMatchingHeader("Content-Length"))
        .contains(String.valueOf(json.length));
    assertThat(put.contentStreamProvider().orElseThrow().newStream().readAllBytes())
        .isEqualTo(json);
  }

  @Test
  void aPutAnsweredOtherwiseThanWith200IsWrittenThroughTheSdk() {
    AtomicInteger sdkWrites = new AtomicInteger();
    for (Object answer : List.<Object>of(403, 404, 500, 301, new IOException("reset by peer"))) {
      next = answer;
      probe.write(FILE, new byte[] {1, 2, 3}, sdkWrites::incrementAndGet);
    }
    // not presigned: what S3FileIO itself refuses, and no key at all
    next = 200;
    for (String location :
        List.of("s3://lake/", "s3://lake/t/a://b.json", "s3://lake/t/a?x=1", "s3://lake/t/a#b")) {
      probe.write(location, new byte[] {1}, sdkWrites::incrementAndGet);
    }
    assertThat(sent).as("only the five answered ones were sent").hasSize(5);
    assertThat(sdkWrites).hasValue(9);
    assertThat(writePassedOn).hasValue(9);
    assertThat(written).hasValue(0);
  }

  @Test
  void urlsAreThoseOfTheSdksPresignerForEveryKeyAndLayout() {
    List<String> keys =
        List.of(
            "sales/orders/metadata/00001-a b+c%d-é.metadata.json",
            "x~y*z!'()[]{}$&,;=@:|^`<>\"\\",
            "dir//double/ trailing /",
            "dots/../and/./dots",
            "unicode/✓/日本/😀",
            "tab\tand\u007fdel");
    for (URI endpoint :
        java.util.Arrays.asList(
            URI.create("http://127.0.0.1:9"),
            URI.create("https://s3.example.com:9443/base"),
            null)) {
      for (boolean pathStyle : List.of(true, false)) {
        try (S3Presigner sdk = presigner(endpoint, pathStyle)) {
          S3UrlSigner signer =
              new S3UrlSigner(() -> sdk, CREDENTIALS, "us-east-1", AwsV4HttpSigner.create());
          for (String key : keys) {
            for (SdkHttpMethod method :
                List.of(SdkHttpMethod.HEAD, SdkHttpMethod.GET, SdkHttpMethod.PUT)) {
              URI ours =
                  signer
                      .sign(method, "lake-bucket", key, java.time.Duration.ofMinutes(15))
                      .getUri();
              SdkHttpRequest theirs =
                  switch (method) {
                    case HEAD ->
                        sdk.presignHeadObject(
                                r ->
                                    r.signatureDuration(java.time.Duration.ofMinutes(15))
                                        .headObjectRequest(h -> h.bucket("lake-bucket").key(key)))
                            .httpRequest();
                    case GET ->
                        sdk.presignGetObject(
                                r ->
                                    r.signatureDuration(java.time.Duration.ofMinutes(15))
                                        .getObjectRequest(g -> g.bucket("lake-bucket").key(key)))
                            .httpRequest();
                    default ->
                        sdk.presignPutObject(
                                r ->
                                    r.signatureDuration(java.time.Duration.ofMinutes(15))
                                        .putObjectRequest(p -> p.bucket("lake-bucket").key(key)))
                            .httpRequest();
                  };
              String where = endpoint + " pathStyle=" + pathStyle + " " + method + " " + key;
              assertThat(ours.getScheme()).as(where).isEqualTo(theirs.getUri().getScheme());
              assertThat(ours.getRawAuthority())
                  .as(where)
                  .isEqualTo(theirs.getUri().getRawAuthority());
              assertThat(ours.getRawPath()).as(where).isEqualTo(theirs.getUri().getRawPath());
              assertThat(queryNames(ours)).as(where).isEqualTo(queryNames(theirs.getUri()));
              assertThat(theirs.headers().keySet()).as(where).containsOnly("Host");
            }
          }
        }
      }
    }
  }

  /** The query's parameter names, and the values of those that do not change with time. */
  private static java.util.Map<String, String> queryNames(URI uri) {
    java.util.Map<String, String> names = new java.util.TreeMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      names.put(
          name,
          name.equals("X-Amz-Date") || name.equals("X-Amz-Signature")
              ? "(varies)"
              : name.equals("X-Amz-Credential")
                  ? value.replaceAll("%2F\\d{8}%2F", "%2F(day)%2F")
                  : value);
    }
    return names;
  }
}
