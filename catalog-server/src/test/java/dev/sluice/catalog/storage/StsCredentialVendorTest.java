package dev.sluice.catalog.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.catalog.config.S3Config;
import dev.sluice.zones.StorageLocation;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.rest.credentials.Credential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The STS exchange, against a local server that answers {@code AssumeRole} as STS does and records
 * what it was asked. (The S3 server of the integration tests has no STS.)
 */
class StsCredentialVendorTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/lake-tables";
  private static final StorageLocation ORDERS = StorageLocation.parse("s3://lake/raw/orders");

  private HttpServer sts;
  private final List<StsRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicReference<Duration> validFor = new AtomicReference<>(Duration.ofHours(1));
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private StsCredentialVendor vendor;

  record StsRequest(String authorization, Map<String, String> params) {}

  @BeforeEach
  void startSts() throws IOException {
    sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new StsRequest(exchange.getRequestHeaders().getFirst("Authorization"), form(body)));
          int status;
          String answer;
          if (refusal.get() != null) {
            status = 403;
            answer =
                """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error>
                  <RequestId>r-1</RequestId>
                </ErrorResponse>"""
                    .formatted(refusal.get());
          } else {
            int n = issued.incrementAndGet();
            status = 200;
            answer =
                """
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleResult>
                    <AssumedRoleUser>
                      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
                      <Arn>arn:aws:sts::123456789012:assumed-role/lake-tables/session</Arn>
                    </AssumedRoleUser>
                    <Credentials>
                      <AccessKeyId>ASIAKEY%d</AccessKeyId>
                      <SecretAccessKey>secret-%d</SecretAccessKey>
                      <SessionToken>token-%d</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                  </AssumeRoleResult>
                  <ResponseMetadata><RequestId>r-%d</RequestId></ResponseMetadata>
                </AssumeRoleResponse>"""
                    .formatted(n, n, n, expiration(), n);
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/xml");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    sts.start();
  }

  @AfterEach
  void stop() {
    if (vendor != null) {
      vendor.close();
    }
    sts.stop(0);
  }

  private Instant expiration() {
    return Instant.now().plus(validFor.get()).truncatedTo(ChronoUnit.SECONDS);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      params.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  private Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("sluice.s3.region", "eu-west-1");
    settings.put("sluice.s3.access-key-id", "sluice-key");
    settings.put("sluice.s3.secret-access-key", "sluice-secret");
    settings.put("sluice.s3.sts.enabled", "true");
    settings.put("sluice.s3.sts.endpoint", "http://127.0.0.1:" + sts.getAddress().getPort());
    settings.put("sluice.s3.sts.role-arn", ROLE);
    return settings;
  }

  private static StsCredentialVendor vendor(Map<String, String> settings) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            // the server reads durations as Quarkus does (15M, 1H)
            .withConverter(Duration.class, 200, new DurationConverter())
            .withMapping(StsConfig.class)
            .withMapping(S3Config.class)
            .withSources(new PropertiesConfigSource(settings, "test", 100))
            .build();
    return new StsCredentialVendor(
        config.getConfigMapping(StsConfig.class), config.getConfigMapping(S3Config.class));
  }

  private StsCredentialVendor vendor() {
    vendor = vendor(settings());
    return vendor;
  }

  @Test
  void aReaderGetsCredentialsScopedByTheTablePolicy() {
    List<Credential> credentials = vendor().vend("user:alice", ORDERS, false);

    assertThat(requests).hasSize(1);
    StsRequest request = requests.get(0);
    assertThat(request.params())
        .containsEntry("Action", "AssumeRole")
        .containsEntry("RoleArn", ROLE)
        .containsEntry("RoleSessionName", "sluice-user_alice")
        .containsEntry("DurationSeconds", "900")
        .containsEntry("Policy", TableAccessPolicy.forTable(ORDERS, false, "aws").json());
    // signed with the catalog's own keys, for STS of the configured region
    assertThat(request.authorization())
        .startsWith("AWS4-HMAC-SHA256 Credential=sluice-key/")
        .contains("/eu-west-1/sts/aws4_request");

    assertThat(credentials).hasSize(1);
    Credential credential = credentials.get(0);
    assertThat(credential.prefix()).isEqualTo("s3://lake/raw/orders/");
    Map<String, String> config = credential.config();
    assertThat(config)
        .containsOnlyKeys(
            "s3.access-key-id",
            "s3.secret-access-key",
            "s3.session-token",
            "s3.session-token-expires-at-ms")
        .containsEntry("s3.access-key-id", "ASIAKEY1")
        .containsEntry("s3.secret-access-key", "secret-1")
        .containsEntry("s3.session-token", "token-1");
    long expiresAt = Long.parseLong(config.get("s3.session-token-expires-at-ms"));
    assertThat(expiresAt)
        .isBetween(
            Instant.now().plus(Duration.ofMinutes(59)).toEpochMilli(),
            Instant.now().plus(Duration.ofMinutes(61)).toEpochMilli());
  }

  @Test
  void aWriterGetsTheWritePolicyForTheConfiguredDuration() {
    Map<String, String> settings = settings();
    settings.put("sluice.s3.sts.duration", "1H");
    settings.put("sluice.s3.sts.session-name-prefix", "lake-prod");
    settings.put("sluice.s3.sts.arn-partition", "aws-us-gov");
    vendor = vendor(settings);

    vendor.vend("client:ingest", ORDERS, true);

    assertThat(requests.get(0).params())
        .containsEntry("DurationSeconds", "3600")
        .containsEntry("RoleSessionName", "lake-prod-client_ingest")
        .containsEntry("Policy", TableAccessPolicy.forTable(ORDERS, true, "aws-us-gov").json());
    assertThat(requests.get(0).params().get("Policy"))
        .contains("s3:PutObject")
        .contains("arn:aws-us-gov:s3:::lake/raw/orders/*");
  }

  @Test
  void credentialsAreReusedPerPrincipalTableAndAccess() {
    StsCredentialVendor vendor = vendor();
    StorageLocation customers = StorageLocation.parse("s3://lake/raw/customers");

    Credential first = vendor.vend("user:alice", ORDERS, false).get(0);
    Credential again = vendor.vend("user:alice", ORDERS, false).get(0);
    Credential writing = vendor.vend("user:alice", ORDERS, true).get(0);
    Credential otherUser = vendor.vend("user:bob", ORDERS, false).get(0);
    Credential otherTable = vendor.vend("user:alice", customers, false).get(0);

    assertThat(requests).hasSize(4);
    assertThat(again.config()).isEqualTo(first.config());
    assertThat(
            List.of(first, writing, otherUser, otherTable).stream()
                .map(c -> c.config().get("s3.access-key-id")))
        .containsExactly("ASIAKEY1", "ASIAKEY2", "ASIAKEY3", "ASIAKEY4");
    assertThat(otherTable.prefix()).isEqualTo("s3://lake/raw/customers/");
  }

  @Test
  void credentialsWithinFiveMinutesOfExpiryAreNotHandedOutAgain() {
    validFor.set(Duration.ofMinutes(4));
    StsCredentialVendor vendor = vendor();

    Credential first = vendor.vend("user:alice", ORDERS, false).get(0);
    Credential second = vendor.vend("user:alice", ORDERS, false).get(0);

    assertThat(requests).hasSize(2);
    assertThat(second.config().get("s3.access-key-id"))
        .isNotEqualTo(first.config().get("s3.access-key-id"));
  }

  @Test
  void anStsRefusalIsServiceUnavailableWithStsReasonAndIsNotRemembered() {
    StsCredentialVendor vendor = vendor();
    refusal.set(
        "User: arn:aws:iam::123456789012:user/sluice is not authorized to perform: sts:AssumeRole");

    assertThatThrownBy(() -> vendor.vend("user:alice", ORDERS, false))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("s3://lake/raw/orders/")
        .hasMessageContaining("403")
        .hasMessageContaining("AccessDenied")
        .hasMessageContaining("is not authorized to perform: sts:AssumeRole");

    refusal.set(null);
    assertThat(vendor.vend("user:alice", ORDERS, false).get(0).config())
        .containsEntry("s3.access-key-id", "ASIAKEY1");
  }

  @Test
  void anUnreachableStsIsServiceUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> settings = settings();
    settings.put("sluice.s3.sts.endpoint", "http://127.0.0.1:" + closedPort);
    vendor = vendor(settings);

    assertThatThrownBy(() -> vendor.vend("user:alice", ORDERS, false))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("STS could not vend credentials for s3://lake/raw/orders/");
  }

  @Test
  void aLocationNoPolicyCanScopeIsRefusedBeforeAskingSts() {
    StsCredentialVendor vendor = vendor();

    assertThatThrownBy(
            () -> vendor.vend("user:alice", StorageLocation.parse("s3://lake/raw/t*"), false))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("wildcard");
    assertThat(vendor.vend("user:alice", StorageLocation.parse("file:/data/t"), true)).isEmpty();
    assertThat(requests).isEmpty();
  }

  @Test
  void sessionNamesKeepOnlyWhatStsAllowsAndFitSixtyFourCharacters() {
    assertThat(StsCredentialVendor.roleSessionName("sluice", "user:alice"))
        .isEqualTo("sluice-user_alice");
    assertThat(StsCredentialVendor.roleSessionName("sluice", "user:a.b+c=d,e@example.com"))
        .isEqualTo("sluice-user_a.b+c=d,e@example.com");
    assertThat(StsCredentialVendor.roleSessionName("sluice", "user:José Ñ/x\"y"))
        .isEqualTo("sluice-user_Jos____x_y");
    assertThat(StsCredentialVendor.roleSessionName("sluice", "user:😀")).isEqualTo("sluice-user__");

    String longName = StsCredentialVendor.roleSessionName("sluice", "client:" + "x".repeat(100));
    assertThat(longName).hasSize(64).startsWith("sluice-client_xxx").matches("[\\w+=,.@-]+");
  }

  @Test
  void settingsStsWouldRefuseStopTheServerAtStart() {
    Map<String, String> settings = settings();
    settings.put("sluice.s3.sts.duration", "14M");
    assertThatThrownBy(() -> vendor(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sluice.s3.sts.duration must be between 15M and 12H");
    settings.put("sluice.s3.sts.duration", "PT12H1S");
    assertThatThrownBy(() -> vendor(settings))
        .hasMessageContaining("sluice.s3.sts.duration must be between 15M and 12H");

    Map<String, String> noRole = settings();
    noRole.remove("sluice.s3.sts.role-arn");
    assertThatThrownBy(() -> vendor(noRole))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sluice.s3.sts.role-arn is not set");
    noRole.put("sluice.s3.sts.role-arn", "lake-tables");
    assertThatThrownBy(() -> vendor(noRole)).hasMessageContaining("must be an ARN");

    Map<String, String> badPrefix = settings();
    badPrefix.put("sluice.s3.sts.session-name-prefix", "sluice prod");
    assertThatThrownBy(() -> vendor(badPrefix))
        .hasMessageContaining("sluice.s3.sts.session-name-prefix");

    Map<String, String> badPartition = settings();
    badPartition.put("sluice.s3.sts.arn-partition", "aws:s3");
    assertThatThrownBy(() -> vendor(badPartition))
        .hasMessageContaining("sluice.s3.sts.arn-partition");
  }

  @Test
  void theBoundsStsAllowsAndMinioRoleArnsAreAccepted() {
    for (String duration : List.of("15M", "12H")) {
      Map<String, String> settings = settings();
      settings.put("sluice.s3.sts.duration", duration);
      settings.put("sluice.s3.sts.role-arn", "arn:minio:iam:::role/lake-tables");
      StsCredentialVendor accepted = vendor(settings);
      assertThat(accepted.isEnabled()).isTrue();
      accepted.close();
    }
  }

  @Test
  void switchedOffByDefaultAndThenVendsNothing() {
    StsCredentialVendor off = vendor(Map.of());

    assertThat(off.isEnabled()).isFalse();
    assertThatThrownBy(() -> off.vend("user:alice", ORDERS, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sluice.s3.sts.enabled");
    assertThat(requests).isEmpty();
  }
}
