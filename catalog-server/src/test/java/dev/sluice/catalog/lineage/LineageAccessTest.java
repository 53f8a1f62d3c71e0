package dev.sluice.catalog.lineage;

import static dev.sluice.catalog.lineage.LineageEvents.dataset;
import static dev.sluice.catalog.lineage.LineageEvents.outputWithColumns;
import static dev.sluice.catalog.lineage.LineageEvents.run;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import dev.sluice.catalog.TestAuthentication;
import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.catalog.persistence.LineageEventStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lineage under the example policy: who may send events, and what each reader sees. The pipeline:
 * {@code raw.customers (+ a Kafka topic) → enrich → restricted.contacts → publish → silver.orders},
 * plus a job that reads a path under the lake no table holds and writes a report to a bucket the
 * catalog does not manage.
 *
 * <ul>
 *   <li>{@code user:alice} (analysts) reads raw and silver, not restricted, which lies between;
 *   <li>{@code client:spark} reads silver only;
 *   <li>{@code user:nobody} reads no table;
 *   <li>{@code client:ingest} writes raw and holds the lineage writer role;
 *   <li>the administrator sees everything.
 * </ul>
 */
@QuarkusTest
@TestProfile(LineageAccessProfile.class)
class LineageAccessTest {
  private static final String WRITER_ROLE = "sluice-lineage-writer";

  /** In every name of the fixture, and in no other name. */
  private static final String TAG = "t" + Long.toString(System.nanoTime(), 36);

  /** In the names the other tests make. */
  private static final String OTHER = "u" + Long.toString(System.nanoTime(), 36);

  private static final String JOBS = "pipelines";
  private static final String ENRICH = TAG + ".enrich";
  private static final String PUBLISH = TAG + ".publish";
  private static final String GHOSTLY = TAG + ".ghostly";
  private static final String TOPIC_NS = "kafka://broker:9092";
  private static final String TOPIC = TAG + "-signups";
  private static final String ELSEWHERE = "s3://elsewhere";
  private static final String REPORT = "reports/" + TAG;

  /** Set up once per test JVM: tables, then lineage about them. */
  private static Fixture fixture;

  @Inject LineageEventStore events;

  /**
   * The tables' datasets ({@code file} namespace, path name): where the pipeline starts (raw), the
   * middle (restricted), where it ends (silver); and the runs the writer sent.
   */
  private record Fixture(
      String start,
      String middle,
      String end,
      String ghost,
      String lake,
      UUID enrichRun,
      UUID publishRun) {}

  /** A request as the principal, through an API token the admin API issued for it. */
  private static RequestSpecification as(
      String principal, List<String> groups, List<String> roles) {
    String token = TestAuthentication.tokenFor(principal, groups, roles);
    return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
  }

  private static RequestSpecification writer() {
    return as("client:ingest", List.of(), List.of(WRITER_ROLE));
  }

  private static RequestSpecification alice() {
    return as("user:alice", List.of("analysts"), List.of());
  }

  private static RequestSpecification spark() {
    return as("client:spark", List.of(), List.of());
  }

  private static RequestSpecification nobody() {
    return as("user:nobody", List.of(), List.of());
  }

  private static RequestSpecification admin() {
    return given().contentType(ContentType.JSON);
  }

  /** Creates the table (as the administrator) and answers its location's path. */
  private static String table(String namespace, String name) {
    String body =
        "{\"name\":\""
            + name
            + "\",\"schema\":{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
            + "{\"id\":1,\"name\":\"customer_id\",\"required\":false,\"type\":\"string\"}]}}";
    String location =
        admin()
            .body(body)
            .post("/v1/namespaces/" + namespace + "/tables")
            .then()
            .statusCode(200)
            .extract()
            .path("metadata.location");
    assertThat(location).startsWith("file:/");
    return location.substring("file:".length());
  }

