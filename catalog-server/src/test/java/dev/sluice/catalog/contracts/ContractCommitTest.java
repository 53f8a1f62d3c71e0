package dev.sluice.catalog.contracts;

import static dev.sluice.catalog.LocalCatalogs.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.EmbeddedWithPolicy;
import dev.sluice.catalog.LocalCatalogs;
import dev.sluice.catalog.TestAuthentication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commits through the Iceberg REST client held to the contracts of a policy: creates, schema
 * changes, multi-table transactions and appends whose manifests carry metrics. A refusal is 422
 * with the rule, its position and the consumers, and leaves the table as it was.
 */
@QuarkusTest
@TestProfile(ContractCommitTest.Profile.class)
class ContractCommitTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        return EmbeddedWithPolicy.settings(
            Files.createTempDirectory("sluice-contracts-"),
            """
            apiVersion: sluice.dev/v1
            zones:
              shop:
                namespaces: [shop]
                read: [group:analysts]
                write: [group:analysts]
                contract:
                  consumers: [team:bi]
            datasets:
              %s
              shop.events_tx:
                contract:
                  compatibility: full
                  severity: warning
                  fields:
                    event_id: {type: bigint, nullable: false}
              shop.events:
                contract:
                  compatibility: full
                  severity: warning
                  fields:
                    event_id: {type: bigint, nullable: false}
            """
                .formatted(orders()),
            Map.of("sluice.alerts.webhook-url", "http://127.0.0.1:" + HOOK_PORT + "/alerts"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The same contract on every orders table, one per test. */
  private static String orders() {
    StringBuilder yaml = new StringBuilder();
    for (String name :
        List.of(
            "orders",
            "orders_drop",
            "orders_tx",
            "orders_nulls",
            "orders_missing",
            "orders_moved_in",
            "orders_registered",
            "orders_tx2",
            "orders_staying")) {
      yaml.append(
          """
            shop.%s:
              contract:
                consumers: [team:finance]
                compatibility: backward
                fields:
                  order_id: {type: bigint, nullable: false}
                  amount: {type: "decimal(10,2)", valid-range: [0, 10000]}
          """
              .formatted(name));
    }
    return yaml.toString().strip();
  }

  private static final Schema ORDERS =
      new Schema(
          Types.NestedField.optional(1, "order_id", Types.LongType.get()),
          Types.NestedField.optional(2, "amount", Types.DecimalType.of(10, 2)),
          Types.NestedField.optional(3, "note", Types.StringType.get()));

  private static final int HOOK_PORT = freePort();
  private static final List<String> RECEIVED = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static com.sun.net.httpserver.HttpServer hook;

  private RESTCatalog client;

  private static int freePort() {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The alert webhook: records every body it is sent. */
  @org.junit.jupiter.api.BeforeAll
  static void listen() throws IOException {
    hook =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), HOOK_PORT),
            0);
    hook.createContext(
        "/alerts",
        exchange -> {
          String body =
              new String(
                  exchange.getRequestBody().readAllBytes(),
                  java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
          // counted once answered, so the delivery is complete when the test sees it
          RECEIVED.add(body);
        });
    hook.start();
  }

  @org.junit.jupiter.api.AfterAll
  static void stopListening() {
    hook.stop(0);
  }

  @BeforeEach
  void connect() {
    client = LocalCatalogs.client("contracts", TestAuthentication.ADMIN_TOKEN);
    if (!client.namespaceExists(Namespace.of("shop"))) {
      client.createNamespace(Namespace.of("shop"));
    }
  }

  @AfterEach
  void close() throws IOException {
    client.close();
  }

  @Test
  void aCreateMissingADeclaredFieldIsRefusedAndNoTableExists() {
    TableIdentifier orders = TableIdentifier.of("shop", "orders");
    Schema withoutAmount =
        new Schema(Types.NestedField.optional(1, "order_id", Types.LongType.get()));

    assertThatThrownBy(() -> client.createTable(orders, withoutAmount))
        .isInstanceOf(RESTException.class)
        .hasMessageContaining("Unable to process")
        .hasMessageContaining("declared-field")
        .hasMessageContaining("'amount'")
        .hasMessageContaining("sluice.yaml:");
    assertThat(client.tableExists(orders)).isFalse();
  }

  @Test
  void aDroppedDeclaredFieldIsRefusedWith422AndTheTableIsUnchanged() {
    Table table = ordersTable("orders_drop");

    assertThatThrownBy(() -> table.updateSchema().deleteColumn("amount").commit())
        .isInstanceOf(RESTException.class)
        .hasMessageContaining("drop-field")
        .hasMessageContaining("'amount'")
        .hasMessageContaining("team:finance (declared)")
        .hasMessageContaining("team:bi (declared)");

    // the REST answer itself: 422 with the contract's error type
    JsonPath refused =
        admin()
            .urlEncodingEnabled(false)
            .body(
                """
                {"requirements": [{"type": "assert-current-schema-id", "current-schema-id": 0}],
                 "updates": [
                   {"action": "add-schema", "last-column-id": 3, "schema":
                     {"type": "struct", "schema-id": 1, "fields": [
                       {"id": 1, "name": "order_id", "required": false, "type": "long"},
                       {"id": 3, "name": "note", "required": false, "type": "string"}]}},
                   {"action": "set-current-schema", "schema-id": -1}]}
                """)
            .post("/v1/namespaces/shop/tables/orders_drop")
            .then()
            .statusCode(422)
            .extract()
            .jsonPath();
    assertThat(refused.getInt("error.code")).isEqualTo(422);
    assertThat(refused.getString("error.type")).isEqualTo("ContractViolationException");
    assertThat(refused.getString("error.message"))
        .contains("refused by its data contract")
        .contains("drop-field at sluice.yaml:");

    Table reloaded = client.loadTable(id("orders_drop"));
    assertThat(reloaded.schema().findField("amount")).isNotNull();
    assertThat(reloaded.schemas()).hasSize(1);
  }

  @Test
  void aCompatibleChangePassesAndABreakingOneRefusesTheWholeTransaction() {
    Table orders = ordersTable("orders_tx");
    orders.updateSchema().addColumn("channel", Types.StringType.get()).commit();
    assertThat(client.loadTable(id("orders_tx")).schema().findField("channel")).isNotNull();

    TableIdentifier free = TableIdentifier.of("shop", "free_tx");
    client.createTable(free, ORDERS);
    String freeBefore = metadataLocation(free);
    String ordersBefore = metadataLocation(id("orders_tx"));
    JsonPath refused =
        admin()
            .body(
                """
                {"table-changes": [
                  {"identifier": {"namespace": ["shop"], "name": "free_tx"},
                   "requirements": [],
                   "updates": [{"action": "set-properties", "updates": {"touched": "yes"}}]},
                  {"identifier": {"namespace": ["shop"], "name": "orders_tx"},
                   "requirements": [{"type": "assert-current-schema-id", "current-schema-id": 1}],
                   "updates": [
                     {"action": "add-schema", "last-column-id": 4, "schema":
                       {"type": "struct", "schema-id": 2, "fields": [
                         {"id": 1, "name": "id", "required": false, "type": "long"},
                         {"id": 2, "name": "amount", "required": false, "type": "decimal(10, 2)"},
                         {"id": 3, "name": "note", "required": false, "type": "string"},
                         {"id": 4, "name": "channel", "required": false, "type": "string"}]}},
                     {"action": "set-current-schema", "schema-id": -1}]}]}
                """)
            .post("/v1/transactions/commit")
            .then()
            .statusCode(422)
            .extract()
            .jsonPath();

    assertThat(refused.getString("error.message")).contains("rename-field").contains("'order_id'");
    // neither table moved, although the first change alone was allowed
    assertThat(metadataLocation(free)).isEqualTo(freeBefore);
    assertThat(metadataLocation(id("orders_tx"))).isEqualTo(ordersBefore);
  }

  @Test
  void anAppendWhoseMetricsProveNullsInARequiredFieldIsRefused() {
    Table orders = ordersTable("orders_nulls");
    DataFile clean = file(orders, "clean", 0L, 5L, 9000L);
    orders.newAppend().appendFile(clean).commit();
    long snapshot = client.loadTable(id("orders_nulls")).currentSnapshot().snapshotId();

    DataFile withNulls = file(orders, "nulls", 3L, 5L, 100L);
    assertThatThrownBy(
            () -> client.loadTable(id("orders_nulls")).newAppend().appendFile(withNulls).commit())
        .isInstanceOf(RESTException.class)
        .hasMessageContaining("nullable")
        .hasMessageContaining("order_id")
        .hasMessageContaining(withNulls.location());
    DataFile tooLarge = file(orders, "large", 0L, 5L, 20000L);
    assertThatThrownBy(
            () -> client.loadTable(id("orders_nulls")).newAppend().appendFile(tooLarge).commit())
        .isInstanceOf(RESTException.class)
        .hasMessageContaining("valid-range")
        .hasMessageContaining("amount");

    assertThat(client.loadTable(id("orders_nulls")).currentSnapshot().snapshotId())
        .isEqualTo(snapshot);
    List<Map<String, Object>> findings =
        admin()
            .get("/api/v1/contracts/findings?dataset=shop.orders_nulls&outcome=refused")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    assertThat(findings).extracting(f -> f.get("rule")).contains("nullable", "valid-range");
  }

  @Test
  void aSnapshotWhoseManifestListIsMissingIsRefusedAsBadRequest() {
    String location = ordersTable("orders_missing").location();
    String before = metadataLocation(id("orders_missing"));

    JsonPath refused =
        admin()
            .body(
                """
                {"requirements": [{"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": null}],
                 "updates": [
                   {"action": "add-snapshot", "snapshot": {"snapshot-id": 42, "sequence-number": 1,
                     "timestamp-ms": 1764489600000, "schema-id": 0,
                     "manifest-list": "%s/metadata/snap-42-missing.avro",
                     "summary": {"operation": "append"}}},
                   {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": 42}]}
                """
                    .formatted(location))
            .post("/v1/namespaces/shop/tables/orders_missing")
            .then()
            .statusCode(400)
            .extract()
            .jsonPath();

    assertThat(refused.getString("error.type")).isEqualTo("BadRequestException");
    assertThat(refused.getString("error.message")).contains("against its contract");
    assertThat(metadataLocation(id("orders_missing"))).isEqualTo(before);
  }

  @Test
  void aWarningContractAcceptsTheAppendAndRecordsWhatItFound() {
    TableIdentifier events = TableIdentifier.of("shop", "events");
    Table table =
        client.createTable(
            events, new Schema(Types.NestedField.optional(1, "event_id", Types.LongType.get())));
    DataFile nulls =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(table.location() + "/data/nulls.parquet")
            .withFileSizeInBytes(100)
            .withFormat("parquet")
            .withMetrics(new Metrics(4L, null, Map.of(1, 4L), Map.of(1, 2L), null))
            .build();
    DataFile noMetrics =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(table.location() + "/data/bare.parquet")
            .withFileSizeInBytes(100)
            .withFormat("parquet")
            .withRecordCount(4)
            .build();

    table.newAppend().appendFile(nulls).appendFile(noMetrics).commit();

    assertThat(client.loadTable(events).currentSnapshot()).isNotNull();
    JsonPath found =
        admin()
            .get("/api/v1/contracts/findings?dataset=shop.events")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(found.getList("outcome")).contains("WARNED", "UNCHECKED");
    assertThat(found.getList("file")).contains(nulls.location());
    assertThat(found.getList("rule")).contains("nullable");
    // and the alert webhook hears of it once
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (RECEIVED.stream().noneMatch(b -> b.contains("shop.events"))
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<String> alerts = RECEIVED.stream().filter(b -> b.contains("shop.events")).toList();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0))
        .contains("\"kind\":\"contract-warning\"")
        .contains("\"rule\":\"nullable\"")
        .contains(nulls.location());
  }

  @Test
  void theFindingsApiIsForAdministratorsAndRefusesBadFilters() {
    LocalCatalogs.assertRefused(
        admin().get("/api/v1/contracts/findings?limit=0"),
        400,
        "IllegalArgumentException",
        "limit");
    LocalCatalogs.assertRefused(
        admin().get("/api/v1/contracts/findings?outcome=lost"),
        400,
        "IllegalArgumentException",
        "refused, warned or unchecked");
    String analyst = TestAuthentication.tokenFor("user:ana", List.of("analysts"), List.of());
    LocalCatalogs.assertRefused(
        LocalCatalogs.as(analyst).get("/api/v1/contracts/findings"),
        403,
        "ForbiddenException",
        "admin.contracts.findings");
  }

  @Test
  void renamesMayNotTakeAContractedTableAwayNorBringInOneThatBreaksTheContract() {
    Namespace scratch = Namespace.of("scratch");
    if (!client.namespaceExists(scratch)) {
      client.createNamespace(scratch);
    }
    ordersTable("orders_staying");
    assertThatThrownBy(
            () -> client.renameTable(id("orders_staying"), TableIdentifier.of(scratch, "gone")))
        .hasMessageContaining("rename-table")
        .hasMessageContaining("team:bi (declared)");
    assertThat(client.tableExists(id("orders_staying"))).isTrue();

    TableIdentifier bare = TableIdentifier.of(scratch, "bare");
    client.createTable(
        bare, new Schema(Types.NestedField.optional(1, "order_id", Types.LongType.get())));
    assertThatThrownBy(() -> client.renameTable(bare, id("orders_moved_in")))
        .hasMessageContaining("declared-field")
        .hasMessageContaining("'amount'");
    assertThat(client.tableExists(bare)).isTrue();
    assertThat(client.tableExists(id("orders_moved_in"))).isFalse();

    // both names under the zone's default contract: consumers are promised the same
    client.createTable(id("zone_only"), ORDERS);
    client.renameTable(id("zone_only"), id("zone_only_renamed"));
    assertThat(client.tableExists(id("zone_only_renamed"))).isTrue();
    // a table that does not exist is not found, whatever contracts its names carry
    LocalCatalogs.assertRefused(
        admin()
            .body(
                "{\"source\": {\"namespace\": [\"shop\"], \"name\": \"orders_never\"},"
                    + " \"destination\": {\"namespace\": [\"scratch\"], \"name\": \"x\"}}")
            .post("/v1/tables/rename"),
        404,
        "NoSuchTableException",
        "orders_never");
  }

  @Test
  void registeringOverAContractedTableIsHeldToItsContract() throws IOException {
    Table table = ordersTable("orders_registered");
    String before = metadataLocation(id("orders_registered"));
    // a metadata file the caller wrote: the same table without its declared amount column
    TableMetadata current = ((HasTableOperations) table).operations().current();
    Schema withoutAmount =
        new Schema(
            Types.NestedField.optional(1, "order_id", Types.LongType.get()),
            Types.NestedField.optional(3, "note", Types.StringType.get()));
    TableMetadata edited =
        TableMetadata.buildFrom(current).setCurrentSchema(withoutAmount, 3).build();
    String file = table.location() + "/metadata/99999-registered.metadata.json";
    TableMetadataParser.write(
        edited, org.apache.iceberg.Files.localOutput(LocalCatalogs.local(file).toFile()));

    JsonPath refused =
        admin()
            .body(
                "{\"name\": \"orders_registered\", \"metadata-location\": \""
                    + file
                    + "\", \"overwrite\": true}")
            .post("/v1/namespaces/shop/register")
            .then()
            .statusCode(422)
            .extract()
            .jsonPath();

    assertThat(refused.getString("error.message")).contains("drop-field").contains("'amount'");
    assertThat(metadataLocation(id("orders_registered"))).isEqualTo(before);
  }

  @Test
  void aRefusedTransactionRecordsNoWarningForItsOtherTables() {
    ordersTable("orders_tx2");
    TableIdentifier events = TableIdentifier.of("shop", "events_tx");
    client.createTable(
        events, new Schema(Types.NestedField.optional(1, "event_id", Types.LongType.get())));
    long warnedBefore = findings("shop.events_tx", "warned");

    admin()
        .body(
            """
            {"table-changes": [
              {"identifier": {"namespace": ["shop"], "name": "events_tx"},
               "requirements": [{"type": "assert-current-schema-id", "current-schema-id": 0}],
               "updates": [
                 {"action": "add-schema", "last-column-id": 1, "schema":
                   {"type": "struct", "schema-id": 1, "fields": [
                     {"id": 1, "name": "id", "required": false, "type": "long"}]}},
                 {"action": "set-current-schema", "schema-id": -1}]},
              {"identifier": {"namespace": ["shop"], "name": "orders_tx2"},
               "requirements": [{"type": "assert-current-schema-id", "current-schema-id": 0}],
               "updates": [
                 {"action": "add-schema", "last-column-id": 3, "schema":
                   {"type": "struct", "schema-id": 1, "fields": [
                     {"id": 1, "name": "id", "required": false, "type": "long"},
                     {"id": 2, "name": "amount", "required": false, "type": "decimal(10, 2)"},
                     {"id": 3, "name": "note", "required": false, "type": "string"}]}},
                 {"action": "set-current-schema", "schema-id": -1}]}]}
            """)
        .post("/v1/transactions/commit")
        .then()
        .statusCode(422);

    // events_tx's rename would only have warned, but nothing landed: nothing is on record for it
    assertThat(findings("shop.events_tx", "warned")).isEqualTo(warnedBefore);
    assertThat(findings("shop.orders_tx2", "refused")).isPositive();
  }

  private static long findings(String dataset, String outcome) {
    return admin()
        .get("/api/v1/contracts/findings?dataset=" + dataset + "&outcome=" + outcome)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("$")
        .size();
  }

  private static TableIdentifier id(String name) {
    return TableIdentifier.of("shop", name);
  }

  private Table ordersTable(String name) {
    return client.createTable(id(name), ORDERS);
  }

  private static String metadataLocation(TableIdentifier table) {
    return admin()
        .get("/v1/namespaces/" + table.namespace() + "/tables/" + table.name())
        .then()
        .statusCode(200)
        .extract()
        .path("metadata-location");
  }

  /** A data file the way a writer describes it: record count, null counts and amount bounds. */
  private static DataFile file(Table table, String name, long nulls, long rows, long maxAmount) {
    java.math.BigDecimal max = java.math.BigDecimal.valueOf(maxAmount, 0).setScale(2);
    java.math.BigDecimal min = java.math.BigDecimal.ONE.setScale(2);
    Types.DecimalType decimal = Types.DecimalType.of(10, 2);
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/" + name + ".parquet")
        .withFileSizeInBytes(100)
        .withFormat("parquet")
        .withMetrics(
            new Metrics(
                rows,
                null,
                Map.of(1, rows, 2, rows),
                Map.of(1, nulls, 2, 0L),
                null,
                Map.of(2, Conversions.toByteBuffer(decimal, min)),
                Map.of(2, Conversions.toByteBuffer(decimal, max))))
        .build();
  }
}
