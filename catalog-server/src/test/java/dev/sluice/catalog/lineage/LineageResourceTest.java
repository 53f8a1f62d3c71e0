package dev.sluice.catalog.lineage;

import static dev.sluice.catalog.lineage.LineageEvents.dataset;
import static dev.sluice.catalog.lineage.LineageEvents.outputWithColumns;
import static dev.sluice.catalog.lineage.LineageEvents.run;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.catalog.rest.CatalogTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class LineageResourceTest {

  private static Response post(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/api/v1/lineage");
  }

  /** The seed scenario: bronze orders → silver → gold → a model training run. */
  private static Map<String, UUID> pipeline(String ns) {
    UUID clean = UUID.randomUUID();
    UUID aggregate = UUID.randomUUID();
    UUID train = UUID.randomUUID();
    post(run(
            "START",
            clean,
            "spark",
            ns + ".clean",
            "2026-01-01T10:00:00Z",
            dataset(ns, "raw.orders", null),
            ""))
        .then()
        .statusCode(201);
    post(run(
            "COMPLETE",
            clean,
            "spark",
            ns + ".clean",
            "2026-01-01T10:05:00Z",
            dataset(ns, "raw.orders", "101"),
            outputWithColumns(
                ns,
                "silver.orders",
                """
                {"customer":{"inputFields":[{"namespace":"%s","name":"raw.orders","field":"customer_name"}]},
                 "amount":{"inputFields":[{"namespace":"%s","name":"raw.orders","field":"amount"}]}}"""
                    .formatted(ns, ns))))
        .then()
        .statusCode(201);
    post(run(
            "COMPLETE",
            aggregate,
            "spark",
            ns + ".aggregate",
            "2026-01-01T11:00:00Z",
            dataset(ns, "silver.orders", "201"),
            dataset(ns, "gold.revenue", "301")))
        .then()
        .statusCode(201);
    post(run(
            "COMPLETE",
            train,
            "ml",
            ns + ".train",
            "2026-01-01T12:00:00Z",
            dataset(ns, "gold.revenue", "301"),
            ""))
        .then()
        .statusCode(201);
    return Map.of("clean", clean, "aggregate", aggregate, "train", train);
  }

  @Inject CatalogLineageEmitter emitter;

  @Inject LineageConfig lineageConfig;

  @Test
  void primingTheEventJsonAtStartRecordsNoLineage() {
    emitter.primeEventJson();
    emitter.primeEventJson();

    given()
        .queryParam("namespace", lineageConfig.jobNamespace())
        .queryParam("name", "priming.table.commit")
        .get("/api/v1/lineage/runs")
        .then()
        .statusCode(404);
    given()
        .queryParam("namespace", "file")
        .queryParam("name", "/priming/table")
        .get("/api/v1/lineage/impact")
        .then()
        .statusCode(404);
  }

  @Test
  void impactOfABronzeTableNamesSilverGoldAndTheTrainingRun() {
    String ns = "s3://lake-" + UUID.randomUUID();
    Map<String, UUID> runs = pipeline(ns);

    given()
        .queryParam("namespace", ns)
        .queryParam("name", "raw.orders")
        .get("/api/v1/lineage/impact")
        .then()
        .statusCode(200)
        .body("datasets.name", contains("gold.revenue", "silver.orders"))
        .body("jobs.name", contains(ns + ".train", ns + ".aggregate", ns + ".clean"))
        .body(
            "runs.runId",
            contains(
                runs.get("train").toString(),
                runs.get("aggregate").toString(),
                runs.get("clean").toString()));
  }

  @Test
  void graphAnswersUpstreamAndDownstreamToADepthInNameOrder() {
    String ns = "s3://lake-" + UUID.randomUUID();
    pipeline(ns);

    given()
        .queryParam("namespace", ns)
        .queryParam("name", "raw.orders")
        .queryParam("depth", 2)
        .get("/api/v1/lineage/graph")
        .then()
        .statusCode(200)
        .body("nodes.name", contains("raw.orders", "silver.orders", ns + ".clean"))
        .body("edges.size()", equalTo(2));
    given()
        .queryParam("namespace", ns)
        .queryParam("name", "gold.revenue")
        .queryParam("direction", "upstream")
        .queryParam("depth", 5)
        .get("/api/v1/lineage/graph")
        .then()
        .statusCode(200)
        .body(
            "nodes.name",
            contains(
                "gold.revenue", "raw.orders", "silver.orders", ns + ".aggregate", ns + ".clean"));
  }

  @Test
  void aRunKnowsTheExactVersionsItReadAndColumnsTheirSources() {
    String ns = "s3://lake-" + UUID.randomUUID();
    Map<String, UUID> runs = pipeline(ns);

    given()
        .get("/api/v1/lineage/runs/" + runs.get("clean"))
        .then()
        .statusCode(200)
        .body("state", equalTo("COMPLETE"))
        .body("startedAt", equalTo("2026-01-01T10:00:00Z"))
        .body("endedAt", equalTo("2026-01-01T10:05:00Z"))
        .body("inputs.version", contains("101"));
    given()
        .queryParam("namespace", ns)
        .queryParam("name", "silver.orders")
        .queryParam("field", "customer")
        .get("/api/v1/lineage/columns")
        .then()
        .statusCode(200)
        .body("source.field", contains("customer_name"))
        .body("source.name", contains("raw.orders"));
  }

  @Test
  void resendingAnEventStoresItOnceAndInvalidEventsAreRefused() {
    String ns = "s3://lake-" + UUID.randomUUID();
    String event =
        run(
            "COMPLETE",
            UUID.randomUUID(),
            "spark",
            ns + ".once",
            "2026-01-01T10:00:00Z",
            "",
            dataset(ns, "t", "1"));
    post(event).then().statusCode(201).body("stored", equalTo(true));
    post(event.replace("\n", " ")).then().statusCode(200).body("stored", equalTo(false));

    post("{\"eventType\":\"START\"}")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("InvalidLineageEventException"))
        .body("error.message", containsString("eventTime"));
    post("{not json")
        .then()
        .statusCode(400)
        .body("error.message", containsString("Malformed JSON"));
    String badJob =
        run(
            "START",
            UUID.randomUUID(),
            "spark",
            " ",
            "2026-01-01T10:00:00Z",
            "",
            dataset(ns, "never", null));
    post(badJob).then().statusCode(400);
    given()
        .queryParam("q", ns)
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body("name", contains("t", ns + ".once"));
    given()
        .queryParam("namespace", ns)
        .queryParam("name", "never")
        .get("/api/v1/lineage/graph")
        .then()
        .statusCode(404);
  }

  @Test
  void aBatchIsAllOrNothing() {
    String ns = "s3://lake-" + UUID.randomUUID();
    String good =
        run(
            "COMPLETE",
            UUID.randomUUID(),
            "spark",
            ns + ".a",
            "2026-01-01T10:00:00Z",
            "",
            dataset(ns, "a", "1"));
    given()
        .contentType(ContentType.JSON)
        .body("[" + good + ",{\"eventType\":\"START\"}]")
        .post("/api/v1/lineage")
        .then()
        .statusCode(400)
        .body("error.message", containsString("Event 1"));
    given().queryParam("q", ns).get("/api/v1/lineage/search").then().body("size()", equalTo(0));
  }

  @Test
  void everyTableCommitEmitsAnEventWithTheSnapshotIdAsVersion() {
    String ns = "lineage_" + Long.toString(System.nanoTime(), 36);
    RESTCatalog client = Commits.client();
    client.createNamespace(Namespace.of(ns));
    TableIdentifier identifier = TableIdentifier.of(ns, "orders");
    Table table =
        client.createTable(
            identifier,
            new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "customer", Types.StringType.get())));
    Commits.append(table, "f1.parquet");
    long snapshotId = table.currentSnapshot().snapshotId();

    List<Map<String, Object>> runs =
        given()
            .queryParam("namespace", "sluice")
            .queryParam("name", identifier + ".commit")
            .get("/api/v1/lineage/runs")
            .then()
            .statusCode(200)
            .extract()
            .path("");
    assertThat(runs).hasSize(2);
    @SuppressWarnings("unchecked")
    List<Map<String, String>> outputs = (List<Map<String, String>>) runs.get(1).get("outputs");
    assertThat(outputs).hasSize(1);
    assertThat(outputs.get(0).get("namespace")).isEqualTo("file");
    assertThat(table.location()).endsWith(outputs.get(0).get("name"));
    assertThat(runs.stream().flatMap(r -> ((List<Map<String, String>>) r.get("outputs")).stream()))
        .extracting(o -> o.get("version"))
        .contains(String.valueOf(snapshotId));
  }
}