  @BeforeEach
  void pipeline() {
    synchronized (LineageAccessTest.class) {
      if (fixture != null) {
        return;
      }
      for (String ns : List.of("raw", "silver", "restricted")) {
        int status =
            admin().body("{\"namespace\":[\"" + ns + "\"]}").post("/v1/namespaces").statusCode();
        assertThat(status).isIn(200, 409);
      }
      String start = table("raw", "customers_" + TAG);
      String middle = table("restricted", "contacts_" + TAG);
      String end = table("silver", "orders_" + TAG);
      // .../lake/raw/raw/customers_x: the lake is three levels up
      String lake = start.substring(0, start.lastIndexOf("/raw/raw/"));
      String ghost = lake + "/raw/raw/ghost_" + TAG;

      UUID enrich = UUID.randomUUID();
      writer()
          .body(
              run(
                  "COMPLETE",
                  enrich,
                  JOBS,
                  ENRICH,
                  "2026-01-01T10:00:00Z",
                  dataset("file", start, "11") + "," + dataset(TOPIC_NS, TOPIC, null),
                  outputWithColumns("file", middle, columnFrom(start))))
          .post("/api/v1/lineage")
          .then()
          .statusCode(201);
      UUID publish = UUID.randomUUID();
      writer()
          .body(
              run(
                  "COMPLETE",
                  publish,
                  JOBS,
                  PUBLISH,
                  "2026-01-01T11:00:00Z",
                  dataset("file", middle, "21"),
                  outputWithColumns("file", end, columnFrom(middle))))
          .post("/api/v1/lineage")
          .then()
          .statusCode(201);
      writer()
          .body(
              run(
                  "COMPLETE",
                  UUID.randomUUID(),
                  JOBS,
                  GHOSTLY,
                  "2026-01-01T12:00:00Z",
                  dataset("file", ghost, null),
                  dataset(ELSEWHERE, REPORT, null)))
          .post("/api/v1/lineage")
          .then()
          .statusCode(201);
      fixture = new Fixture(start, middle, end, ghost, lake, enrich, publish);
    }
  }

  /** A column-lineage facet: {@code customer_id} from the same column of {@code source}. */
  private static String columnFrom(String source) {
    return """
        {"customer_id":{"inputFields":[{"namespace":"file","name":"%s","field":"customer_id"}]}}"""
        .formatted(source);
  }

  private static Response graph(
      RequestSpecification who, String namespace, String name, String direction) {
    return who.queryParam("namespace", namespace)
        .queryParam("name", name)
        .queryParam("direction", direction)
        .queryParam("depth", 10)
        .get("/api/v1/lineage/graph");
  }

  /** A 404's body, with the name it is about replaced, so two answers can be compared. */
  private static String notFound(Response response, String name) {
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/json");
    return response.body().asString().replace(name, "<name>");
  }

  @Test
  void aHiddenDatasetIsAnsweredExactlyLikeOneThatDoesNotExist() {
    String hidden = fixture.start();
    String unknown = fixture.start() + "_never_seen";

    for (String endpoint : List.of("/api/v1/lineage/graph", "/api/v1/lineage/impact")) {
      Response hiddenAnswer =
          spark().queryParam("namespace", "file").queryParam("name", hidden).get(endpoint);
      Response unknownAnswer =
          spark().queryParam("namespace", "file").queryParam("name", unknown).get(endpoint);
      assertThat(notFound(hiddenAnswer, hidden))
          .isEqualTo(notFound(unknownAnswer, unknown))
          .contains("NotFoundException")
          .contains("No lineage for dataset file:<name>");
    }
    Response hiddenColumns =
        spark()
            .queryParam("namespace", "file")
            .queryParam("name", hidden)
            .queryParam("field", "customer_id")
            .get("/api/v1/lineage/columns");
    Response unknownColumns =
        spark()
            .queryParam("namespace", "file")
            .queryParam("name", unknown)
            .queryParam("field", "customer_id")
            .get("/api/v1/lineage/columns");
    assertThat(notFound(hiddenColumns, hidden)).isEqualTo(notFound(unknownColumns, unknown));

    // the same question, asked by readers and writers of the table, is answered
    graph(alice(), "file", hidden, "downstream").then().statusCode(200);
    graph(writer(), "file", hidden, "downstream").then().statusCode(200);
    graph(admin(), "file", hidden, "downstream").then().statusCode(200);
  }

