package dev.sluice.catalog.freshness;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.catalog.LocalCatalogs;
import dev.sluice.catalog.TestAuthentication;
import dev.sluice.catalog.lineage.DatasetNaming;
import dev.sluice.lineage.DatasetId;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The freshness endpoint and metrics on the embedded server: a pipeline {@code silver.orders →
 * build_features → gold.user_features} where the downstream table keeps committing and its input
 * does not; the endpoint names the input as the root cause, the gauges follow, the violation is
 * recorded and resolves once the input commits again. No webhook is configured, so nothing is
 * queued for delivery.
 */
@QuarkusTest
@TestProfile(FreshnessProfile.class)
class FreshnessResourceTest {
  private static final Schema SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  private static RESTCatalog client() {
    return LocalCatalogs.client("test", TestAuthentication.ADMIN_TOKEN);
  }

  /** One data commit: a new snapshot with one (metadata-only) data file. */
  private static void append(Table table) {
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

  private static String lineageEvent(DatasetId input, DatasetId output) {
    return """
        {"eventType":"COMPLETE","eventTime":"%s","producer":"https://example.com/test",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"pipelines","name":"build_features"},
         "inputs":[{"namespace":"%s","name":"%s"}],
         "outputs":[{"namespace":"%s","name":"%s"}]}"""
        .formatted(
            Instant.now(),
            UUID.randomUUID(),
            input.namespace(),
            input.name(),
            output.namespace(),
            output.name());
  }

  private static JsonPath freshness() {
    return given().get("/api/v1/freshness").then().statusCode(200).extract().jsonPath();
  }

  private static Map<String, Object> entry(JsonPath answer, String dataset) {
    List<Map<String, Object>> entries = answer.getList("$");
    return entries.stream()
        .filter(e -> dataset.equals(e.get("dataset")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(dataset + " not in " + entries));
  }

  private static String metrics() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  private static <T> T await(String what, java.util.function.Supplier<T> read, Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    T value = read.get();
    while (!done.test(value)) {
      assertThat(System.nanoTime())
          .as("waiting for %s; last: %s", what, value)
          .isLessThan(deadline);
      Thread.sleep(100);
      value = read.get();
    }
    return value;
  }

  /** A COMPLETE event of {@code job}'s run at {@code time}: it read {@code input}, wrote output. */
  private static String run(String job, Instant time, DatasetId input, DatasetId output) {
    return lineageEvent(input, output)
        .replace("\"build_features\"", "\"" + job + "\"")
        .replaceFirst("\"eventTime\":\"[^\"]*\"", "\"eventTime\":\"" + time + "\"");
  }

  @Test
  void anInputTheJobNoLongerReadsDoesNotMakeItsOutputStale() throws Exception {
    RESTCatalog catalog = client();
    Namespace silver = Namespace.of("silver");
    Namespace gold = Namespace.of("gold");
    if (!catalog.namespaceExists(silver)) {
      catalog.createNamespace(silver);
    }
    if (!catalog.namespaceExists(gold)) {
      catalog.createNamespace(gold);
    }
    Table retired = catalog.createTable(TableIdentifier.of(silver, "orders_v1"), SCHEMA);
    Table current = catalog.createTable(TableIdentifier.of(silver, "orders_v2"), SCHEMA);
    Table features = catalog.createTable(TableIdentifier.of(gold, "features_v2"), SCHEMA);
    DatasetId out = DatasetNaming.forLocation(features.location());
    Instant now = Instant.now();
    // the job read orders_v1 until yesterday; its latest run reads orders_v2
    for (String event :
        List.of(
            run(
                "build_v2",
                now.minus(Duration.ofDays(1)),
                DatasetNaming.forLocation(retired.location()),
                out),
            run("build_v2", now, DatasetNaming.forLocation(current.location()), out))) {
      given()
          .contentType(ContentType.JSON)
          .body(event)
          .post("/api/v1/lineage")
          .then()
          .statusCode(201);
    }

    // orders_v1 never commits again; the other two keep committing past the 3 s bound
    long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    while (System.nanoTime() < until) {
      append(current);
      append(features);
      Thread.sleep(400);
    }

    Map<String, Object> judged = entry(freshness(), "gold.features_v2");
    // the other tests count violations: leave none behind
    catalog.dropTable(TableIdentifier.of(gold, "features_v2"), false);
    catalog.dropTable(TableIdentifier.of(silver, "orders_v1"), false);
    catalog.dropTable(TableIdentifier.of(silver, "orders_v2"), false);
    assertThat(judged.get("stale")).as("%s", judged).isEqualTo(false);
  }

  @Test
  void staleInputIsTheRootCauseUntilItCommitsAgain() throws Exception {
    RESTCatalog catalog = client();
    if (!catalog.namespaceExists(Namespace.of("silver"))) {
      catalog.createNamespace(Namespace.of("silver"));
    }
    if (!catalog.namespaceExists(Namespace.of("gold"))) {
      catalog.createNamespace(Namespace.of("gold"));
    }
    Table orders = catalog.createTable(TableIdentifier.of("silver", "orders"), SCHEMA);
    Table features = catalog.createTable(TableIdentifier.of("gold", "user_features"), SCHEMA);
    Table ledger = catalog.createTable(TableIdentifier.of("gold", "ledger"), SCHEMA);
    given()
        .contentType(ContentType.JSON)
        .body(
            lineageEvent(
                DatasetNaming.forLocation(orders.location()),
                DatasetNaming.forLocation(features.location())))
        .post("/api/v1/lineage")
        .then()
        .statusCode(201);
    append(ledger);
    append(orders);
    append(features);

    // both committed just now: fresh, and only the contracted tables are listed
    JsonPath fresh = freshness();
    assertThat(fresh.getList("dataset"))
        .containsExactlyInAnyOrder("gold.user_features", "gold.ledger");
    assertThat(entry(fresh, "gold.user_features"))
        .containsEntry("stale", false)
        .containsEntry("committed", true)
        .containsEntry("maxStaleness", "3s")
        .containsEntry("maxStalenessSeconds", 3)
        .doesNotContainKey("rootCause");
    assertThat(entry(fresh, "gold.ledger")).containsEntry("maxStaleness", "1h");

    // the downstream job keeps committing; its input only changes a property (no new snapshot)
    long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    boolean propertyChanged = false;
    Instant beforePropertyChange = Instant.now();
    while (System.nanoTime() < until) {
      append(features);
      if (!propertyChanged) {
        orders.updateProperties().set("owner", "team-orders").commit();
        propertyChanged = true;
      }
      Thread.sleep(300);
    }
    append(features);

    JsonPath stale =
        await(
            "the recorded violation of gold.user_features",
            FreshnessResourceTest::freshness,
            answer -> entry(answer, "gold.user_features").containsKey("violation"));
    Map<String, Object> features1 = entry(stale, "gold.user_features");
    assertThat(features1).containsEntry("stale", true);
    assertThat(((Number) features1.get("ageSeconds")).longValue()).isLessThan(3);
    @SuppressWarnings("unchecked")
    Map<String, Object> cause = (Map<String, Object>) features1.get("rootCause");
    assertThat(cause).containsEntry("dataset", "silver.orders");
    assertThat((String) cause.get("sentence"))
        .startsWith("gold.user_features is stale because silver.orders last committed ")
        .endsWith(" s ago (max staleness 3s)");
    // the property change did not count as a data commit
    assertThat(Instant.parse((String) cause.get("lastCommitAt"))).isBefore(beforePropertyChange);
    assertThat(Instant.parse((String) features1.get("staleSince")))
        .isEqualTo(Instant.parse((String) cause.get("lastCommitAt")).plusSeconds(3));
    assertThat(stale.getList("dataset")).containsExactly("gold.user_features", "gold.ledger");

    String prometheus =
        await(
            "one violation in the metrics",
            FreshnessResourceTest::metrics,
            text -> text.contains("sluice_dataset_freshness_violations 1.0"));
    assertThat(prometheus)
        .contains("# TYPE sluice_dataset_staleness_seconds gauge")
        .contains("sluice_dataset_staleness_seconds{dataset=\"gold.user_features\"}")
        .contains("sluice_dataset_staleness_seconds{dataset=\"gold.ledger\"}")
        .doesNotContain("sluice_dataset_staleness_seconds{dataset=\"silver.orders\"}")
        .contains("# TYPE sluice_dataset_freshness_violations gauge");

    // the input commits again: fresh at once, resolved after a check interval of freshness
    append(orders);
    append(features);
    assertThat(entry(freshness(), "gold.user_features")).containsEntry("stale", false);
    await(
        "the violation to resolve",
        FreshnessResourceTest::freshness,
        answer -> !entry(answer, "gold.user_features").containsKey("violation"));
    await(
        "no violation in the metrics",
        FreshnessResourceTest::metrics,
        text -> text.contains("sluice_dataset_freshness_violations 0.0"));

    // no webhook configured: nothing was queued to deliver
    given()
        .get("/api/v1/jobs?kind=" + dev.sluice.catalog.alerts.AlertWebhook.KIND)
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
  }

  @Test
  void onlyAdministratorsReadFreshness() {
    String analyst = TestAuthentication.tokenFor("user:alice", List.of("analysts"), List.of());
    given()
        .header("Authorization", "Bearer " + analyst)
        .get("/api/v1/freshness")
        .then()
        .statusCode(403)
        .body("error.type", equalTo("ForbiddenException"))
        .body("error.code", equalTo(403));
  }
}
