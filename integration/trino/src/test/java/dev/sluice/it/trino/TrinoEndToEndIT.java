package dev.sluice.it.trino;

import static dev.sluice.it.trino.TrinoStack.rows;
import static dev.sluice.it.trino.TrinoStack.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Trino 476 through trino-jdbc against the packaged Sluice on PostgreSQL with an {@code s3://}
 * warehouse on S3Proxy. Each test works in its own schema, so the tests do not depend on each
 * other's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoEndToEndIT {
  private TrinoStack stack;

  @BeforeAll
  void startStack() throws Exception {
    stack = TrinoStack.shared();
  }

  @Test
  void createsSchemaAndPartitionedTableThatSluiceServes() throws Exception {
    try (Connection trino = stack.connect()) {
      createSchema(trino, "sales");
      update(
          trino,
          "CREATE TABLE sales.orders (order_id bigint, region varchar, amount decimal(10,2),"
              + " order_date date)"
              + " WITH (partitioning = ARRAY['region', 'day(order_date)'])");

      assertThat(rows(trino, "SHOW SCHEMAS LIKE 'sales'")).containsExactly("sales");
      assertThat(rows(trino, "SHOW TABLES FROM sales")).containsExactly("orders");

      // Sluice holds the namespace and the table, with the partition spec Trino asked for
      JsonNode namespaces = stack.sluiceGet("/v1/namespaces");
      assertThat(namespaces.get("namespaces").toString()).contains("[\"sales\"]");
      JsonNode tables = stack.sluiceGet("/v1/namespaces/sales/tables");
      assertThat(tables.get("identifiers").toString())
          .isEqualTo("[{\"namespace\":[\"sales\"],\"name\":\"orders\"}]");
      JsonNode metadata = stack.sluiceGet("/v1/namespaces/sales/tables/orders").get("metadata");
      assertThat(metadata.get("format-version").asInt()).isEqualTo(2);
      String location = metadata.get("location").asText();
      assertThat(location).startsWith(TrinoStack.WAREHOUSE_LOCATION + "sales/orders");
      JsonNode spec = defaultSpec(metadata);
      assertThat(spec.get("fields").size()).isEqualTo(2);
      assertThat(spec.get("fields").get(0).get("transform").asText()).isEqualTo("identity");
      assertThat(spec.get("fields").get(0).get("name").asText()).isEqualTo("region");
      assertThat(spec.get("fields").get(1).get("transform").asText()).isEqualTo("day");
      assertThat(spec.get("fields").get(1).get("name").asText()).isEqualTo("order_date_day");

      assertThat(
              update(
                  trino,
                  "INSERT INTO sales.orders VALUES"
                      + " (1, 'eu', 10.50, DATE '2025-03-01'),"
                      + " (2, 'us', 20.00, DATE '2025-03-01'),"
                      + " (3, 'eu', 30.25, DATE '2025-03-02')"))
          .isEqualTo(3);
      assertThat(rows(trino, "SELECT * FROM sales.orders ORDER BY order_id"))
          .containsExactly(
              "1|eu|10.50|2025-03-01", "2|us|20.00|2025-03-01", "3|eu|30.25|2025-03-02");

      // one data file per partition, under the location Sluice assigned, in the S3 bucket
      assertThat(
              rows(
                  trino,
                  "SELECT partition.region, CAST(partition.order_date_day AS varchar),"
                      + " record_count, file_count FROM sales.\"orders$partitions\""
                      + " ORDER BY 1, 2"))
          .containsExactly("eu|2025-03-01|1|1", "eu|2025-03-02|1|1", "us|2025-03-01|1|1");
      List<String> paths = rows(trino, "SELECT DISTINCT \"$path\" FROM sales.orders ORDER BY 1");
      assertThat(paths).hasSize(3);
      assertThat(paths).allSatisfy(path -> assertThat(path).startsWith(location + "/data/region="));
      for (String path : paths) {
        String key = path.substring(("s3://" + TrinoStack.BUCKET + "/").length());
        assertThat(stack.s3().objectsOf(TrinoStack.BUCKET, key)).isRegularFile();
      }
      // the metadata pointer Sluice serves is a file in the bucket too
      String metadataLocation =
          stack.sluiceGet("/v1/namespaces/sales/tables/orders").get("metadata-location").asText();
      assertThat(
              stack
                  .s3()
                  .objectsOf(
                      TrinoStack.BUCKET,
                      metadataLocation.substring(("s3://" + TrinoStack.BUCKET + "/").length())))
          .isRegularFile();
    }
  }

  @Test
  void insertsSelectsUpdatesAndDeletesRows() throws Exception {
    try (Connection trino = stack.connect()) {
      createSchema(trino, "dml");
      update(
          trino,
          "CREATE TABLE dml.orders (order_id bigint, region varchar, amount decimal(10,2),"
              + " order_date date)"
              + " WITH (partitioning = ARRAY['region'], format_version = 2)");
      assertThat(
              update(
                  trino,
                  "INSERT INTO dml.orders VALUES"
                      + " (1, 'eu', 10.00, DATE '2025-01-01'),"
                      + " (2, 'eu', 20.00, DATE '2025-01-02'),"
                      + " (3, 'us', 30.00, DATE '2025-01-03'),"
                      + " (4, 'us', 40.00, DATE '2025-01-04'),"
                      + " (5, 'apac', 50.00, DATE '2025-01-05'),"
                      + " (6, 'apac', 60.00, DATE '2025-01-06')"))
          .isEqualTo(6);
      assertThat(rows(trino, "SELECT * FROM dml.orders ORDER BY order_id"))
          .containsExactly(
              "1|eu|10.00|2025-01-01",
              "2|eu|20.00|2025-01-02",
              "3|us|30.00|2025-01-03",
              "4|us|40.00|2025-01-04",
              "5|apac|50.00|2025-01-05",
              "6|apac|60.00|2025-01-06");
      assertThat(
              rows(
                  trino,
                  "SELECT region, count(*), sum(amount) FROM dml.orders"
                      + " GROUP BY region ORDER BY region"))
          .containsExactly("apac|2|110.00", "eu|2|30.00", "us|2|70.00");

      Progress.say("Trino: UPDATE and DELETE on dml.orders");
      assertThat(update(trino, "UPDATE dml.orders SET amount = amount * 2 WHERE region = 'eu'"))
          .isEqualTo(2);
      assertThat(update(trino, "UPDATE dml.orders SET region = 'eu' WHERE order_id = 3"))
          .isEqualTo(1);
      assertThat(update(trino, "DELETE FROM dml.orders WHERE order_id = 4")).isEqualTo(1);
      assertThat(update(trino, "DELETE FROM dml.orders WHERE order_id = 42")).isEqualTo(0);
      assertThat(rows(trino, "SELECT * FROM dml.orders ORDER BY order_id"))
          .containsExactly(
              "1|eu|20.00|2025-01-01",
              "2|eu|40.00|2025-01-02",
              "3|eu|30.00|2025-01-03",
              "5|apac|50.00|2025-01-05",
              "6|apac|60.00|2025-01-06");
      assertThat(rows(trino, "SELECT order_id FROM dml.orders WHERE region = 'us'")).isEmpty();

      // row-level changes of format v2: position delete files next to the data files
      assertThat(rows(trino, "SELECT DISTINCT content FROM dml.\"orders$files\" ORDER BY content"))
          .containsExactly("0", "1");
      // a whole-partition delete
      assertThat(update(trino, "DELETE FROM dml.orders WHERE region = 'apac'")).isEqualTo(2);
      assertThat(rows(trino, "SELECT order_id, region FROM dml.orders ORDER BY order_id"))
          .containsExactly("1|eu", "2|eu", "3|eu");

      // every change is a snapshot Sluice committed; its current one is Trino's latest
      List<String> snapshotIds =
          rows(trino, "SELECT snapshot_id FROM dml.\"orders$snapshots\" ORDER BY committed_at");
      JsonNode metadata = stack.sluiceGet("/v1/namespaces/dml/tables/orders").get("metadata");
      assertThat(metadata.get("current-snapshot-id").asText())
          .isEqualTo(snapshotIds.get(snapshotIds.size() - 1));
      List<String> sluiceSnapshots = new ArrayList<>();
      metadata.get("snapshots").forEach(s -> sluiceSnapshots.add(s.get("snapshot-id").asText()));
      assertThat(sluiceSnapshots).containsExactlyInAnyOrderElementsOf(snapshotIds);
    }
  }

  @Test
  void addsAndRenamesColumns() throws Exception {
    try (Connection trino = stack.connect()) {
      createSchema(trino, "evolution");
      update(
          trino,
          "CREATE TABLE evolution.customers (id integer, name varchar, signup date)"
              + " WITH (partitioning = ARRAY['month(signup)'])");
      update(
          trino,
          "INSERT INTO evolution.customers VALUES"
              + " (1, 'Ada', DATE '2024-01-15'), (2, 'Grace', DATE '2024-02-20')");
      int nameFieldId = fieldId(currentSchema("evolution", "customers"), "name");

      update(trino, "ALTER TABLE evolution.customers ADD COLUMN tier varchar");
      update(
          trino, "INSERT INTO evolution.customers VALUES (3, 'Linus', DATE '2024-02-01', 'gold')");
      assertThat(rows(trino, "SELECT * FROM evolution.customers ORDER BY id"))
          .containsExactly(
              "1|Ada|2024-01-15|null", "2|Grace|2024-02-20|null", "3|Linus|2024-02-01|gold");

      update(trino, "ALTER TABLE evolution.customers RENAME COLUMN name TO full_name");
      assertThat(rows(trino, "SELECT id, full_name, tier FROM evolution.customers ORDER BY id"))
          .containsExactly("1|Ada|null", "2|Grace|null", "3|Linus|gold");
      assertThat(
              rows(
                  trino,
                  "SELECT column_name, data_type FROM information_schema.columns"
                      + " WHERE table_schema = 'evolution' AND table_name = 'customers'"
                      + " ORDER BY ordinal_position"))
          .containsExactly("id|integer", "full_name|varchar", "signup|date", "tier|varchar");
      assertThatThrownBy(() -> rows(trino, "SELECT name FROM evolution.customers"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("'name' cannot be resolved");
      update(trino, "UPDATE evolution.customers SET tier = 'silver' WHERE full_name = 'Ada'");
      assertThat(rows(trino, "SELECT id, full_name, tier FROM evolution.customers ORDER BY id"))
          .containsExactly("1|Ada|silver", "2|Grace|null", "3|Linus|gold");

      // Sluice serves the evolved schema: the renamed column keeps its field id
      JsonNode schema = currentSchema("evolution", "customers");
      List<String> names = new ArrayList<>();
      schema.get("fields").forEach(f -> names.add(f.get("name").asText()));
      assertThat(names).containsExactly("id", "full_name", "signup", "tier");
      assertThat(fieldId(schema, "full_name")).isEqualTo(nameFieldId);
      JsonNode metadata =
          stack.sluiceGet("/v1/namespaces/evolution/tables/customers").get("metadata");
      assertThat(metadata.get("schemas").size()).isEqualTo(3);
    }
  }

  @Test
  void travelsInTimeBySnapshotAndTimestampAndListsSnapshots() throws Exception {
    try (Connection trino = stack.connect()) {
      createSchema(trino, "history");
      update(
          trino,
          "CREATE TABLE history.events (id integer, region varchar, payload varchar)"
              + " WITH (partitioning = ARRAY['region'])");
      update(trino, "INSERT INTO history.events VALUES (1, 'eu', 'a'), (2, 'us', 'b')");
      pauseForDistinctCommitTimes();
      update(trino, "INSERT INTO history.events VALUES (3, 'eu', 'c')");
      pauseForDistinctCommitTimes();
      update(trino, "UPDATE history.events SET payload = 'b2' WHERE id = 2");
      pauseForDistinctCommitTimes();
      update(trino, "DELETE FROM history.events WHERE id = 1");

      List<String> snapshots =
          rows(
              trino,
              "SELECT snapshot_id, parent_id, operation, committed_at,"
                  + " element_at(summary, 'added-records'), element_at(summary, 'total-records')"
                  + " FROM history.\"events$snapshots\" ORDER BY committed_at");
      Progress.say("history.events snapshots: %s", snapshots);
      List<String[]> snapshot = new ArrayList<>();
      snapshots.forEach(s -> snapshot.add(s.split("\\|")));
      // CREATE TABLE commits an empty snapshot; then two appends, the update, the delete
      assertThat(snapshot).hasSize(5);
      assertThat(snapshot.stream().map(s -> s[2]))
          .containsExactly("append", "append", "append", "overwrite", "delete");
      assertThat(snapshot.get(0)[1]).isEqualTo("null");
      for (int i = 1; i < snapshot.size(); i++) {
        assertThat(snapshot.get(i)[1])
            .as("parent of snapshot %d", i)
            .isEqualTo(snapshot.get(i - 1)[0]);
      }
      assertThat(snapshot.stream().map(s -> s[4])).containsExactly("null", "2", "1", "1", "null");
      // position deletes do not lower total-records (that counts rows in data files)
      assertThat(snapshot.stream().map(s -> s[5])).containsExactly("0", "2", "3", "4", "4");
      String created = snapshot.get(0)[0];
      String firstInsert = snapshot.get(1)[0];
      String secondInsert = snapshot.get(2)[0];
      String updated = snapshot.get(3)[0];

      assertThat(rows(trino, "SELECT * FROM history.events ORDER BY id"))
          .containsExactly("2|us|b2", "3|eu|c");
      assertThat(rows(trino, "SELECT * FROM history.events FOR VERSION AS OF " + created))
          .isEmpty();
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR VERSION AS OF " + firstInsert + " ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b");
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR VERSION AS OF "
                      + secondInsert
                      + " ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b", "3|eu|c");
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR VERSION AS OF " + updated + " ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b2", "3|eu|c");

      // by timestamp: the snapshot current at that instant (its commit time or later)
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR TIMESTAMP AS OF TIMESTAMP '"
                      + snapshot.get(1)[3]
                      + "' ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b");
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR TIMESTAMP AS OF TIMESTAMP '"
                      + snapshot.get(2)[3]
                      + "' + INTERVAL '0.001' SECOND ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b", "3|eu|c");
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR TIMESTAMP AS OF TIMESTAMP '"
                      + snapshot.get(3)[3]
                      + "' ORDER BY id"))
          .containsExactly("1|eu|a", "2|us|b2", "3|eu|c");
      assertThat(
              rows(
                  trino,
                  "SELECT * FROM history.events FOR TIMESTAMP AS OF TIMESTAMP '"
                      + snapshot.get(4)[3]
                      + "' ORDER BY id"))
          .containsExactly("2|us|b2", "3|eu|c");
      assertThatThrownBy(
              () ->
                  rows(
                      trino,
                      "SELECT * FROM history.events FOR TIMESTAMP AS OF TIMESTAMP '"
                          + snapshot.get(0)[3]
                          + "' - INTERVAL '1' DAY"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("No version history table");

      // the history Sluice serves is the one Trino lists
      JsonNode metadata = stack.sluiceGet("/v1/namespaces/history/tables/events").get("metadata");
      List<String> sluiceSnapshots = new ArrayList<>();
      metadata.get("snapshots").forEach(s -> sluiceSnapshots.add(s.get("snapshot-id").asText()));
      assertThat(sluiceSnapshots)
          .containsExactlyElementsOf(snapshot.stream().map(s -> s[0]).toList());
      assertThat(metadata.get("current-snapshot-id").asText()).isEqualTo(snapshot.get(4)[0]);
      List<String> log = new ArrayList<>();
      metadata.get("snapshot-log").forEach(e -> log.add(e.get("snapshot-id").asText()));
      assertThat(log).containsExactlyElementsOf(sluiceSnapshots);
    }
  }

  /**
   * Trino 476 creates tables of a REST catalog with a staged create only when the schema has a
   * {@code location} property (trinodb/trino#26742): without one it creates the table at once and
   * then refuses it, because the location it just wrote to is not empty. The schemas of the other
   * tests therefore carry an explicit location under the warehouse.
   */
  @Test
  void createsTableInSchemaWithoutExplicitLocation() throws Exception {
    try (Connection trino = stack.connect()) {
      update(trino, "CREATE SCHEMA plain");
      update(
          trino,
          "CREATE TABLE plain.items (id integer, kind varchar) WITH (partitioning = ARRAY['kind'])");
      update(trino, "INSERT INTO plain.items VALUES (1, 'a'), (2, 'b')");
      assertThat(rows(trino, "SELECT * FROM plain.items ORDER BY id"))
          .containsExactly("1|a", "2|b");
      JsonNode metadata = stack.sluiceGet("/v1/namespaces/plain/tables/items").get("metadata");
      assertThat(metadata.get("location").asText())
          .startsWith(TrinoStack.WAREHOUSE_LOCATION + "plain/items");
    }
  }

  /** A schema whose location (a namespace property) lies under the warehouse. */
  private static void createSchema(Connection trino, String name) throws SQLException {
    update(
        trino,
        "CREATE SCHEMA "
            + name
            + " WITH (location = '"
            + TrinoStack.WAREHOUSE_LOCATION
            + name
            + "')");
  }

  private static JsonNode defaultSpec(JsonNode metadata) {
    int specId = metadata.get("default-spec-id").asInt();
    for (JsonNode spec : metadata.get("partition-specs")) {
      if (spec.get("spec-id").asInt() == specId) {
        return spec;
      }
    }
    throw new AssertionError("no default partition spec in " + metadata);
  }

  private JsonNode currentSchema(String namespace, String table) throws Exception {
    JsonNode metadata =
        stack.sluiceGet("/v1/namespaces/" + namespace + "/tables/" + table).get("metadata");
    int schemaId = metadata.get("current-schema-id").asInt();
    for (JsonNode schema : metadata.get("schemas")) {
      if (schema.get("schema-id").asInt() == schemaId) {
        return schema;
      }
    }
    throw new AssertionError("no current schema in " + metadata);
  }

  private static int fieldId(JsonNode schema, String name) {
    for (JsonNode field : schema.get("fields")) {
      if (field.get("name").asText().equals(name)) {
        return field.get("id").asInt();
      }
    }
    throw new AssertionError("no field " + name + " in " + schema);
  }

  /** Snapshot times have millisecond precision; keep consecutive commits apart. */
  private static void pauseForDistinctCommitTimes() throws InterruptedException {
    Thread.sleep(20);
  }
}