  @Test
  void noAnswerPassesThroughAHiddenDataset() {
    // alice may see raw and silver, not restricted, which lies between them
    graph(alice(), "file", fixture.start(), "downstream")
        .then()
        .statusCode(200)
        .body("nodes.name", contains(fixture.start(), ENRICH))
        .body("edges", hasSize(1));
    graph(alice(), "file", fixture.end(), "upstream")
        .then()
        .statusCode(200)
        // publish, and the catalog's commit that created the table
        .body("nodes.name", contains(fixture.end(), PUBLISH, "silver.orders_" + TAG + ".commit"))
        .body("edges", hasSize(2));
    graph(admin(), "file", fixture.start(), "downstream")
        .then()
        .statusCode(200)
        .body(
            "nodes.name",
            contains(fixture.start(), fixture.middle(), fixture.end(), ENRICH, PUBLISH))
        .body("edges", hasSize(4));

    alice()
        .queryParam("namespace", "file")
        .queryParam("name", fixture.start())
        .get("/api/v1/lineage/impact")
        .then()
        .statusCode(200)
        .body("datasets", empty())
        .body("jobs.name", contains(ENRICH))
        .body("runs.runId", contains(fixture.enrichRun().toString()))
        .body("runs[0].outputs", empty());
    admin()
        .queryParam("namespace", "file")
        .queryParam("name", fixture.start())
        .get("/api/v1/lineage/impact")
        .then()
        .statusCode(200)
        .body("datasets.name", contains(fixture.middle(), fixture.end()))
        .body("jobs.name", contains(ENRICH, PUBLISH));

    // column lineage: silver ← restricted ← raw
    alice()
        .queryParam("namespace", "file")
        .queryParam("name", fixture.end())
        .queryParam("field", "customer_id")
        .get("/api/v1/lineage/columns")
        .then()
        .statusCode(200)
        .body("", empty());
    admin()
        .queryParam("namespace", "file")
        .queryParam("name", fixture.end())
        .queryParam("field", "customer_id")
        .get("/api/v1/lineage/columns")
        .then()
        .statusCode(200)
        .body("source.name", contains(fixture.start(), fixture.middle()));
    alice()
        .queryParam("namespace", "file")
        .queryParam("name", fixture.start())
        .queryParam("field", "customer_id")
        .queryParam("direction", "downstream")
        .get("/api/v1/lineage/columns")
        .then()
        .statusCode(200)
        .body("", empty());
  }

  @Test
  void runsShowTheirJobOnlyWithAVisibleDatasetAndOnlyVisibleVersions() {
    // enrich read raw.customers and a Kafka topic and wrote restricted.contacts
    spark()
        .get("/api/v1/lineage/runs/" + fixture.enrichRun())
        .then()
        .statusCode(200)
        .body("inputs.name", contains(TOPIC))
        .body("outputs", empty());
    alice()
        .get("/api/v1/lineage/runs/" + fixture.enrichRun())
        .then()
        .statusCode(200)
        .body("inputs.name", contains(fixture.start(), TOPIC))
        .body("inputs.version", contains("11", ""))
        .body("outputs", empty());
    admin()
        .get("/api/v1/lineage/runs/" + fixture.enrichRun())
        .then()
        .statusCode(200)
        .body("inputs.name", contains(fixture.start(), TOPIC))
        .body("outputs.name", contains(fixture.middle()));

    // publish reads restricted and writes silver, none of which nobody may read
    String hidden = fixture.publishRun().toString();
    String unknown = UUID.randomUUID().toString();
    assertThat(notFound(nobody().get("/api/v1/lineage/runs/" + hidden), hidden))
        .isEqualTo(notFound(nobody().get("/api/v1/lineage/runs/" + unknown), unknown));
    Response hiddenJob =
        nobody()
            .queryParam("namespace", JOBS)
            .queryParam("name", PUBLISH)
            .get("/api/v1/lineage/runs");
    Response unknownJob =
        nobody()
            .queryParam("namespace", JOBS)
            .queryParam("name", PUBLISH + "_never")
            .get("/api/v1/lineage/runs");
    assertThat(notFound(hiddenJob, PUBLISH)).isEqualTo(notFound(unknownJob, PUBLISH + "_never"));
    spark()
        .queryParam("namespace", JOBS)
        .queryParam("name", PUBLISH)
        .get("/api/v1/lineage/runs")
        .then()
        .statusCode(200)
        .body("runId", contains(hidden))
        .body("[0].inputs", empty())
        .body("[0].outputs.name", contains(fixture.end()));
  }

