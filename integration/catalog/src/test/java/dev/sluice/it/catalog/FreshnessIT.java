package dev.sluice.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The freshness story on PostgreSQL with two replicas checking every second: {@code silver.orders →
 * build_features → gold.user_features}, the gold table promised within a few seconds. While both
 * commit, nothing is posted. When the orders stop (the features job goes on committing), the
 * features are reported stale within a check interval with the orders as root cause and the webhook
 * gets one alert (its first delivery is refused, so the one accepted is a retry); a few intervals
 * later still one. When the orders commit again, one resolution follows, with the same violation
 * id.
 */
class FreshnessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_STALENESS = Duration.ofSeconds(4);
  private static final Duration COMMIT_EVERY = Duration.ofMillis(400);
  private static final Schema SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  private static final String POLICY =
      """
      apiVersion: sluice.dev/v1
      zones:
        curated:
          namespaces: [silver, gold]
          read: [group:analysts]
          write: [client:transform]
      datasets:
        gold.user_features:
          owner: team:ml
          contract:
            freshness: {max-staleness: 4s}
      """;

  /** What the webhook received, in order: every attempt, accepted or not. */
  private static final List<Received> received = new CopyOnWriteArrayList<>();

  /** The first delivery is answered 503: the alert that counts is a retry. */
  private static final AtomicInteger refuseFirst = new AtomicInteger(1);

  private record Received(JsonNode body, String idempotencyKey, boolean accepted) {}

  private static HttpServer receiver;
  private static SluiceOnPostgres a;
  private static SluiceServer b;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hooks/freshness",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            JsonNode body = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            boolean accept = refuseFirst.getAndUpdate(n -> Math.max(0, n - 1)) == 0;
            received.add(
                new Received(
                    body, exchange.getRequestHeaders().getFirst("Idempotency-Key"), accept));
            exchange.sendResponseHeaders(accept ? 204 : 503, -1);
          } finally {
            exchange.close();
          }
        });
    receiver.start();
    a =
        SluiceOnPostgres.start(
            "freshness",
            Map.of(
                "sluice.freshness.check-interval",
                CHECK_INTERVAL.toMillis() + "ms",
                "sluice.alerts.webhook-url",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/freshness",
                "sluice.alerts.webhook-retry-delay",
                "300ms",
                "sluice.jobs.poll-interval",
                "200ms"));
    b = a.startReplica("b");
    ObjectNode files = JsonNodeFactory.instance.objectNode();
    files.putObject("files").put("sluice.yaml", POLICY);
    HttpResponse<String> applied = a.send("POST", "/api/v1/policy/apply", files.toString());
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  private static JsonNode call(SluiceServer server, String path) throws Exception {
    return call(server.baseUri(), server.adminToken(), path);
  }

  private static JsonNode call(SluiceOnPostgres server, String path) throws Exception {
    return call(server.baseUri(), SluiceServer.ADMIN_TOKEN, path);
  }

  private static JsonNode call(String baseUri, String token, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baseUri + path))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode features(JsonNode freshness) {
    for (JsonNode entry : freshness) {
      if (entry.path("dataset").asText().equals("gold.user_features")) {
        return entry;
      }
    }
    throw new AssertionError("gold.user_features not in " + freshness);
  }

  private static List<Received> accepted(String kind) {
    return received.stream()
        .filter(r -> r.accepted() && r.body().path("kind").asText().equals(kind))
        .toList();
  }

  private static List<Received> attempts(String kind) {
    return received.stream().filter(r -> r.body().path("kind").asText().equals(kind)).toList();
  }

  private static void append(Table table) {
    table.refresh();
    table
        .newFastAppend()
        .appendFile(
            DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(table.location() + "/data/" + UUID.randomUUID() + ".parquet")
                .withFileSizeInBytes(10)
                .withRecordCount(1)
                .build())
        .commit();
  }

  /** Waits for {@code condition}, failing after {@code limit}; answers how long it took. */
  private static Duration await(String what, Duration limit, Check condition) throws Exception {
    long start = System.nanoTime();
    while (!condition.holds()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("waiting for %s", what)
          .isLessThan(limit);
      Thread.sleep(100);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  @Test
  void aStaleInputAlertsOnceWithItsRootCauseAndResolvesOnceWhenItCommitsAgain() throws Exception {
    RESTCatalog client = a.client();
    client.createNamespace(Namespace.of("silver"));
    client.createNamespace(Namespace.of("gold"));
    Table orders = client.createTable(TableIdentifier.of("silver", "orders"), SCHEMA);
    Table features = client.createTable(TableIdentifier.of("gold", "user_features"), SCHEMA);
    String lineage =
        """
        {"eventType":"COMPLETE","eventTime":"%s","producer":"https://example.com/it",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"pipelines","name":"build_features"},
         "inputs":[{"namespace":"file","name":"%s"}],
         "outputs":[{"namespace":"file","name":"%s"}]}"""
            .formatted(
                Instant.now(),
                UUID.randomUUID(),
                URI.create(orders.location()).getPath(),
                URI.create(features.location()).getPath());
    HttpResponse<String> posted = a.send("POST", "/api/v1/lineage", lineage);
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

    // both tables commit on their own schedule; the orders can be stopped and resumed
    AtomicBoolean ordersCommit = new AtomicBoolean(true);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<Instant> ordersLastCommitted = new AtomicReference<>();
    AtomicReference<Throwable> committerFailed = new AtomicReference<>();
    Thread committer =
        new Thread(
            () -> {
              try {
                while (running.get()) {
                  if (ordersCommit.get()) {
                    append(orders);
                    ordersLastCommitted.set(Instant.now());
                  }
                  append(features);
                  Thread.sleep(COMMIT_EVERY.toMillis());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Throwable e) {
                committerFailed.set(e);
              }
            },
            "freshness-it-committer");
    committer.start();
    try {
      // both replicas judge the table (B took the policy from A) and find it fresh
      await(
          "both replicas to judge gold.user_features",
          Duration.ofSeconds(30),
          () ->
              call(a, "/api/v1/freshness").size() == 1 && call(b, "/api/v1/freshness").size() == 1);
      Thread.sleep(CHECK_INTERVAL.multipliedBy(3).toMillis());
      assertThat(features(call(b, "/api/v1/freshness")).path("stale").asBoolean()).isFalse();
      assertThat(received).as("nothing posted while both commit").isEmpty();

      // the orders stop; the features go on committing from them
      ordersCommit.set(false);
      Thread.sleep(COMMIT_EVERY.multipliedBy(2).toMillis());
      Instant boundCrossed = ordersLastCommitted.get().plus(MAX_STALENESS);
      Progress.say("orders stopped; their bound is crossed at %s", boundCrossed);

      await(
          "gold.user_features recorded stale",
          Duration.ofSeconds(30),
          () -> features(call(b, "/api/v1/freshness")).has("violation"));
      Instant recorded = Instant.now();
      JsonNode stale = features(call(a, "/api/v1/freshness"));
      Progress.say(
          "gold.user_features recorded stale %s after the bound was crossed",
          Duration.between(boundCrossed, recorded));
      // within one check interval, plus the polling of this test and one pass of slack
      assertThat(Duration.between(boundCrossed, recorded))
          .isLessThan(CHECK_INTERVAL.multipliedBy(2).plusMillis(500));
      assertThat(stale.path("stale").asBoolean()).isTrue();
      assertThat(stale.path("ageSeconds").asLong())
          .as("the table itself keeps committing")
          .isLessThan(4);
      assertThat(stale.path("rootCause").path("dataset").asText()).isEqualTo("silver.orders");
      assertThat(stale.path("rootCause").path("sentence").asText())
          .startsWith("gold.user_features is stale because silver.orders last committed ");
      String violationId = stale.path("violation").path("id").asText();

      await("the alert to be accepted", Duration.ofSeconds(20), () -> !accepted("alert").isEmpty());
      // a few intervals more: still one alert, though every replica finds it stale every second
      Thread.sleep(CHECK_INTERVAL.multipliedBy(4).toMillis());
      assertThat(accepted("alert")).hasSize(1);
      assertThat(attempts("alert")).as("the refused first attempt and its retry").hasSize(2);
      JsonNode alert = accepted("alert").get(0).body();
      assertThat(alert.path("violationId").asText()).isEqualTo(violationId);
      assertThat(alert.path("dataset").asText()).isEqualTo("gold.user_features");
      assertThat(alert.path("maxStaleness").asText()).isEqualTo("4s");
      assertThat(alert.path("maxStalenessSeconds").asLong()).isEqualTo(4);
      assertThat(alert.path("rootCause").path("dataset").asText()).isEqualTo("silver.orders");
      assertThat(alert.path("rootCause").path("ageSeconds").asLong()).isGreaterThanOrEqualTo(4);
      assertThat(alert.has("staleSince") && alert.has("detectedAt") && alert.has("lastCommitAt"))
          .isTrue();
      assertThat(attempts("alert"))
          .extracting(Received::idempotencyKey)
          .containsOnly(violationId + ":alert");
      assertThat(attempts("resolved")).isEmpty();
      for (SluiceServer replica : List.of(b)) {
        assertThat(
                SluiceOnPostgres.counter(metrics(replica), "sluice_dataset_freshness_violations"))
            .isEqualTo(1.0);
      }
      assertThat(SluiceOnPostgres.counter(a.metrics(), "sluice_dataset_freshness_violations"))
          .isEqualTo(1.0);

      // the orders commit again: one resolution, with the alert's violation id
      ordersCommit.set(true);
      await("the resolution", Duration.ofSeconds(20), () -> !accepted("resolved").isEmpty());
      Thread.sleep(CHECK_INTERVAL.multipliedBy(4).toMillis());
      assertThat(accepted("resolved")).hasSize(1);
      assertThat(attempts("resolved")).hasSize(1);
      JsonNode resolved = accepted("resolved").get(0).body();
      assertThat(resolved.path("violationId").asText()).isEqualTo(violationId);
      assertThat(resolved.path("rootCause").path("dataset").asText()).isEqualTo("silver.orders");
      assertThat(Instant.parse(resolved.path("resolvedAt").asText()))
          .isAfter(Instant.parse(alert.path("detectedAt").asText()));
      assertThat(accepted("alert")).hasSize(1);
      JsonNode fresh = features(call(b, "/api/v1/freshness"));
      assertThat(fresh.path("stale").asBoolean()).isFalse();
      assertThat(fresh.has("violation")).isFalse();
    } finally {
      running.set(false);
      committer.join(10_000);
    }
    assertThat(committerFailed.get()).isNull();

    // the job table holds exactly the two deliveries, both done
    PostgresServer.SqlResult jobs =
        a.postgres()
            .sql(
                SluiceOnPostgres.DATABASE,
                "select state || ':' || attempts from job where kind = 'alert.webhook'"
                    + " order by created_at");
    assertThat(jobs.exitCode()).as(jobs.output()).isZero();
    assertThat(jobs.output().lines().toList()).containsExactly("SUCCEEDED:2", "SUCCEEDED:1");
  }

  private static String metrics(SluiceServer server) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUri() + "/q/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  @Test
  void aWebhookUrlThatIsNotHttpStopsTheStartNamingTheSetting() {
    assertThatThrownBy(
            () ->
                a.startReplica(
                    "bad-webhook", Map.of("sluice.alerts.webhook-url", "ftp://example.com/x")))
        .hasMessageContaining("process exited")
        .hasMessageContaining(
            "sluice.alerts.webhook-url must be an http:// or https:// URL, not 'ftp://example.com/x'");
  }
}
