package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas of the packaged server on one PostgreSQL and one S3 API, started at the same moment
 * with the same policy directory: the directory is stored once and the bootstrap token created
 * once; a policy applied through one replica decides on the other within a second, and an apply
 * through the other right after works against it; readiness follows the object store while liveness
 * does not.
 *
 * <p>PostgreSQL and S3Proxy are this test's own, so stopping them disturbs no other test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String DATABASE = "sluice_replicas";
  private static final String BUCKET = "lake";

  /** The servers' advisory locks (AdvisoryLocks.BOOTSTRAP_TOKEN and POLICY_APPEND). */
  private static final long BOOTSTRAP_LOCK = 0x736c7569_63650001L;

  private static final long POLICY_APPEND_LOCK = 0x736c7569_63650002L;

  /** The bound the README states for a replica to decide with a version another one applied. */
  private static final Duration FRESHNESS = Duration.ofSeconds(1);

  /**
   * Right after a PostgreSQL restart every pooled connection of a replica is dead and is replaced
   * on first use, which on a loaded machine took up to 2 s; the bound there is the reconnection
   * plus the freshness bound. A (30 s between version checks) meeting it at all shows it listens.
   */
  private static final Duration FRESHNESS_AFTER_RESTART = Duration.ofSeconds(5);

  private static final String POLICY =
      """
      apiVersion: sluice.dev/v1
      zones:
        sales:
          namespaces: [sales]
          storage: s3://lake/sales/
          read: [%s]
          write: [group:data-platform]
      """;

  private static Path root;
  private static PostgresServer postgres;
  private static S3ProxyServer s3;
  private static SluiceServer a;
  private static SluiceServer b;

  @BeforeAll
  static void start() throws Exception {
    root =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/it-catalog"))
                .toAbsolutePath()
                .resolve("replicas"));
    Path policies = Files.createDirectories(root.resolve("policies"));
    Files.writeString(
        policies.resolve("sluice.yaml"), POLICY.formatted("group:data-platform, group:analysts"));
    postgres = PostgresServer.start();
    postgres.createDatabase(DATABASE);
    s3 = S3ProxyServer.start(root.resolve("s3"), List.of(BUCKET));
    Map<String, String> config = SluiceServer.onPostgres(postgres, DATABASE);
    config.putAll(SluiceServer.onS3(s3, "s3://" + BUCKET + "/warehouse/"));
    config.put("sluice.warehouse.name", "replicas");
    config.put("sluice.policy.directory", policies.toString());

    // Both at once, and lined up on the two start-up races: this session holds the advisory locks
    // the servers take to create the first token and to append a policy version until both
    // replicas wait on the first, then on the second, so both find no token and no version, and
    // both try to store one.
    try (Connection holder =
        DriverManager.getConnection(postgres.jdbcUrl(DATABASE), "postgres", "")) {
      advisory(holder, "pg_advisory_lock", BOOTSTRAP_LOCK);
      advisory(holder, "pg_advisory_lock", POLICY_APPEND_LOCK);
      // A checks the newest version only every 30 s: within a second, only a notification does it
      Map<String, String> listenOnly = new HashMap<>(config);
      listenOnly.put("sluice.policy.refresh-interval", "30s");
      CompletableFuture<SluiceServer> startA =
          CompletableFuture.supplyAsync(() -> startReplica("replica-a", listenOnly));
      CompletableFuture<SluiceServer> startB =
          CompletableFuture.supplyAsync(() -> startReplica("replica-b", config));
      try {
        awaitWaiters(holder, BOOTSTRAP_LOCK, 2);
        advisory(holder, "pg_advisory_unlock", BOOTSTRAP_LOCK);
        awaitWaiters(holder, POLICY_APPEND_LOCK, 2);
        advisory(holder, "pg_advisory_unlock", POLICY_APPEND_LOCK);
      } finally {
        try {
          a = startA.join();
        } finally {
          b = startB.join();
        }
      }
    }
  }

  private static void advisory(Connection connection, String function, long key)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("select " + function + "(?)")) {
      statement.setLong(1, key);
      statement.execute();
    }
  }

  /** Waits until {@code count} sessions wait for the advisory lock {@code key}. */
  private static void awaitWaiters(Connection connection, long key, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                  + " and classid = ? and objid = ? and objsubid = 1")) {
        statement.setLong(1, key >>> 32);
        statement.setLong(2, key & 0xffffffffL);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          if (result.getInt(1) >= count) {
            return;
          }
        }
      }
      assertThat(System.nanoTime())
          .as("replicas waiting for advisory lock %x", key)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static SluiceServer startReplica(String name, Map<String, String> config) {
    try {
      return SluiceServer.start(root.resolve(name), config);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {a, b, s3, postgres}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          Progress.say("could not stop %s: %s", closeable, e);
        }
      }
    }
  }

  @Test
  @Order(1)
  void replicasStartedTogetherStoreOnePolicyVersionAndOneBootstrapToken() throws Exception {
    assertThat(a.process().isAlive()).isTrue();
    assertThat(b.process().isAlive()).isTrue();
    for (SluiceServer replica : List.of(a, b)) {
      JsonNode versions = json(send(replica, "GET", "/api/v1/policy/versions", null, 200));
      assertThat(versions).as("policy versions on %s", replica.baseUri()).hasSize(1);
      assertThat(versions.get(0).path("source").asText()).isEqualTo("directory");
      JsonNode tokens = json(send(replica, "GET", "/api/v1/tokens", null, 200));
      assertThat(tokens).as("tokens on %s", replica.baseUri()).hasSize(1);
      assertThat(tokens.get(0).path("principal").asText()).isEqualTo("user:sluice:bootstrap-admin");
    }
    // one replica created the token and stored the directory; the other, which had found neither,
    // waited for it and took the first's
    assertThat(
            count(a, "Created the bootstrap admin API token")
                + count(b, "Created the bootstrap admin API token"))
        .isEqualTo(1);
    assertThat(
            count(a, "first admin API token was created by another replica")
                + count(b, "first admin API token was created by another replica"))
        .isEqualTo(1);
    assertThat(
            count(a, "Policy version 1 applied by startup:")
                + count(b, "Policy version 1 applied by startup:"))
        .isEqualTo(1);
    assertThat(
            count(a, "was stored by another replica as version 1")
                + count(b, "was stored by another replica as version 1"))
        .isEqualTo(1);
    assertThat(postgres.sql(DATABASE, "select count(*) from policy_version").output())
        .isEqualTo("1");
  }

  @Test
  @Order(2)
  void aPolicyAppliedThroughOneReplicaDecidesOnTheOtherWithinASecond() throws Exception {
    send(a, "POST", "/v1/namespaces", "{\"namespace\":[\"sales\"]}", 200);
    createSalesTable("orders");
    String analyst = issueAnalystToken();
    assertThat(loadOrders(b, analyst)).isEqualTo(200);

    // through A: analysts lose read on the sales zone
    long sent = System.nanoTime();
    JsonNode applied = apply(a, POLICY.formatted("group:data-platform"));
    long committed = System.nanoTime();
    assertThat(applied.path("version").path("version").asInt()).isEqualTo(2);
    Duration seen = awaitStatus(b, analyst, 403);
    Progress.say(
        "replica B refused with A's version %s after A answered the apply (%s after it was sent)",
        seen, Duration.ofNanos(committed - sent).plus(seen));
    assertThat(seen).as("B decided with A's apply after").isLessThan(FRESHNESS);

    // through B, right after: it appends to the version A stored, it does not conflict with it
    JsonNode restored = apply(b, POLICY.formatted("group:data-platform, group:analysts"));
    assertThat(restored.path("version").path("version").asInt()).isEqualTo(3);
    assertThat(loadOrders(b, analyst)).isEqualTo(200);
    Duration back = awaitStatus(a, analyst, 200);
    Progress.say("replica A allowed again with B's version after %s", back);
    assertThat(back).as("A decided with B's apply after").isLessThan(FRESHNESS);
    for (SluiceServer replica : List.of(a, b)) {
      assertThat(json(send(replica, "GET", "/api/v1/policy", null, 200)).path("version").asInt())
          .isEqualTo(3);
    }
  }

  @Test
  @Order(3)
  void aReplicaWhoseListeningConnectionIsCutListensAgainAndMissesNothing() throws Exception {
    String analyst = issueAnalystToken();
    assertThat(loadOrders(a, analyst)).isEqualTo(200);
    try (Connection superuser =
        DriverManager.getConnection(postgres.jdbcUrl(DATABASE), "postgres", "")) {
      assertThat(terminateListeners(superuser)).as("listening sessions cut").isEqualTo(2);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (listeners(superuser) < 2) {
        assertThat(System.nanoTime()).as("replicas listening again").isLessThan(deadline);
        Thread.sleep(20);
      }
    }
    // A (30 s between checks) takes B's apply up within a second only through its new connection
    JsonNode applied = apply(b, POLICY.formatted("group:data-platform"));
    assertThat(applied.path("version").path("version").asInt()).isEqualTo(4);
    Duration seen = awaitStatus(a, analyst, 403);
    Progress.say("replica A, listening again, refused with B's version after %s", seen);
    assertThat(seen).isLessThan(FRESHNESS);
  }

  @Test
  @Order(4)
  void readinessFollowsTheObjectStoreAndLivenessDoesNot() throws Exception {
    assertThat(health(a, "ready")).isEqualTo(200);
    s3.stop();
    awaitHealth(a, "ready", 503, Duration.ofSeconds(15));
    awaitHealth(b, "ready", 503, Duration.ofSeconds(15));
    assertThat(health(a, "live")).isEqualTo(200);
    assertThat(health(b, "live")).isEqualTo(200);
    JsonNode ready = json(get(a, "/q/health/ready"));
    assertThat(ready.path("checks").toString()).contains("Warehouse object store").contains("DOWN");

    s3.startAgain();
    awaitHealth(a, "ready", 200, Duration.ofSeconds(15));
    awaitHealth(b, "ready", 200, Duration.ofSeconds(15));
    assertThat(a.process().isAlive()).isTrue();
    assertThat(b.process().isAlive()).isTrue();
  }

  @Test
  @Order(5)
  void readinessFollowsTheDatabaseAndBothReplicasRecoverByThemselves() throws Exception {
    postgres.stop();
    try {
      awaitHealth(a, "ready", 503, Duration.ofSeconds(15));
      awaitHealth(b, "ready", 503, Duration.ofSeconds(15));
      assertThat(health(a, "live")).isEqualTo(200);
      assertThat(health(b, "live")).isEqualTo(200);
    } finally {
      postgres.startAgain();
    }
    long back = System.nanoTime();
    awaitHealth(a, "ready", 200, Duration.ofSeconds(60));
    awaitHealth(b, "ready", 200, Duration.ofSeconds(60));
    Progress.say(
        "both replicas ready again %s after PostgreSQL started again",
        Duration.ofNanos(System.nanoTime() - back));
    // both listen again, A (30 s between checks) too
    try (Connection superuser =
        DriverManager.getConnection(postgres.jdbcUrl(DATABASE), "postgres", "")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (listeners(superuser) < 2) {
        assertThat(System.nanoTime()).as("replicas listening again").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    // and they serve: an apply through B is what A decides with within a second
    String analyst = issueAnalystToken();
    JsonNode applied = apply(b, POLICY.formatted("group:data-platform, group:analysts"));
    assertThat(applied.path("version").path("version").asInt()).isEqualTo(5);
    Duration seen = awaitStatus(a, analyst, 200);
    Progress.say("after the restart, replica A decided with B's version after %s", seen);
    assertThat(seen).isLessThan(FRESHNESS_AFTER_RESTART);
  }

  @Test
  @Order(6)
  void aMetadataFileRemovedFromTheObjectStoreFailsEveryLoadOnEveryReplicaUntilItIsBack()
      throws Exception {
    double putBefore = metadataWrites(a, "presigned-put");
    double sdkPutBefore = metadataWrites(a, "sdk");
    createSalesTable("probed");
    // the new table's first metadata file went up by one presigned PUT, none through the SDK
    assertThat(metadataWrites(a, "presigned-put") - putBefore).isGreaterThanOrEqualTo(1);
    assertThat(metadataWrites(a, "sdk")).isEqualTo(sdkPutBefore);
    String path = "/v1/namespaces/sales/tables/probed";
    HttpResponse<String> created = send(a, "GET", path, null, 200);
    String etag = created.headers().firstValue("ETag").orElseThrow();
    String location = json(created).path("metadata-location").asText();
    String bucketRoot = "s3://" + BUCKET + "/";
    assertThat(location).startsWith(bucketRoot);
    Path file =
        root.resolve("s3")
            .resolve("s3-data")
            .resolve(BUCKET)
            .resolve(location.substring(bucketRoot.length()));
    assertThat(file).exists();
    Map<SluiceServer, Double> sdkBefore = new HashMap<>();
    Map<SluiceServer, Double> probedBefore = new HashMap<>();
    Map<SluiceServer, Double> readBefore = new HashMap<>();
    double bGetsBefore = metadataReads(b, "presigned-get");
    double bSdkReadsBefore = metadataReads(b, "sdk");
    for (SluiceServer replica : List.of(a, b)) {
      assertThat(load(replica, path, null).statusCode()).isEqualTo(200);
      assertThat(load(replica, path, etag).statusCode()).isEqualTo(304);
      sdkBefore.put(replica, presenceChecks(replica, "sdk"));
      probedBefore.put(replica, presenceChecks(replica, "presigned-head"));
      readBefore.put(replica, metadataReads(replica, "presigned-get"));
    }
    // B had never seen the file: its first load read it, by one presigned GET, none by the SDK
    assertThat(readBefore.get(b) - bGetsBefore).isEqualTo(1);
    assertThat(metadataReads(b, "sdk")).isEqualTo(bSdkReadsBefore);

    // removed behind the catalog's back, as an operator's mistake or a rogue job would
    Path aside = file.resolveSibling("aside.json");
    Files.move(file, aside);
    try {
      for (SluiceServer replica : List.of(a, b)) {
        for (String ifNoneMatch : java.util.Arrays.asList(null, etag)) {
          HttpResponse<String> refused = load(replica, path, ifNoneMatch);
          assertThat(refused.statusCode())
              .as(
                  "load on %s, If-None-Match %s: %s",
                  replica.baseUri(), ifNoneMatch, refused.body())
              .isEqualTo(404);
          assertThat(refused.body()).contains(location);
        }
      }
    } finally {
      Files.move(aside, file);
    }
    for (SluiceServer replica : List.of(a, b)) {
      assertThat(load(replica, path, null).statusCode()).isEqualTo(200);
      assertThat(load(replica, path, etag).statusCode()).isEqualTo(304);
      // the checks above were answered by the presigned HEAD (both refused loads and the last
      // conditional one; the first load after the file came back read it whole), none by the SDK
      assertThat(presenceChecks(replica, "presigned-head") - probedBefore.get(replica))
          .isGreaterThanOrEqualTo(3);
      assertThat(presenceChecks(replica, "sdk")).isEqualTo(sdkBefore.get(replica));
      // the refused loads forgot the file, so the first load after it came back read it again
      assertThat(metadataReads(replica, "presigned-get") - readBefore.get(replica))
          .isGreaterThanOrEqualTo(1);
    }
  }

  private static HttpResponse<String> load(SluiceServer replica, String path, String ifNoneMatch)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(replica.baseUri() + path))
            .header("Authorization", replica.authorization())
            .GET();
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The replica's count of metadata presence checks answered {@code by} one way. */
  private static double presenceChecks(SluiceServer replica, String by) throws Exception {
    return counter(replica, "sluice_storage_presence_checks_total", by);
  }

  /** The replica's count of metadata files read {@code by} one way. */
  private static double metadataReads(SluiceServer replica, String by) throws Exception {
    return counter(replica, "sluice_storage_metadata_reads_total", by);
  }

  /** The replica's count of metadata files written {@code by} one way. */
  private static double metadataWrites(SluiceServer replica, String by) throws Exception {
    return counter(replica, "sluice_storage_metadata_writes_total", by);
  }

  private static double counter(SluiceServer replica, String name, String by) throws Exception {
    String tag = "by=\"" + by + "\"";
    return get(replica, "/q/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{"))
        .filter(line -> line.contains(tag))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Creates {@code sales.<name>} with one column, through replica A. */
  private static void createSalesTable(String name) throws Exception {
    send(
        a,
        "POST",
        "/v1/namespaces/sales/tables",
        """
        {"name":"%s","schema":{"type":"struct","schema-id":0,"fields":[
          {"id":1,"name":"id","required":true,"type":"long"}]}}"""
            .formatted(name),
        200);
  }

  private static String issueAnalystToken() throws Exception {
    JsonNode issued =
        json(
            send(
                a,
                "POST",
                "/api/v1/tokens",
                "{\"principal\":\"user:replica-analyst\",\"groups\":[\"analysts\"],"
                    + "\"description\":\"replicas test\"}",
                201));
    return issued.path("secret").asText();
  }

  private static int terminateListeners(Connection superuser) throws SQLException {
    try (PreparedStatement statement =
            superuser.prepareStatement(
                "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                    + " where datname = current_database() and query = 'LISTEN sluice_policy'"
                    + " and pid <> pg_backend_pid()");
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getInt(1);
    }
  }

  private static int listeners(Connection superuser) throws SQLException {
    try (PreparedStatement statement =
            superuser.prepareStatement(
                "select count(*) from pg_stat_activity where datname = current_database()"
                    + " and query = 'LISTEN sluice_policy'");
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getInt(1);
    }
  }

  private static JsonNode apply(SluiceServer replica, String yaml) throws Exception {
    String body = JSON.writeValueAsString(Map.of("files", Map.of("sluice.yaml", yaml)));
    return json(send(replica, "POST", "/api/v1/policy/apply", body, 200));
  }

  private static int loadOrders(SluiceServer replica, String token) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(replica.baseUri() + "/v1/namespaces/sales/tables/orders"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** How long until {@code replica} answers {@code status} to the analyst's load of the table. */
  private static Duration awaitStatus(SluiceServer replica, String token, int status)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(10).toNanos();
    while (loadOrders(replica, token) != status) {
      assertThat(System.nanoTime())
          .as("%s never answered %d", replica.baseUri(), status)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static int health(SluiceServer replica, String which) throws Exception {
    return get(replica, "/q/health/" + which).statusCode();
  }

  private static void awaitHealth(SluiceServer replica, String which, int status, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    int last;
    while ((last = health(replica, which)) != status) {
      assertThat(System.nanoTime())
          .as("%s /q/health/%s still %d", replica.baseUri(), which, last)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static HttpResponse<String> get(SluiceServer replica, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(replica.baseUri() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(
      SluiceServer replica, String method, String path, String json, int expected)
      throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(replica.baseUri() + path))
                .header("Authorization", replica.authorization())
                .header("Content-Type", "application/json")
                .method(
                    method,
                    json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s on %s: %s", method, path, replica.baseUri(), response.body())
        .isEqualTo(expected);
    return response;
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static long count(SluiceServer replica, String text) throws IOException {
    return Files.readAllLines(replica.process().log()).stream()
        .filter(line -> line.contains(text))
        .count();
  }
}
