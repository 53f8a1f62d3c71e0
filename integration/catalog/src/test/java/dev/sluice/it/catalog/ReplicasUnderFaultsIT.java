package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import dev.sluice.it.catalog.CommitStorm.Kind;
import dev.sluice.it.catalog.CommitStorm.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas of the packaged server on one PostgreSQL and one S3 API, written to by eight writers
 * going round both, while one replica is killed, PostgreSQL is restarted and the object store is
 * stopped and started. Every commit a client saw acknowledged is in its table afterwards, every
 * commit refused with 409 or 503 is not, no answer is anything else than those or an unknown
 * outcome, and every table's metadata file exists.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasUnderFaultsIT {
  private static final String DATABASE = "sluice_faults";
  private static final String BUCKET = "lake";
  private static final String NAMESPACE = "storm";
  private static final List<String> TABLES = List.of("t0", "t1", "t2", "t3");
  private static final int WRITERS = 8;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path workDir;
  private static PostgresServer postgres;
  private static S3ProxyServer s3;
  private static Map<String, String> config;
  private static final SluiceServer[] replicas = new SluiceServer[2];
  private static int starts;

  @BeforeAll
  static void start() throws Exception {
    workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/it-catalog"))
                .toAbsolutePath()
                .resolve("replica-faults"));
    postgres = PostgresServer.start();
    postgres.createDatabase(DATABASE);
    s3 = S3ProxyServer.start(workDir.resolve("s3"), List.of(BUCKET));
    config = SluiceServer.onPostgres(postgres, DATABASE);
    config.putAll(SluiceServer.onS3(s3, "s3://" + BUCKET + "/warehouse/"));
    config.put("sluice.warehouse.name", "lake");
    // fail fast while PostgreSQL is down instead of queueing requests for the default 5 s
    config.put("quarkus.datasource.\"postgresql\".jdbc.acquisition-timeout", "2S");
    replicas[0] = startReplica();
    replicas[1] = startReplica();

    send(0, "POST", "/v1/namespaces", "{\"namespace\":[\"" + NAMESPACE + "\"]}", 200);
    for (String table : TABLES) {
      send(
          0,
          "POST",
          "/v1/namespaces/" + NAMESPACE + "/tables",
          "{\"name\":\""
              + table
              + "\",\"schema\":{\"type\":\"struct\",\"schema-id\":0,\"fields\":"
              + "[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}}",
          200);
    }
  }

  @AfterAll
  static void stop() {
    for (SluiceServer replica : replicas) {
      if (replica != null) {
        replica.close();
      }
    }
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static SluiceServer startReplica() throws IOException {
    starts++;
    return SluiceServer.start(workDir.resolve("replica-" + starts), config);
  }

  private static List<String> live() {
    List<String> uris = new ArrayList<>();
    for (SluiceServer replica : replicas) {
      if (replica != null && replica.process().isAlive()) {
        uris.add(replica.baseUri());
      }
    }
    return uris;
  }

  private static CommitStorm storm() {
    return new CommitStorm(
        ReplicasUnderFaultsIT::live, replicas[0].authorization(), NAMESPACE, TABLES);
  }

  @Test
  @Order(0)
  void aCommitThroughOneReplicaIsReadThroughTheOther() throws Exception {
    Outcome written = storm().commit("t0", "through-a", 0);
    assertThat(written.kind()).isEqualTo(Kind.ACKNOWLEDGED);
    JsonNode seen = load(1, "t0");
    assertThat(seen.path("metadata").path("properties").has("through-a")).isTrue();
    assertThat(seen.path("metadata-location").asText())
        .isEqualTo(load(0, "t0").path("metadata-location").asText());
  }

  @Test
  @Order(1)
  void aTokenIssuedOnOneReplicaWorksOnTheOtherAndItsRevocationReachesItWithinFiveSeconds()
      throws Exception {
    HttpResponse<String> issued =
        request(
            0,
            "POST",
            "/api/v1/tokens",
            "{\"principal\":\"user:replica-reader\",\"roles\":[\"sluice-admin\"]}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    JsonNode token = CommitStorm.JSON.readTree(issued.body());
    String secret = token.path("secret").asText();
    String id = token.path("token").path("tokenId").asText();
    assertThat(statusAs(1, secret, "/v1/namespaces")).isEqualTo(200);

    send(0, "DELETE", "/api/v1/tokens/" + id, null, 204);
    long revoked = System.nanoTime();
    while (statusAs(1, secret, "/v1/namespaces") == 200) {
      assertThat(Duration.ofNanos(System.nanoTime() - revoked))
          .as("revocation through one replica reaches the other")
          .isLessThan(Duration.ofSeconds(6));
      Thread.sleep(200);
    }
    Progress.say(
        "token revoked on one replica refused by the other after %d ms",
        Duration.ofNanos(System.nanoTime() - revoked).toMillis());
    assertThat(statusAs(1, secret, "/v1/namespaces")).isEqualTo(401);
  }

  @Test
  @Order(1)
  void aCommitRetriedThroughTheOtherReplicaWithItsKeyIsAnsweredOnceAndAppliedOnce()
      throws Exception {
    String path = "/v1/namespaces/" + NAMESPACE + "/tables/t3";
    String before = load(0, "t3").path("metadata-location").asText();
    String body =
        "{\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":\""
            + load(0, "t3").path("metadata").path("table-uuid").asText()
            + "\"}],\"updates\":[{\"action\":\"set-properties\",\"updates\":"
            + "{\"retried\":\"once\"}}]}";
    String key = java.util.UUID.randomUUID().toString();

    HttpResponse<String> first = requestWithKey(0, path, body, key);
    HttpResponse<String> retry = requestWithKey(1, path, body, key);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    String committed = CommitStorm.JSON.readTree(first.body()).path("metadata-location").asText();
    assertThat(CommitStorm.JSON.readTree(retry.body()).path("metadata-location").asText())
        .isEqualTo(committed);
    JsonNode table = load(1, "t3");
    assertThat(table.path("metadata-location").asText()).isEqualTo(committed);
    // one commit: the file before it is the one before the first request
    JsonNode log = table.path("metadata").path("metadata-log");
    assertThat(log.get(log.size() - 1).path("metadata-file").asText()).isEqualTo(before);
  }

  @Test
  @Order(2)
  void killingOneReplicaMidStormLosesNoAcknowledgedCommit() throws Exception {
    List<Outcome> outcomes =
        storm()
            .run(
                WRITERS,
                Duration.ofSeconds(8),
                Duration.ofSeconds(3),
                () -> replicas[1].process().kill());
    assertConsistent("kill -9 of one replica", outcomes);
    // the writers went on through the replica left
    assertThat(outcomes.stream().filter(o -> o.kind() == Kind.ACKNOWLEDGED).count())
        .isGreaterThan(WRITERS);
    replicas[1] = startReplica();
    assertTablesAgree();
  }

  @Test
  @Order(3)
  void postgresRestartedMidStormGivesOnly503OrUnknownAndRecovers() throws Exception {
    List<Outcome> outcomes =
        storm()
            .run(
                WRITERS,
                Duration.ofSeconds(12),
                Duration.ofSeconds(2),
                () -> {
                  postgres.stop();
                  // while it is down, readiness says so and liveness does not
                  assertThat(status(0, "/q/health/ready")).isEqualTo(503);
                  assertThat(status(0, "/q/health/live")).isEqualTo(200);
                  Thread.sleep(3000);
                  postgres.startAgain();
                });
    awaitRecovery();
    assertConsistent("PostgreSQL restart", outcomes);
    assertTablesAgree();
  }

  @Test
  @Order(4)
  void objectStoreStoppedMidStormGivesOnly503OrUnknownAndRecovers() throws Exception {
    List<Outcome> outcomes =
        storm()
            .run(
                WRITERS,
                Duration.ofSeconds(12),
                Duration.ofSeconds(2),
                () -> {
                  s3.stop();
                  // readiness follows the object store (checked at most every 1.5 s)
                  long stopped = System.nanoTime();
                  while (status(1, "/q/health/ready") != 503) {
                    assertThat(Duration.ofNanos(System.nanoTime() - stopped))
                        .isLessThan(Duration.ofSeconds(5));
                    Thread.sleep(100);
                  }
                  assertThat(status(1, "/q/health/live")).isEqualTo(200);
                  Thread.sleep(2000);
                  s3.startAgain();
                });
    awaitRecovery();
    assertConsistent("object store restart", outcomes);
    assertThat(outcomes.stream().filter(o -> o.kind() == Kind.REFUSED).count())
        .as("commits refused while the object store was down")
        .isPositive();
    assertTablesAgree();
  }

  @Test
  @Order(5)
  void transactionsOverTheSameTablesInOppositeOrderNeverDeadlock() throws Exception {
    String first = "/v1/transactions/commit";
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<String>>> runs = new ArrayList<>();
    try {
      for (int w = 0; w < 4; w++) {
        int writer = w;
        List<String> order = writer % 2 == 0 ? List.of("t1", "t2") : List.of("t2", "t1");
        Callable<List<String>> run =
            () -> {
              List<String> applied = new ArrayList<>();
              for (int i = 0; i < 25; i++) {
                String id = "tx" + writer + "-" + i;
                StringBuilder body = new StringBuilder("{\"table-changes\":[");
                for (Iterator<String> it = order.iterator(); it.hasNext(); ) {
                  body.append("{\"identifier\":{\"namespace\":[\"")
                      .append(NAMESPACE)
                      .append("\"],\"name\":\"")
                      .append(it.next())
                      .append("\"},\"requirements\":[],\"updates\":[{\"action\":")
                      .append("\"set-properties\",\"updates\":{\"")
                      .append(id)
                      .append("\":\"1\"}}]}")
                      .append(it.hasNext() ? "," : "");
                }
                body.append("]}");
                HttpResponse<String> response = request(writer % 2, "POST", first, body.toString());
                if (response.statusCode() == 204) {
                  applied.add(id);
                } else {
                  // a moved pointer is a 409 the client retries; a deadlock never is an answer. A
                  // 503 (nothing applied) can trail the object store's restart of the test before:
                  // the S3 client finds its pooled connections to the old process reset
                  assertThat(response.statusCode()).as(response.body()).isIn(409, 503);
                  assertThat(CommitStorm.errorType(response.body()))
                      .isIn("CommitFailedException", "ServiceUnavailableException");
                  assertThat(response.body()).doesNotContain("Conflicting concurrent change");
                }
              }
              return applied;
            };
        runs.add(pool.submit(run));
      }
      Set<String> applied = new HashSet<>();
      for (Future<List<String>> run : runs) {
        applied.addAll(run.get());
      }
      Progress.say("opposite-order transactions: %d of 100 applied", applied.size());
      assertThat(applied).isNotEmpty();
      JsonNode t1 = load(0, "t1").path("metadata").path("properties");
      JsonNode t2 = load(1, "t2").path("metadata").path("properties");
      for (String id : applied) {
        assertThat(t1.has(id) && t2.has(id)).as("transaction %s on both tables", id).isTrue();
      }
      // all or nothing: a transaction on one table only would be a half-applied one
      t1.fieldNames()
          .forEachRemaining(
              name -> {
                if (name.startsWith("tx")) {
                  assertThat(t2.has(name)).as("%s on t2 too", name).isTrue();
                }
              });
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            postgres
                .sql(
                    DATABASE,
                    "select deadlocks from pg_stat_database where datname = '" + DATABASE + "'")
                .output())
        .as("deadlocks PostgreSQL detected")
        .isEqualTo("0");
  }

  @Test
  @Order(6)
  void droppingANamespaceWhileATableIsCreatedInItLeavesNoOrphan() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int dropsWon = 0;
    int createsWon = 0;
    try {
      for (int i = 0; i < 20; i++) {
        String namespace = "race" + i;
        send(0, "POST", "/v1/namespaces", "{\"namespace\":[\"" + namespace + "\"]}", 200);
        Future<HttpResponse<String>> drop =
            pool.submit(() -> request(1, "DELETE", "/v1/namespaces/" + namespace, null));
        Future<HttpResponse<String>> create =
            pool.submit(
                () ->
                    request(
                        0,
                        "POST",
                        "/v1/namespaces/" + namespace + "/tables",
                        "{\"name\":\"t\",\"schema\":{\"type\":\"struct\",\"schema-id\":0,"
                            + "\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,"
                            + "\"type\":\"long\"}]}}"));
        int dropped = drop.get().statusCode();
        int created = create.get().statusCode();
        if (dropped == 204) {
          dropsWon++;
          assertThat(created).as(create.get().body()).isEqualTo(404);
          // the refused create left no metadata file behind
          assertThat(filesUnder(namespace)).isEmpty();
        } else {
          createsWon++;
          assertThat(dropped).as(drop.get().body()).isEqualTo(409);
          assertThat(created).as(create.get().body()).isEqualTo(200);
          assertThat(status(1, "/v1/namespaces/" + namespace + "/tables/t")).isEqualTo(200);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Progress.say(
        "drop versus create: drop first %d times, create first %d times", dropsWon, createsWon);
    assertThat(
            postgres
                .sql(
                    DATABASE,
                    "select count(*) from catalog_entity e where not exists (select 1 from"
                        + " catalog_namespace n where n.name = e.namespace_name)")
                .output())
        .isEqualTo("0");
  }

  // ---- checks ----

  private static void assertConsistent(String fault, List<Outcome> outcomes) throws Exception {
    Progress.say("%s: %s", fault, CommitStorm.counts(outcomes));
    assertThat(outcomes.stream().filter(o -> o.kind() == Kind.WRONG).toList())
        .as("answers that are neither success, 409, 503 nor unknown")
        .isEmpty();
    Map<String, JsonNode> properties = new java.util.HashMap<>();
    for (String table : TABLES) {
      properties.put(table, load(0, table).path("metadata").path("properties"));
    }
    for (Outcome outcome : outcomes) {
      boolean present = properties.get(outcome.table()).has(outcome.key());
      if (outcome.kind() == Kind.ACKNOWLEDGED) {
        assertThat(present)
            .as("acknowledged commit %s on %s", outcome.key(), outcome.table())
            .isTrue();
      } else if (outcome.kind() == Kind.REFUSED) {
        assertThat(present)
            .as("refused commit %s (%s) on %s", outcome.key(), outcome.detail(), outcome.table())
            .isFalse();
      }
    }
  }

  /** Both replicas serve the same metadata file for every table, and that file exists. */
  private static void assertTablesAgree() throws Exception {
    for (String table : TABLES) {
      String location = load(0, table).path("metadata-location").asText();
      assertThat(load(1, table).path("metadata-location").asText()).isEqualTo(location);
      String key = location.substring(("s3://" + BUCKET + "/").length());
      assertThat(s3.objectsOf(BUCKET, key)).as("metadata file of %s", table).isRegularFile();
    }
  }

  /** After a fault, both replicas accept a commit again without being restarted. */
  private static void awaitRecovery() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int replica = 0; replica < 2; replica++) {
      int index = replica;
      while (true) {
        HttpResponse<String> answer =
            request(
                index,
                "POST",
                "/v1/namespaces/" + NAMESPACE + "/tables/t0",
                "{\"requirements\":[],\"updates\":[{\"action\":\"set-properties\",\"updates\":"
                    + "{\"recovered\":\""
                    + index
                    + "\"}}]}");
        if (answer.statusCode() == 200 && status(index, "/q/health/ready") == 200) {
          break;
        }
        assertThat(System.nanoTime())
            .as("replica %d recovered in 60 s", index)
            .isLessThan(deadline);
        Thread.sleep(500);
      }
    }
  }

  private static List<Path> filesUnder(String namespace) throws IOException {
    Path bucket = s3.objectsOf(BUCKET, "");
    try (Stream<Path> files = Files.walk(bucket)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> bucket.relativize(file).toString().contains(namespace + "/"))
          .toList();
    }
  }

  // ---- HTTP ----

  private static JsonNode load(int replica, String table) throws Exception {
    HttpResponse<String> response =
        request(replica, "GET", "/v1/namespaces/" + NAMESPACE + "/tables/" + table, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return CommitStorm.JSON.readTree(response.body());
  }

  private static HttpResponse<String> requestWithKey(
      int replica, String path, String body, String key) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(replicas[replica].baseUri() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", replicas[replica].authorization())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int statusAs(int replica, String secret, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(replicas[replica].baseUri() + path))
                .header("Authorization", "Bearer " + secret)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int status(int replica, String path) throws Exception {
    return request(replica, "GET", path, null).statusCode();
  }

  private static void send(int replica, String method, String path, String body, int expected)
      throws Exception {
    HttpResponse<String> response = request(replica, method, path, body);
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(expected);
  }

  private static HttpResponse<String> request(int replica, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(replicas[replica].baseUri() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", replicas[replica].authorization())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
