package dev.sluice.catalog.asof;

import static dev.sluice.catalog.LocalCatalogs.admin;
import static dev.sluice.catalog.LocalCatalogs.as;
import static dev.sluice.catalog.LocalCatalogs.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.EmbeddedWithPolicy;
import dev.sluice.catalog.LocalCatalogs;
import dev.sluice.catalog.TableWrites;
import dev.sluice.catalog.TestAuthentication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * "Which data did this model train on?" on the embedded server: a table appended to three times
 * (the second after a schema change) and rolled back, with two policy versions applied in between
 * that give it different contracts; the table is asked about at each time, and a training run that
 * read it is asked about through lineage.
 */
@QuarkusTest
@TestProfile(AsOfTest.Profile.class)
class AsOfTest {

  private static final String ZONES =
      """
      apiVersion: sluice.dev/v1
      zones:
        shop:
          namespaces: [shop]
          read: [group:analysts]
          write: [group:loaders]
      """;

  private static final String CONTRACT_A =
      """
      datasets:
        shop.orders:
          contract:
            compatibility: backward
            fields:
              id: {type: bigint}
      """;

  private static final String CONTRACT_B =
      """
      datasets:
        shop.orders:
          contract:
            consumers: [team:ml]
            compatibility: full
            severity: warning
            fields:
              id: {type: bigint}
              name: {type: varchar}
      """;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        return EmbeddedWithPolicy.settings(
            Files.createTempDirectory("sluice-as-of-"), ZONES, Map.of());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** What was done when: built once, by the first test that needs it. */
  record Timeline(
      String location,
      String metadataAtS1,
      long s1,
      Instant s1At,
      long s2,
      Instant s2At,
      int versionA,
      Instant appliedA,
      int versionB,
      Instant appliedB,
      long s3,
      Instant s3At,
      Instant rolledBackAt) {}

  private static Timeline timeline;

  private static synchronized Timeline timeline() throws Exception {
    if (timeline != null) {
      return timeline;
    }
    try (RESTCatalog client = LocalCatalogs.client("as-of", TestAuthentication.ADMIN_TOKEN)) {
      client.createNamespace(Namespace.of("shop"));
      TableIdentifier orders = TableIdentifier.of("shop", "orders");
      Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
      Table table = TableWrites.create(client, orders, schema);
      pause();
      TableWrites.append(table, row(table, 1L));
      table.refresh();
      long s1 = table.currentSnapshot().snapshotId();
      Instant s1At = Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
      String metadataAtS1 = metadata(orders);
      pause();
      JsonPath a = apply(ZONES + CONTRACT_A);
      pause();
      table.updateSchema().addColumn("name", Types.StringType.get()).commit();
      TableWrites.append(table, row(table, 2L));
      table.refresh();
      long s2 = table.currentSnapshot().snapshotId();
      Instant s2At = Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
      pause();
      JsonPath b = apply(ZONES + CONTRACT_B);
      pause();
      TableWrites.append(table, row(table, 3L));
      table.refresh();
      long s3 = table.currentSnapshot().snapshotId();
      Instant s3At = Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
      pause();
      table.manageSnapshots().rollbackTo(s2).commit();
      table.refresh();
      List<HistoryEntry> history = table.history();
      Instant rolledBackAt =
          Instant.ofEpochMilli(history.get(history.size() - 1).timestampMillis());
      assertThat(table.currentSnapshot().snapshotId()).isEqualTo(s2);
      pause();
      timeline =
          new Timeline(
              table.location(),
              metadataAtS1,
              s1,
              s1At,
              s2,
              s2At,
              a.getInt("version.version"),
              OffsetDateTime.parse(a.getString("version.appliedAt")).toInstant(),
              b.getInt("version.version"),
              OffsetDateTime.parse(b.getString("version.appliedAt")).toInstant(),
              s3,
              s3At,
              rolledBackAt);
      return timeline;
    }
  }

  private static void pause() throws InterruptedException {
    Thread.sleep(40);
  }

  private static Record row(Table table, long id) {
    Record row = GenericRecord.create(table.schema());
    row.setField("id", id);
    return row;
  }

  private static String metadata(TableIdentifier table) {
    return admin()
        .get("/v1/namespaces/shop/tables/" + table.name())
        .then()
        .statusCode(200)
        .extract()
        .path("metadata-location");
  }

