package dev.sluice.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spark 4 (local mode) against the packaged Sluice on PostgreSQL with an {@code s3://} warehouse on
 * S3Proxy: DDL, writes, row-level changes, schema evolution and time travel through Sluice's
 * Iceberg REST API, checked against the exact rows, Sluice's own view of each table and the objects
 * in the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkEndToEndIT {
  private static final DateTimeFormatter SPARK_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private SluiceLakehouse lake;
  private SparkSession spark;

  @BeforeAll
  void start() throws Exception {
    lake =
        SluiceLakehouse.start(
            Path.of(System.getProperty("sluice.it.workdir", "target/spark-it")).resolve("e2e"));
    spark = SparkSessions.forLakehouse(lake);
  }

  @AfterAll
  void stop() {
    try {
      SparkSessions.stop(spark);
    } finally {
      if (lake != null) {
        lake.close();
      }
    }
  }

  @Test
  void partitionedTableRoundTrip() throws Exception {
    sql("CREATE NAMESPACE sluice.sales");
    assertThat(rows("SHOW NAMESPACES IN sluice")).contains("sales");
    assertThat(lake.loadNamespace("sales").path("namespace").get(0).asText()).isEqualTo("sales");

    sql(
        "CREATE TABLE sluice.sales.orders (id BIGINT, region STRING, ts TIMESTAMP,"
            + " amount DECIMAL(10,2)) USING iceberg PARTITIONED BY (region, days(ts))"
            + " TBLPROPERTIES ('format-version'='2')");
    JsonNode created = lake.loadTable("sales", "orders");
    String location = created.path("metadata").path("location").asText();
    assertThat(location).startsWith(SluiceLakehouse.WAREHOUSE);
    assertThat(created.path("metadata").path("current-snapshot-id").asLong(-1)).isEqualTo(-1);
    List<String> transforms = new ArrayList<>();
    for (JsonNode spec : created.path("metadata").path("partition-specs")) {
      spec.path("fields").forEach(f -> transforms.add(f.path("transform").asText()));
    }
    assertThat(transforms).containsExactly("identity", "day");

    Progress.say("spark: inserting into sales.orders");
    sql(
        "INSERT INTO sluice.sales.orders VALUES"
            + " (1, 'eu', TIMESTAMP '2024-05-01 10:00:00', 10.50),"
            + " (2, 'us', TIMESTAMP '2024-05-01 11:00:00', 20.00),"
            + " (3, 'eu', TIMESTAMP '2024-05-02 09:30:00', 5.25),"
            + " (4, 'apac', TIMESTAMP '2024-05-02 23:59:59', 7.00)");

    assertThat(
            rows(
                "SELECT id, region, CAST(ts AS STRING), amount FROM sluice.sales.orders"
                    + " ORDER BY id"))
        .containsExactly(
            "1|eu|2024-05-01 10:00:00|10.50",
            "2|us|2024-05-01 11:00:00|20.00",
            "3|eu|2024-05-02 09:30:00|5.25",
            "4|apac|2024-05-02 23:59:59|7.00");
    assertThat(rows("SELECT id FROM sluice.sales.orders WHERE region = 'eu' ORDER BY id"))
        .containsExactly("1", "3");
    assertThat(
            rows(
                "SELECT region, count(*), sum(amount) FROM sluice.sales.orders"
                    + " GROUP BY region ORDER BY region"))
        .containsExactly("apac|1|7.00", "eu|2|15.75", "us|1|20.00");
    assertThat(
            rows(
                "SELECT partition.region, CAST(partition.ts_day AS STRING), record_count"
                    + " FROM sluice.sales.orders.partitions ORDER BY 1, 2"))
        .containsExactly(
            "apac|2024-05-02|1", "eu|2024-05-01|1", "eu|2024-05-02|1", "us|2024-05-01|1");

    long snapshot = assertCatalogAgrees("sales", "orders");
    assertThat(rows("SELECT snapshot_id, operation FROM sluice.sales.orders.snapshots"))
        .containsExactly(snapshot + "|append");
    List<Row> files = assertFilesInStore("sluice.sales.orders.files");
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    assertThat(files).allSatisfy(f -> assertThat(f.getString(0)).startsWith(location + "/data/"));
    assertThat(
            lake.localFileOf(lake.loadTable("sales", "orders").path("metadata-location").asText()))
        .isRegularFile();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"merge-on-read", "copy-on-write"})
  void rowLevelUpdateAndDelete(String mode) throws Exception {
    String table = mode.equals("merge-on-read") ? "orders_mor" : "orders_cow";
    String name = "sluice.ops." + table;
    sql("CREATE NAMESPACE IF NOT EXISTS sluice.ops");
    sql(
        "CREATE TABLE "
            + name
            + " (id BIGINT, region STRING, status STRING, qty INT) USING iceberg"
            + " PARTITIONED BY (region) TBLPROPERTIES ('format-version'='2',"
            + " 'write.update.mode'='"
            + mode
            + "', 'write.delete.mode'='"
            + mode
            + "', 'write.merge.mode'='"
            + mode
            + "')");
    sql(
        "INSERT INTO "
            + name
            + " VALUES (1, 'eu', 'new', 10), (2, 'eu', 'new', 20), (3, 'us', 'new', 30),"
            + " (4, 'us', 'new', 40), (5, 'apac', 'new', 50)");
    long inserted = assertCatalogAgrees("ops", table);

    Progress.say("spark: UPDATE and DELETE on ops.%s (%s)", table, mode);
    sql("UPDATE " + name + " SET status = 'shipped', qty = qty + 1 WHERE id IN (2, 3)");
    assertThat(rows("SELECT id, region, status, qty FROM " + name + " ORDER BY id"))
        .containsExactly(
            "1|eu|new|10", "2|eu|shipped|21", "3|us|shipped|31", "4|us|new|40", "5|apac|new|50");
    long updated = assertCatalogAgrees("ops", table);
    assertThat(updated).isNotEqualTo(inserted);

    sql("DELETE FROM " + name + " WHERE id = 4");
    assertThat(rows("SELECT id, region, status, qty FROM " + name + " ORDER BY id"))
        .containsExactly("1|eu|new|10", "2|eu|shipped|21", "3|us|shipped|31", "5|apac|new|50");
    long deleted = assertCatalogAgrees("ops", table);

    assertThat(
            rows(
                "SELECT snapshot_id, parent_id, operation FROM "
                    + name
                    + ".snapshots ORDER BY committed_at"))
        .containsExactly(
            inserted + "|null|append",
            updated + "|" + inserted + "|overwrite",
            deleted
                + "|"
                + updated
                + "|"
                + (mode.equals("merge-on-read") ? "delete" : "overwrite"));
    // the state before the row-level changes is still readable
    assertThat(
            rows(
                "SELECT id, status, qty FROM "
                    + name
                    + " VERSION AS OF "
                    + inserted
                    + " ORDER BY id"))
        .containsExactly("1|new|10", "2|new|20", "3|new|30", "4|new|40", "5|new|50");

    List<Row> deleteFiles = assertFilesInStore(name + ".delete_files");
    if (mode.equals("merge-on-read")) {
      assertThat(deleteFiles).as("position delete files").isNotEmpty();
    } else {
      assertThat(deleteFiles).as("copy-on-write writes no delete files").isEmpty();
    }
    assertFilesInStore(name + ".data_files");
  }

  /**
   * Data contracts hold Spark's DDL and writes: the policy (applied through the admin API) declares
   * contracts in the namespace {@code contracted} only, so the other tests' tables are unaffected.
   */
  @Test
  void contractsRefuseBreakingChangesAndProvenViolations() throws Exception {
    lake.applyPolicy(
        """
        apiVersion: sluice.dev/v1
        zones:
          contracted:
            namespaces: [contracted]
            storage: s3://lake/warehouse/
            read: [group:analysts]
            write: [group:analysts]
        datasets:
          contracted.orders:
            contract:
              consumers: [team:finance]
              compatibility: backward
              fields:
                order_id: {type: bigint, nullable: false}
                amount: {type: "decimal(10,2)", valid-range: [0, 10000]}
          contracted.events:
            contract:
              severity: warning
              fields:
                event_id: {type: bigint, nullable: false}
        """);
    sql("CREATE NAMESPACE sluice.contracted");
    sql(
        "CREATE TABLE sluice.contracted.orders (order_id BIGINT, amount DECIMAL(10,2), note STRING)"
            + " USING iceberg");
    sql("INSERT INTO sluice.contracted.orders VALUES (1, 10.50, 'first')");
    String metadataBefore =
        lake.loadTable("contracted", "orders").get("metadata-location").asText();
    long snapshotBefore = lake.currentSnapshotId("contracted", "orders");

    Progress.say("spark: breaking changes on contracted.orders");
    assertThatThrownBy(() -> sql("ALTER TABLE sluice.contracted.orders DROP COLUMN amount"))
        .hasStackTraceContaining("refused by its data contract")
        .hasStackTraceContaining("amount")
        .hasStackTraceContaining("sluice.yaml:")
        .hasStackTraceContaining("team:finance (declared)")
        .hasStackTraceContaining("Unable to process");
    assertThatThrownBy(
            () -> sql("INSERT INTO sluice.contracted.orders VALUES (NULL, 5.00, 'no id')"))
        .hasStackTraceContaining("nullable")
        .hasStackTraceContaining("order_id")
        .hasStackTraceContaining(".parquet");
    assertThatThrownBy(
            () -> sql("INSERT INTO sluice.contracted.orders VALUES (2, 20000.00, 'too much')"))
        .hasStackTraceContaining("valid-range")
        .hasStackTraceContaining("amount");

    assertThatThrownBy(
            () ->
                sql(
                    "CREATE OR REPLACE TABLE sluice.contracted.orders (order_id BIGINT, note STRING)"
                        + " USING iceberg"))
        .hasStackTraceContaining("refused by its data contract")
        .hasStackTraceContaining("amount");

    // nothing was committed
    JsonNode orders = lake.loadTable("contracted", "orders");
    assertThat(orders.get("metadata-location").asText()).isEqualTo(metadataBefore);
    assertThat(lake.currentSnapshotId("contracted", "orders")).isEqualTo(snapshotBefore);
    assertThat(currentSchemaFields(orders)).containsExactly("order_id", "amount", "note");
    assertThat(rows("SELECT order_id, amount, note FROM sluice.contracted.orders"))
        .containsExactly("1|10.50|first");

    // a compatible change and a valid write pass
    sql("ALTER TABLE sluice.contracted.orders ADD COLUMN channel STRING");
    sql("INSERT INTO sluice.contracted.orders VALUES (2, 99.00, 'second', 'web')");
    assertThat(rows("SELECT order_id, channel FROM sluice.contracted.orders ORDER BY order_id"))
        .containsExactly("1|null", "2|web");

    // with severity warning the write is accepted and the violation is on record
    sql("CREATE TABLE sluice.contracted.events (event_id BIGINT, kind STRING) USING iceberg");
    sql("INSERT INTO sluice.contracted.events VALUES (1, 'open'), (NULL, 'close')");
    assertThat(rows("SELECT count(*) FROM sluice.contracted.events")).containsExactly("2");
    SluiceLakehouse.Answer warned =
        lake.send("GET", "/api/v1/contracts/findings?dataset=contracted.events", null);
    assertThat(warned.status()).isEqualTo(200);
    List<String> found = new ArrayList<>();
    warned
        .body()
        .forEach(
            f ->
                found.add(
                    f.get("outcome").asText()
                        + " "
                        + f.get("rule").asText()
                        + " "
                        + f.get("field").asText()));
    assertThat(found).contains("WARNED nullable event_id");
  }

  @Test
  void addAndRenameColumn() throws Exception {
    sql("CREATE NAMESPACE sluice.evolve");
    sql(
        "CREATE TABLE sluice.evolve.customers (id BIGINT, name STRING, region STRING)"
            + " USING iceberg PARTITIONED BY (region) TBLPROPERTIES ('format-version'='2')");
    sql("INSERT INTO sluice.evolve.customers VALUES (1, 'Ada', 'eu'), (2, 'Grace', 'us')");
    long before = assertCatalogAgrees("evolve", "customers");
    int nameFieldId = fieldId(lake.loadTable("evolve", "customers"), "name");

    Progress.say("spark: ALTER TABLE evolve.customers");
    sql("ALTER TABLE sluice.evolve.customers ADD COLUMN email STRING");
    sql("ALTER TABLE sluice.evolve.customers RENAME COLUMN name TO full_name");
    assertThat(spark.table("sluice.evolve.customers").columns())
        .containsExactly("id", "full_name", "region", "email");
    sql(
        "INSERT INTO sluice.evolve.customers (id, full_name, region, email)"
            + " VALUES (3, 'Linus', 'eu', 'linus@example.org')");

    assertThat(rows("SELECT id, full_name, region, email FROM sluice.evolve.customers ORDER BY id"))
        .containsExactly("1|Ada|eu|null", "2|Grace|us|null", "3|Linus|eu|linus@example.org");
    assertThat(
            rows(
                "SELECT id FROM sluice.evolve.customers WHERE email IS NULL AND full_name LIKE"
                    + " 'G%' ORDER BY id"))
        .containsExactly("2");

    // Sluice holds the evolved schema; the renamed column keeps its field id
    JsonNode table = lake.loadTable("evolve", "customers");
    assertThat(currentSchemaFields(table)).containsExactly("id", "full_name", "region", "email");
    assertThat(fieldId(table, "full_name")).isEqualTo(nameFieldId);
    assertCatalogAgrees("evolve", "customers");

    // reading the old snapshot uses the schema it was written with
    Dataset<Row> old = sql("SELECT * FROM sluice.evolve.customers VERSION AS OF " + before);
    assertThat(old.columns()).containsExactly("id", "name", "region");
    assertThat(
            rows(
                "SELECT id, name, region FROM sluice.evolve.customers VERSION AS OF "
                    + before
                    + " ORDER BY id"))
        .containsExactly("1|Ada|eu", "2|Grace|us");
    assertFilesInStore("sluice.evolve.customers.files");
  }

  @Test
  void timeTravelBySnapshotIdAndTimestamp() throws Exception {
    sql("CREATE NAMESPACE sluice.timeline");
    sql(
        "CREATE TABLE sluice.timeline.readings (sensor STRING, ts TIMESTAMP, reading DOUBLE)"
            + " USING iceberg PARTITIONED BY (days(ts)) TBLPROPERTIES ('format-version'='2')");
    String table = "sluice.timeline.readings";
    String select = "SELECT sensor, CAST(ts AS STRING), reading FROM " + table;

    Progress.say("spark: three commits on timeline.readings");
    sql(
        "INSERT INTO "
            + table
            + " VALUES ('a', TIMESTAMP '2024-06-01 08:00:00', 1.5),"
            + " ('b', TIMESTAMP '2024-06-01 09:00:00', 2.5)");
    sql("INSERT INTO " + table + " VALUES ('c', TIMESTAMP '2024-06-02 08:00:00', 3.5)");
    sql("DELETE FROM " + table + " WHERE sensor = 'a'");

    List<Row> snapshots =
        sql("SELECT snapshot_id, parent_id, operation, committed_at FROM "
                + table
                + ".snapshots ORDER BY committed_at")
            .collectAsList();
    assertThat(snapshots).hasSize(3);
    long s1 = snapshots.get(0).getLong(0);
    long s2 = snapshots.get(1).getLong(0);
    long s3 = snapshots.get(2).getLong(0);
    assertThat(snapshots.get(0).isNullAt(1)).isTrue();
    assertThat(snapshots.get(1).getLong(1)).isEqualTo(s1);
    assertThat(snapshots.get(2).getLong(1)).isEqualTo(s2);
    assertThat(snapshots.stream().map(r -> r.getString(2)))
        // the delete rewrites the file that also holds sensor b (copy-on-write, the default)
        .containsExactly("append", "append", "overwrite");
    Timestamp t1 = snapshots.get(0).getTimestamp(3);
    Timestamp t2 = snapshots.get(1).getTimestamp(3);
    Timestamp t3 = snapshots.get(2).getTimestamp(3);
    assertThat(t1).isBefore(t2);
    assertThat(t2).isBefore(t3);

    // Sluice reports the same history
    JsonNode metadata = lake.loadTable("timeline", "readings").path("metadata");
    assertThat(metadata.path("current-snapshot-id").asLong()).isEqualTo(s3);
    assertThat(ids(metadata.path("snapshots"), "snapshot-id")).containsExactly(s1, s2, s3);
    assertThat(ids(metadata.path("snapshot-log"), "snapshot-id")).containsExactly(s1, s2, s3);
    assertThat(ids(metadata.path("snapshot-log"), "timestamp-ms"))
        .containsExactly(t1.getTime(), t2.getTime(), t3.getTime());

    List<String> atS1 = List.of("a|2024-06-01 08:00:00|1.5", "b|2024-06-01 09:00:00|2.5");
    List<String> atS2 =
        List.of(
            "a|2024-06-01 08:00:00|1.5", "b|2024-06-01 09:00:00|2.5", "c|2024-06-02 08:00:00|3.5");
    List<String> atS3 = List.of("b|2024-06-01 09:00:00|2.5", "c|2024-06-02 08:00:00|3.5");

    assertThat(rows(select + " ORDER BY sensor")).containsExactlyElementsOf(atS3);
    assertThat(rows(select + " VERSION AS OF " + s1 + " ORDER BY sensor"))
        .containsExactlyElementsOf(atS1);
    assertThat(rows(select + " VERSION AS OF " + s2 + " ORDER BY sensor"))
        .containsExactlyElementsOf(atS2);
    assertThat(rows(select + " VERSION AS OF " + s3 + " ORDER BY sensor"))
        .containsExactlyElementsOf(atS3);

    assertThat(rows(select + " TIMESTAMP AS OF '" + at(t1) + "' ORDER BY sensor"))
        .containsExactlyElementsOf(atS1);
    assertThat(rows(select + " TIMESTAMP AS OF '" + at(t2) + "' ORDER BY sensor"))
        .containsExactlyElementsOf(atS2);
    // between two commits: the earlier one
    assertThat(
            rows(
                select
                    + " TIMESTAMP AS OF '"
                    + at(new Timestamp(t3.getTime() - 1))
                    + "' ORDER BY sensor"))
        .containsExactlyElementsOf(atS2);
    assertThat(rows(select + " TIMESTAMP AS OF '" + at(t3) + "' ORDER BY sensor"))
        .containsExactlyElementsOf(atS3);
    assertThatThrownBy(
            () ->
                rows(
                    select + " TIMESTAMP AS OF '" + at(new Timestamp(t1.getTime() - 60_000)) + "'"))
        .hasStackTraceContaining("Cannot find a snapshot older than");

    assertThat(
            rows(
                "SELECT snapshot_id, is_current_ancestor FROM "
                    + table
                    + ".history ORDER BY made_current_at"))
        .containsExactly(s1 + "|true", s2 + "|true", s3 + "|true");
    assertCatalogAgrees("timeline", "readings");
  }

  // ---- helpers ----

  private Dataset<Row> sql(String statement) {
    return spark.sql(statement);
  }

  /** The rows of a query, each as its values joined by {@code |}. */
  private List<String> rows(String query) {
    return spark.sql(query).collectAsList().stream().map(r -> r.mkString("|")).toList();
  }

  /**
   * Sluice's current snapshot of the table is the one Spark committed last (the {@code main}
   * branch), and its metadata file is in the store; returns that snapshot id.
   */
  private long assertCatalogAgrees(String namespace, String table) throws Exception {
    List<Row> main =
        sql("SELECT snapshot_id FROM sluice."
                + namespace
                + "."
                + table
                + ".refs WHERE name = 'main'")
            .collectAsList();
    assertThat(main).hasSize(1);
    long sparkSnapshot = main.get(0).getLong(0);
    JsonNode loaded = lake.loadTable(namespace, table);
    assertThat(loaded.path("metadata").path("current-snapshot-id").asLong())
        .as("current snapshot of %s.%s according to Sluice", namespace, table)
        .isEqualTo(sparkSnapshot);
    String metadataLocation = loaded.path("metadata-location").asText();
    assertThat(metadataLocation).startsWith(SluiceLakehouse.WAREHOUSE);
    assertThat(lake.localFileOf(metadataLocation)).isRegularFile();
    return sparkSnapshot;
  }

  /**
   * Every file a files metadata table lists is an object in S3Proxy's storage with the recorded
   * size; returns the listed rows ({@code file_path}, {@code file_size_in_bytes}).
   */
  private List<Row> assertFilesInStore(String filesTable) throws Exception {
    List<Row> files =
        sql("SELECT file_path, file_size_in_bytes FROM " + filesTable).collectAsList();
    for (Row file : files) {
      String path = file.getString(0);
      assertThat(path).startsWith(SluiceLakehouse.WAREHOUSE);
      Path local = lake.localFileOf(path);
      assertThat(local).as("object %s in the store", path).isRegularFile();
      assertThat(Files.size(local)).as("size of %s", path).isEqualTo(file.getLong(1));
    }
    return files;
  }

  private static String at(Timestamp timestamp) {
    return SPARK_TIMESTAMP.format(timestamp.toInstant());
  }

  private static List<Long> ids(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.path(field).asLong())
        .toList();
  }

  private static JsonNode currentSchema(JsonNode table) {
    JsonNode metadata = table.path("metadata");
    int current = metadata.path("current-schema-id").asInt();
    for (JsonNode schema : metadata.path("schemas")) {
      if (schema.path("schema-id").asInt() == current) {
        return schema;
      }
    }
    throw new AssertionError("no current schema in " + metadata);
  }

  private static List<String> currentSchemaFields(JsonNode table) {
    return StreamSupport.stream(currentSchema(table).path("fields").spliterator(), false)
        .map(f -> f.path("name").asText())
        .toList();
  }

  private static int fieldId(JsonNode table, String name) {
    for (JsonNode field : currentSchema(table).path("fields")) {
      if (field.path("name").asText().equals(name)) {
        return field.path("id").asInt();
      }
    }
    throw new AssertionError("no field " + name + " in the current schema");
  }
}