  @Test
  void searchShowsOnlyWhatTheReaderMaySee() {
    admin()
        .queryParam("q", TAG)
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body(
            "name",
            containsInAnyOrder(
                fixture.start(),
                fixture.middle(),
                fixture.end(),
                fixture.ghost(),
                TOPIC,
                REPORT,
                ENRICH,
                PUBLISH,
                GHOSTLY,
                "raw.customers_" + TAG + ".commit",
                "restricted.contacts_" + TAG + ".commit",
                "silver.orders_" + TAG + ".commit"));
    spark()
        .queryParam("q", TAG)
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body(
            "name",
            containsInAnyOrder(
                fixture.end(),
                TOPIC,
                REPORT,
                ENRICH,
                PUBLISH,
                GHOSTLY,
                "silver.orders_" + TAG + ".commit"));
    nobody()
        .queryParam("q", TAG)
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body("name", containsInAnyOrder(TOPIC, REPORT, ENRICH, GHOSTLY));
    // the limit counts what the reader sees
    spark()
        .queryParam("q", TAG)
        .queryParam("limit", 1)
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body("name", contains(fixture.end()));
  }

  @Test
  void outsideTheManagedStorageEveryReaderSeesAndInsideOnlyTablesCount() {
    // a report in a bucket the catalog does not manage, and the Kafka topic
    graph(nobody(), ELSEWHERE, REPORT, "upstream")
        .then()
        .statusCode(200)
        .body("nodes.name", contains(REPORT, GHOSTLY));
    graph(nobody(), TOPIC_NS, TOPIC, "downstream")
        .then()
        .statusCode(200)
        .body("nodes.name", contains(TOPIC, ENRICH));

    // a path under the lake that no table holds: the administrator's alone, even where the
    // reader may read the zone it lies in
    String ghost = fixture.ghost();
    String unknown = ghost + "_never_seen";
    assertThat(notFound(graph(alice(), "file", ghost, "downstream"), ghost))
        .isEqualTo(notFound(graph(alice(), "file", unknown, "downstream"), unknown));
    graph(admin(), "file", ghost, "downstream")
        .then()
        .statusCode(200)
        .body("nodes.name", contains(ghost, REPORT, GHOSTLY));

    // a file inside a table is the table's, however its path is spelled
    String table = table("raw", "files_" + OTHER);
    String file = table + "/data/part-00000.parquet";
    String escaped = table.replace("/raw/raw/", "/raw/%72aw/") + "/data/part-00001.parquet";
    writer()
        .body(
            run(
                "COMPLETE",
                UUID.randomUUID(),
                JOBS,
                OTHER + ".compact",
                "2026-01-01T13:00:00Z",
                dataset("file", file, null) + "," + dataset("file", escaped, null),
                ""))
        .post("/api/v1/lineage")
        .then()
        .statusCode(201);
    for (String path : List.of(file, escaped)) {
      graph(alice(), "file", path, "downstream").then().statusCode(200);
      graph(spark(), "file", path, "downstream").then().statusCode(404);
    }
  }