  private static JsonPath apply(String yaml) {
    return admin()
        .body(Map.of("files", Map.of("sluice.yaml", yaml)))
        .post("/api/v1/policy/apply")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static Instant between(Instant from, Instant to) {
    assertThat(to).as("events a pause apart").isAfter(from.plusMillis(1));
    return from.plusMillis((to.toEpochMilli() - from.toEpochMilli()) / 2);
  }

  private static Response asOf(String dataset, Object time) {
    return admin()
        .queryParam("time", time.toString())
        .get("/api/v1/datasets/" + dataset + "/as-of");
  }

  private static JsonPath answer(Instant time) {
    return asOf("shop.orders", time).then().statusCode(200).extract().jsonPath();
  }

  @Test
  void eachTimeGetsItsSnapshotSchemaAndPolicy() throws Exception {
    Timeline t = timeline();

    // before the first contract was applied the table was under the start-up version, no contract
    JsonPath beforeContracts = answer(between(t.s1At(), t.appliedA()));
    assertThat(beforeContracts.getLong("snapshot.id")).isEqualTo(t.s1());
    assertThat(beforeContracts.getInt("policy.version")).isLessThan(t.versionA());
    assertThat(beforeContracts.getString("policy.contract")).isNull();
    // the metadata file of that time, not the one the answer was read from
    assertThat(beforeContracts.getString("metadataLocation")).isEqualTo(t.metadataAtS1());
    assertThat(beforeContracts.getString("readFromMetadataLocation"))
        .isEqualTo(metadata(TableIdentifier.of("shop", "orders")))
        .isNotEqualTo(t.metadataAtS1());

    JsonPath first = answer(between(t.appliedA(), t.s2At()));
    assertThat(first.getString("dataset")).isEqualTo("shop.orders");
    assertThat(first.getLong("snapshot.id")).isEqualTo(t.s1());
    assertThat(Instant.parse(first.getString("snapshot.timestamp"))).isEqualTo(t.s1At());
    assertThat(first.getString("snapshot.operation")).isEqualTo("append");
    assertThat(first.getInt("schemaId")).isEqualTo(0);
    assertThat(first.getList("schema.fields.name")).containsExactly("id");
    assertThat(first.getInt("policy.version")).isEqualTo(t.versionA());
    assertThat(first.getString("policy.contentHash")).hasSize(64);
    assertThat(first.getString("policy.contract.summary")).isEqualTo("backward, error, 1 field");
    assertThat(first.getString("policy.contract.origin")).matches("sluice\\.yaml:\\d+:\\d+");
    assertThat(first.getList("policy.contract.fields")).containsExactly("id");

    // the schema changed before the second append
    JsonPath second = answer(between(t.s2At(), t.appliedB()));
    assertThat(second.getLong("snapshot.id")).isEqualTo(t.s2());
    assertThat(second.getLong("snapshot.parentId")).isEqualTo(t.s1());
    assertThat(second.getInt("schemaId")).isEqualTo(1);
    assertThat(second.getList("schema.fields.name")).containsExactly("id", "name");
    assertThat(second.getInt("policy.version")).isEqualTo(t.versionA());

    // the same snapshot under the next policy version and its contract
    JsonPath underB = answer(between(t.appliedB(), t.s3At()));
    assertThat(underB.getLong("snapshot.id")).isEqualTo(t.s2());
    assertThat(underB.getInt("policy.version")).isEqualTo(t.versionB());
    assertThat(underB.getString("policy.contentHash"))
        .isNotEqualTo(first.getString("policy.contentHash"));
    assertThat(underB.getString("policy.contract.summary")).isEqualTo("full, warning, 2 fields");
    assertThat(underB.getList("policy.contract.consumers")).containsExactly("team:ml");
    assertThat(underB.getList("policy.contract.fields")).containsExactly("id", "name");

    JsonPath third = answer(between(t.s3At(), t.rolledBackAt()));
    assertThat(third.getLong("snapshot.id")).isEqualTo(t.s3());
    assertThat(third.getInt("policy.version")).isEqualTo(t.versionB());

    // after the rollback the main branch is at the second snapshot again, though the third is newer
    for (Instant time : List.of(t.rolledBackAt(), Instant.now())) {
      JsonPath rolledBack = answer(time);
      assertThat(rolledBack.getLong("snapshot.id")).isEqualTo(t.s2());
      assertThat(rolledBack.getInt("schemaId")).isEqualTo(1);
      assertThat(rolledBack.getString("metadataLocation"))
          .isEqualTo(rolledBack.getString("readFromMetadataLocation"));
    }
  }

  @Test
  void beforeTheFirstSnapshotThereIsNothingToAnswer() throws Exception {
    Timeline t = timeline();

    assertRefused(
        asOf("shop.orders", t.s1At().minusMillis(1)), 404, "NotFoundException", "had no snapshot");
    try (RESTCatalog client = LocalCatalogs.client("as-of", TestAuthentication.ADMIN_TOKEN)) {
      client.createTable(
          TableIdentifier.of("shop", "empty"),
          new Schema(Types.NestedField.optional(1, "id", Types.LongType.get())));
    }
    assertRefused(asOf("shop.empty", Instant.now()), 404, "NotFoundException", "has no snapshot");
  }

  @Test
  void malformedTimesAndNamesAreBadRequests() throws Exception {
    Timeline t = timeline();
    Instant inside = between(t.s1At(), t.s2At());

    assertRefused(
        asOf("shop.orders", Instant.now().plusSeconds(3600)),
        400,
        "BadRequestException",
        "in the future");
    assertRefused(
        asOf("shop.orders", "yesterday"), 400, "BadRequestException", "2026-11-30T08:00:00Z");
    assertRefused(
        asOf("shop.orders", "2026-11-30T08:00:00"), 400, "BadRequestException", "ISO-8601");
    assertRefused(
        admin().get("/api/v1/datasets/shop.orders/as-of"),
        400,
        "BadRequestException",
        "Missing query parameter time");
    assertRefused(asOf("shop.nope", inside), 404, "NoSuchTableException", "shop.nope");

    // names as an attacker sends them: encoded dots and quotes, empty levels, control characters,
    // '..' as a level, one level far beyond the limit
    for (String raw :
        List.of(
            "orders",
            "shop..orders",
            "%2Eorders",
            "shop%2E%2Eorders",
            "shop.",
            "shop.%22orders",
            "shop.%22..%22",
            "shop.%00x",
            "shop.a%0Ab",
            "shop." + "x".repeat(1100))) {
      Response response =
          admin()
              .urlEncodingEnabled(false)
              .queryParam("time", inside.toString())
              .get("/api/v1/datasets/" + raw + "/as-of");
      assertRefused(response, 400, "BadRequestException", "Invalid dataset");
    }
    // an encoded dot is a dot, a quoted level holding one is one level
    assertThat(
            admin()
                .urlEncodingEnabled(false)
                .queryParam("time", inside.toString())
                .get("/api/v1/datasets/shop%2Eorders/as-of")
                .then()
                .statusCode(200)
                .extract()
                .<Long>path("snapshot.id"))
        .isEqualTo(t.s1());
    assertRefused(
        admin()
            .urlEncodingEnabled(false)
            .queryParam("time", inside.toString())
            .get("/api/v1/datasets/%22shop.orders%22.x/as-of"),
        404,
        "NoSuchTableException",
        "\"shop.orders\".x");
    // a name longer than the request line the server accepts is refused before it, never a 5xx
    int status =
        admin()
            .urlEncodingEnabled(false)
            .get("/api/v1/datasets/shop." + "y".repeat(20_000) + "/as-of")
            .statusCode();
    assertThat(status).isBetween(400, 499);
  }

  @Test
  void onlyReadersOfTheTableGetAnAnswer() throws Exception {
    Timeline t = timeline();
    Instant inside = between(t.s1At(), t.s2At());
    String reader = TestAuthentication.tokenFor("user:ann", List.of("analysts"), List.of());
    String writer = TestAuthentication.tokenFor("user:lou", List.of("loaders"), List.of());
    String stranger = TestAuthentication.tokenFor("user:eve", List.of(), List.of());

    assertThat(
            as(reader)
                .queryParam("time", inside.toString())
                .get("/api/v1/datasets/shop.orders/as-of")
                .then()
                .statusCode(200)
                .extract()
                .<Long>path("snapshot.id"))
        .isEqualTo(t.s1());
    for (String token : List.of(writer, stranger)) {
      assertRefused(
          as(token).queryParam("time", inside.toString()).get("/api/v1/datasets/shop.orders/as-of"),
          403,
          "ForbiddenException",
          "may not table.as-of shop.orders");
    }
    // a table that does not exist is refused alike: the answer tells nothing of existence
    assertRefused(
        as(stranger).queryParam("time", inside.toString()).get("/api/v1/datasets/shop.nope/as-of"),
        403,
        "ForbiddenException",
        "shop.nope");
    assertThat(
            admin()
                .queryParam("action", "table.as-of")
                .queryParam("principal", "user:eve")
                .queryParam("decision", "deny")
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .<List<String>>path("events.resource"))
        .contains("shop.orders", "shop.nope");
    assertRefused(
        given401().queryParam("time", inside.toString()).get("/api/v1/datasets/shop.orders/as-of"),
        401,
        "NotAuthorizedException",
        "");
  }

  private static io.restassured.specification.RequestSpecification given401() {
    return as("sluice_not_a_token_0123456789abcdefghijkl");
  }

  // ---- runs ----

  private static String tableDataset(Timeline t, String version) {
    return dataset("file", URI.create(t.location()).getPath(), version);
  }

  private static String dataset(String namespace, String name, String version) {
    String facets =
        version == null
            ? "{}"
            : """
            {"version":{"_producer":"https://example.com/trainer",\
            "_schemaURL":"https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json",\
            "datasetVersion":"%s"}}"""
                .formatted(version);
    return """
        {"namespace":"%s","name":"%s","facets":%s}"""
        .formatted(namespace, name, facets);
  }

  private static void post(String type, UUID run, Instant time, String... inputs) {
    String event =
        """
        {"eventType":"%s","eventTime":"%s","producer":"https://example.com/trainer",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"ml","name":"train-fraud-model"},
         "inputs":[%s],"outputs":[]}"""
            .formatted(type, time, run, String.join(",", inputs));
    admin().body(event).post("/api/v1/lineage").then().statusCode(201);
  }

  private static JsonPath runAsOf(String token, UUID run) {
    return as(token)
        .get("/api/v1/lineage/runs/" + run + "/as-of")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void aTrainingRunsInputsAsTheyWereWhenItRan() throws Exception {
    Timeline t = timeline();
    String warehouse =
        ConfigProvider.getConfig().getValue("sluice.warehouse.location", String.class);
    UUID run = UUID.randomUUID();
    Instant ranAt = between(t.appliedB(), t.s3At());
    post(
        "COMPLETE",
        run,
        ranAt,
        tableDataset(t, String.valueOf(t.s2())),
        dataset("kafka://broker:9092", "clicks", null),
        dataset("postgres", "shop.public.orders", null),
        dataset("file", URI.create(warehouse).getPath() + "/shop/not_a_table", null));

    JsonPath answer = runAsOf(TestAuthentication.ADMIN_TOKEN, run);
    assertThat(answer.getString("runId")).isEqualTo(run.toString());
    assertThat(answer.getString("job.name")).isEqualTo("train-fraud-model");
    assertThat(answer.getString("state")).isEqualTo("COMPLETE");
    // only the end was reported
    assertThat(answer.getString("timeFrom")).isEqualTo("end");
    assertThat(Instant.parse(answer.getString("time"))).isEqualTo(ranAt);
    List<Map<String, Object>> inputs = answer.getList("inputs");
    assertThat(inputs).hasSize(4);

    Map<String, Object> orders = input(answer, "name", URI.create(t.location()).getPath());
    assertThat(orders.get("table")).isEqualTo("shop.orders");
    assertThat(orders.get("reportedVersion")).isEqualTo(String.valueOf(t.s2()));
    assertThat(orders.get("snapshotFrom")).isEqualTo("reported");
    assertThat(((Number) orders.get("snapshotAtTime")).longValue()).isEqualTo(t.s2());
    assertThat(orders.get("agrees")).isEqualTo(true);
    assertThat(orders.get("reason")).isNull();
    JsonPath ordersAsOf = JsonPath.from(toJson(orders.get("asOf")));
    assertThat(ordersAsOf.getLong("snapshot.id")).isEqualTo(t.s2());
    assertThat(ordersAsOf.getList("schema.fields.name")).containsExactly("id", "name");
    assertThat(ordersAsOf.getInt("policy.version")).isEqualTo(t.versionB());
    assertThat(ordersAsOf.getString("policy.contract.summary"))
        .isEqualTo("full, warning, 2 fields");

    Map<String, Object> clicks = input(answer, "name", "clicks");
    assertThat(clicks.get("table")).isNull();
    assertThat(clicks.get("asOf")).isNull();
    assertThat((String) clicks.get("reason")).contains("not a catalog table");

    assertThat((String) input(answer, "namespace", "postgres").get("reason"))
        .contains("names no bucket or file system");

    Map<String, Object> stray =
        input(answer, "name", URI.create(warehouse).getPath() + "/shop/not_a_table");
    assertThat(stray.get("table")).isNull();
    assertThat((String) stray.get("reason")).contains("no table of the catalog holds");
  }

  @Test
  void aReportedSnapshotWinsAndADisagreementIsSaid() throws Exception {
    Timeline t = timeline();
    UUID run = UUID.randomUUID();
    Instant startedAt = between(t.appliedB(), t.s3At());
    // the engine read the first snapshot (time travel) though the second was current
    post("START", run, startedAt, tableDataset(t, null));
    post("COMPLETE", run, t.rolledBackAt(), tableDataset(t, String.valueOf(t.s1())));

    JsonPath answer = runAsOf(TestAuthentication.ADMIN_TOKEN, run);
    assertThat(answer.getString("timeFrom")).isEqualTo("start");
    assertThat(Instant.parse(answer.getString("time"))).isEqualTo(startedAt);
    assertThat(answer.getList("inputs")).hasSize(1);
    assertThat(answer.getString("inputs[0].snapshotFrom")).isEqualTo("reported");
    assertThat(answer.getLong("inputs[0].asOf.snapshot.id")).isEqualTo(t.s1());
    assertThat(answer.getInt("inputs[0].asOf.schemaId")).isEqualTo(0);
    assertThat(answer.getLong("inputs[0].snapshotAtTime")).isEqualTo(t.s2());
    assertThat(answer.getBoolean("inputs[0].agrees")).isFalse();
    assertThat(answer.getString("inputs[0].note"))
        .contains("reported snapshot " + t.s1())
        .contains("snapshot " + t.s2() + " was the main branch's");
    // the policy is the one active when the run ran
    assertThat(answer.getInt("inputs[0].asOf.policy.version")).isEqualTo(t.versionB());

    // a version that is no snapshot of the table is answered by time, and said so
    UUID odd = UUID.randomUUID();
    post("COMPLETE", odd, startedAt, tableDataset(t, "v-42"));
    JsonPath byTime = runAsOf(TestAuthentication.ADMIN_TOKEN, odd);
    assertThat(byTime.getString("inputs[0].snapshotFrom")).isEqualTo("time");
    assertThat(byTime.getLong("inputs[0].asOf.snapshot.id")).isEqualTo(t.s2());
    assertThat(byTime.getString("inputs[0].note")).contains("v-42 is not a snapshot");
  }

  @Test
  void aRunShowsEachCallerOnlyWhatItMayRead() throws Exception {
    Timeline t = timeline();
    UUID run = UUID.randomUUID();
    post(
        "COMPLETE",
        run,
        between(t.s1At(), t.s2At()),
        tableDataset(t, String.valueOf(t.s1())),
        dataset("kafka://broker:9092", "clicks", null));
    String reader = TestAuthentication.tokenFor("user:ann", List.of("analysts"), List.of());
    String writer = TestAuthentication.tokenFor("user:lou", List.of("loaders"), List.of());
    String stranger = TestAuthentication.tokenFor("user:eve", List.of(), List.of());

    JsonPath read = runAsOf(reader, run);
    assertThat(read.getList("inputs")).hasSize(2);
    assertThat(input(read, "table", "shop.orders").get("asOf")).isNotNull();

    // a writer sees the table in lineage but may not read it: listed with the refusal
    Map<String, Object> refused = input(runAsOf(writer, run), "table", "shop.orders");
    assertThat(refused.get("asOf")).isNull();
    assertThat((String) refused.get("reason")).contains("may not table.as-of shop.orders");

    // a stranger does not see the table at all, as lineage answers it
    JsonPath hidden = runAsOf(stranger, run);
    assertThat(hidden.getList("inputs.name")).containsExactly("clicks");

    assertRefused(
        admin().get("/api/v1/lineage/runs/" + UUID.randomUUID() + "/as-of"),
        404,
        "NotFoundException",
        "Run does not exist");
    assertRefused(
        admin().get("/api/v1/lineage/runs/not-a-run/as-of"), 400, "BadRequestException", "UUID");
    // the run itself is still served by the lineage API
    admin().get("/api/v1/lineage/runs/" + run).then().statusCode(200);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> input(JsonPath answer, String key, String value) {
    List<Map<String, Object>> inputs = answer.getList("inputs");
    return inputs.stream()
        .filter(i -> value.equals(i.get(key)))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no input with " + key + " " + value + ": " + inputs));
  }

  private static String toJson(Object value) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