  @Test
  void theCatalogsCommitJobsAreVisibleOnlyWithTheirTable() {
    String commit = "raw.customers_" + TAG + ".commit";
    List<String> runIds =
        alice()
            .queryParam("namespace", "sluice")
            .queryParam("name", commit)
            .get("/api/v1/lineage/runs")
            .then()
            .statusCode(200)
            .extract()
            .path("runId");
    assertThat(runIds).hasSize(1);
    String none = "raw.none_" + TAG + ".commit";
    Response hidden =
        spark()
            .queryParam("namespace", "sluice")
            .queryParam("name", commit)
            .get("/api/v1/lineage/runs");
    Response unknown =
        spark()
            .queryParam("namespace", "sluice")
            .queryParam("name", none)
            .get("/api/v1/lineage/runs");
    assertThat(notFound(hidden, commit)).isEqualTo(notFound(unknown, none));
    spark().get("/api/v1/lineage/runs/" + runIds.get(0)).then().statusCode(404);

    // the catalog sent it: no principal sent it through the API
    List<LineageEventEntity> stored = events.ofRun(runIds.get(0));
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).source).isEqualTo("catalog");
    assertThat(stored.get(0).sender).isNull();
  }

  @Test
  void sendingNeedsTheWriterRoleAndNothingIsStoredWithoutIt() {
    UUID runId = UUID.randomUUID();
    String event =
        run(
            "COMPLETE",
            runId,
            JOBS,
            OTHER + ".unauthorised",
            "2026-01-01T10:00:00Z",
            "",
            dataset(TOPIC_NS, OTHER + "-unauthorised", null));
    for (RequestSpecification sender : List.of(alice(), spark(), nobody())) {
      sender
          .body(event)
          .post("/api/v1/lineage")
          .then()
          .statusCode(403)
          .body("error.type", equalTo("ForbiddenException"))
          .body("error.code", equalTo(403))
          .body("error.message", containsString("only role " + WRITER_ROLE));
    }
    assertThat(events.ofRun(runId.toString())).isEmpty();
    admin()
        .queryParam("q", OTHER + ".unauthorised")
        .get("/api/v1/lineage/search")
        .then()
        .statusCode(200)
        .body("", empty());
    admin()
        .queryParam("principal", "user:alice")
        .queryParam("action", "lineage.ingest")
        .queryParam("decision", "deny")
        .get("/api/v1/audit")
        .then()
        .statusCode(200)
        .body("events.rule", hasItem(containsString(WRITER_ROLE)));

    // with the role it is stored, and the row names who sent it
    writer().body(event).post("/api/v1/lineage").then().statusCode(201);
    List<LineageEventEntity> stored = events.ofRun(runId.toString());
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).source).isEqualTo("api");
    assertThat(stored.get(0).sender).isEqualTo("client:ingest");
    // and the credential it came with: the API token, never its secret
    assertThat(stored.get(0).senderCredential).startsWith("api-token:");
    assertThat(events.ofRun(fixture.enrichRun().toString()))
        .extracting(e -> e.sender)
        .containsExactly("client:ingest");
  }

  @Test
  void nobodyButTheCatalogWritesItsOwnJobs() {
    UUID good = UUID.randomUUID();
    String goodEvent = run("COMPLETE", good, JOBS, OTHER + ".fine", "2026-01-01T10:00:00Z", "", "");
    UUID forged = UUID.randomUUID();
    List<String> forgeries =
        List.of(
            run(
                "COMPLETE",
                forged,
                "sluice",
                "raw.customers_" + TAG + ".commit",
                "2026-01-01T10:00:00Z",
                "",
                dataset("file", fixture.start(), "1")),
            run("COMPLETE", forged, "sluice", "anything", "2026-01-01T10:00:00Z", "", ""),
            run(
                "COMPLETE",
                forged,
                JOBS,
                "sluice:raw.customers_" + TAG + ".commit",
                "2026-01-01T10:00:00Z",
                "",
                ""));
    for (String forgery : forgeries) {
      for (RequestSpecification sender : List.of(writer(), admin())) {
        sender
            .body(forgery)
            .post("/api/v1/lineage")
            .then()
            .statusCode(403)
            .body("error.type", equalTo("ForbiddenException"))
            .body("error.message", containsString("only the catalog writes"));
      }
      // in a batch, the forgery refuses the whole batch
      writer()
          .body("[" + goodEvent + "," + forgery + "]")
          .post("/api/v1/lineage")
          .then()
          .statusCode(403);
    }
    assertThat(events.ofRun(forged.toString())).isEmpty();
    assertThat(events.ofRun(good.toString())).isEmpty();
    admin()
        .queryParam("namespace", "sluice")
        .queryParam("name", "anything")
        .get("/api/v1/lineage/runs")
        .then()
        .statusCode(404);
  }

  @Test
  void aTableCreatedAtAHiddenPathIsSeenWithinTheLookupBound() throws InterruptedException {
    String late = fixture.lake() + "/raw/raw/late_" + OTHER;
    writer()
        .body(
            run(
                "COMPLETE",
                UUID.randomUUID(),
                JOBS,
                OTHER + ".early",
                "2026-01-01T10:00:00Z",
                "",
                dataset("file", late, null)))
        .post("/api/v1/lineage")
        .then()
        .statusCode(201);
    graph(alice(), "file", late, "upstream").then().statusCode(404);

    assertThat(table("raw", "late_" + OTHER)).isEqualTo(late);
    long created = System.nanoTime();
    while (graph(alice(), "file", late, "upstream").statusCode() == 404) {
      // sluice.lineage.table-lookup-ttl is 5 s by default
      assertThat((System.nanoTime() - created) / 1_000_000).isLessThan(7_000);
      Thread.sleep(200);
    }
    graph(alice(), "file", late, "upstream")
        .then()
        .statusCode(200)
        .body("nodes.name", hasItem(OTHER + ".early"));
    graph(spark(), "file", late, "upstream").then().statusCode(404);
  }
}
