package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.it.Progress;
import dev.sluice.it.TrinoServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasure of one customer on PostgreSQL and S3, end to end. The example policy names {@code
 * customer_id} the subject column of {@code raw.customers}. A keyless Spark writes that table
 * (partitioned by region, merge-on-read deletes) over several commits and pins the training tag; a
 * pipeline in the same Spark, with the OpenLineage listener sending to Sluice, derives {@code
 * silver.customer_records} from it in two runs, renaming the customer id, so that only column
 * lineage says the derived table holds customers.
 *
 * <p>After the erasure of one customer, Spark and a Trino reading as client {@code trino} (which
 * the example policy lets read raw and silver; this Trino runs no access control, so it reads the
 * tables as loaded) find no row of the customer in either table: not in the current snapshot, not
 * at the tag, not in any snapshot left; every Parquet object under both tables' locations, read
 * behind the catalog's back, holds none; and the tag and the snapshots from before the customer's
 * first row still return everyone else exactly.
 */
class ErasureIT {
  private static final String SUBJECT = "c-1";
  private static final String RAW = "raw.customers";
  private static final String DERIVED = "silver.customer_records";
  private static final String TAG = "training-2026-q3";

  /** The namespace of the pipeline's jobs ({@code spark.openlineage.namespace}). */
  private static final String PIPELINE_JOBS = "pipelines";

  /** The Trino catalog on the governed Sluice. */
  private static final String TRINO_CATALOG = "lake";

  private static GovernedLakehouse lake;
  private static SparkSession spark;
  private static TrinoServer trino;
  private static Connection trinoConnection;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    lake.ensureNamespace("raw");
    lake.ensureNamespace("silver");
    lake.dropIfPresent("raw", "customers");
    lake.dropIfPresent("silver", "customer_records");
    // the listener sends with a token that may send lineage and do nothing else
    String listenerToken = lineageWriterToken("client:erasure-pipeline-lineage");
    spark =
        ClientSpark.keyless(
            lake,
            "erasure",
            "user:erasure-engineer",
            List.of("data-platform"),
            ClientSpark.openLineageTo(lake, PIPELINE_JOBS, listenerToken));
    Path trinoDir =
        Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
            .resolve("erasure")
            .resolve("trino")
            .toAbsolutePath();
    trino =
        TrinoServer.start(
            trinoDir, Map.of(TRINO_CATALOG, ClientCatalogs.trino(lake, "trino")), Map.of());
    Properties properties = new Properties();
    properties.setProperty("user", TrinoServer.USER);
    properties.setProperty("timezone", "UTC");
    trinoConnection = DriverManager.getConnection(trino.jdbcUrl(TRINO_CATALOG), properties);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    try {
      ClientSpark.stop(spark);
    } finally {
      try {
        if (trinoConnection != null) {
          trinoConnection.close();
        }
      } finally {
        if (trino != null) {
          trino.close();
        }
      }
    }
  }

  @Test
  void theCustomerLeavesEverySnapshotTagDerivedTableAndFileAndEveryoneElseStays() throws Exception {
    // only columns that carry no mask, so the engineer reads the raw files
    sql(
        "CREATE TABLE platform."
            + RAW
            + " (customer_id string, record_id string, region string) USING iceberg"
            + " PARTITIONED BY (region)"
            + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    sql(
        "CREATE TABLE platform."
            + DERIVED
            + " (customer_ref string, record_id string, region string) USING iceberg"
            + " TBLPROPERTIES ('format-version'='2')");

    insert("('c-2', 'r1', 'eu'), ('c-3', 'r2', 'us')");
    long rawBeforeCustomer = currentSnapshot(RAW);
    // the pipeline's first run: everything so far
    derive("");
    long derivedBeforeCustomer = currentSnapshot(DERIVED);

    insert("('c-1', 'r3', 'eu'), ('c-2', 'r4', 'eu'), ('c-1', 'r5', 'us')");
    sql("ALTER TABLE platform." + RAW + " CREATE TAG `" + TAG + "`");
    insert("('c-3', 'r6', 'us'), ('c-1', 'r7', 'eu'), ('c-3', 'r8', 'eu')");
    sql("DELETE FROM platform." + RAW + " WHERE record_id = 'r8'");
    assertThat(rows("SELECT DISTINCT partition.region FROM platform." + RAW + ".partitions"))
        .containsExactlyInAnyOrder("eu", "us");
    // merge-on-read: the delete left a position delete file (content 1), no rewritten data file
    assertThat(rows("SELECT content FROM platform." + RAW + ".delete_files"))
        .isNotEmpty()
        .containsOnly("1");
    // the pipeline's second run: what arrived since the first
    derive(" WHERE record_id > 'r2'");

    String rawLocation = lake.tableLocation("raw", "customers");
    String derivedLocation = lake.tableLocation("silver", "customer_records");
    awaitColumnLineage(rawLocation, derivedLocation);

    // the customer is there before the erasure, for the engines and in the files: the checks
    // below can fail
    assertThat(subjectRowsInParquet(rawLocation, "customer_id")).as(RAW).isEqualTo(3);
    assertThat(subjectRowsInParquet(derivedLocation, "customer_ref")).as(DERIVED).isEqualTo(3);
    for (Engine engine : engines()) {
      assertThat(engine.rows(subjectCount(engine.at(RAW, "'" + TAG + "'"), "customer_id")))
          .as("%s: the customer at the tag before the erasure", engine.name())
          .containsExactly("2");
      assertThat(engine.rows(subjectCount(engine.table(DERIVED), "customer_ref")))
          .as("%s: the customer in the derived table before the erasure", engine.name())
          .containsExactly("3");
    }

    HttpResponse<String> accepted =
        lake.send(
            "POST",
            "/api/v1/erasures",
            lake.sluice().adminToken(),
            "{\"subject\":\""
                + SUBJECT
                + "\",\"reason\":\"right to erasure\",\"requestId\":\"it-erasure-1\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode erasure = awaitErasure(GovernedLakehouse.json(accepted).path("id").asText());
    assertThat(erasure.path("state").asText()).as(erasure.toString()).isEqualTo("VERIFIED");

    // in both engines: the current snapshot, the tag, the derived table and every snapshot left
    // hold no c-1; everyone else exactly, now, at the tag and before the customer's first row
    List<String> rawSnapshots = null;
    List<String> derivedSnapshots = null;
    for (Engine engine : engines()) {
      assertThat(engine.rows(records(engine.table(RAW), "customer_id")))
          .as("%s: %s now", engine.name(), RAW)
          .containsExactly("c-2|r1|eu", "c-3|r2|us", "c-2|r4|eu", "c-3|r6|us");
      assertThat(engine.rows(records(engine.at(RAW, "'" + TAG + "'"), "customer_id")))
          .as("%s: %s at %s", engine.name(), RAW, TAG)
          .containsExactly("c-2|r1|eu", "c-3|r2|us", "c-2|r4|eu");
      assertThat(
              engine.rows(
                  records(engine.at(RAW, String.valueOf(rawBeforeCustomer)), "customer_id")))
          .as("%s: %s before the customer's first row", engine.name(), RAW)
          .containsExactly("c-2|r1|eu", "c-3|r2|us");
      assertThat(engine.rows(records(engine.table(DERIVED), "customer_ref")))
          .as("%s: %s now", engine.name(), DERIVED)
          .containsExactly("c-2|r1|eu", "c-3|r2|us", "c-2|r4|eu", "c-3|r6|us");
      assertThat(
              engine.rows(
                  records(
                      engine.at(DERIVED, String.valueOf(derivedBeforeCustomer)), "customer_ref")))
          .as("%s: %s before the customer's first row", engine.name(), DERIVED)
          .containsExactly("c-2|r1|eu", "c-3|r2|us");

      List<String> rawLeft = noSubjectInAnySnapshot(engine, RAW, "customer_id");
      List<String> derivedLeft = noSubjectInAnySnapshot(engine, DERIVED, "customer_ref");
      assertThat(rawLeft).contains(String.valueOf(rawBeforeCustomer));
      assertThat(derivedLeft).contains(String.valueOf(derivedBeforeCustomer));
      // both engines list the same snapshots
      if (rawSnapshots != null) {
        assertThat(rawLeft).as(engine.name()).containsExactlyInAnyOrderElementsOf(rawSnapshots);
        assertThat(derivedLeft)
            .as(engine.name())
            .containsExactlyInAnyOrderElementsOf(derivedSnapshots);
      }
      rawSnapshots = rawLeft;
      derivedSnapshots = derivedLeft;
    }

    // every Parquet object of both tables in the bucket, read behind the catalog's back
    assertThat(subjectRowsInParquet(rawLocation, "customer_id")).as(RAW).isZero();
    assertThat(subjectRowsInParquet(derivedLocation, "customer_ref")).as(DERIVED).isZero();

    // the receipt: both tables, the derived one found by column lineage
    JsonNode receipt = erasure.path("receipt");
    assertThat(receipt.isMissingNode()).isFalse();
    JsonNode rawReceipt = tableReceipt(receipt, RAW);
    assertThat(rawReceipt.path("foundBy").asText()).isEqualTo("consent subject-column");
    assertThat(texts(rawReceipt.path("subjectColumns"))).containsExactly("customer_id");
    assertThat(rawReceipt.path("rowsDeleted").asLong()).isPositive();
    assertThat(rawReceipt.path("verification").path("matches").asLong()).isZero();
    assertThat(stream(rawReceipt.path("refsRepointed")).map(r -> r.path("ref").asText()))
        .contains(TAG);
    JsonNode derivedReceipt = tableReceipt(receipt, DERIVED);
    assertThat(derivedReceipt.path("foundBy").asText())
        .isEqualTo("column lineage from raw.customers.customer_id");
    assertThat(texts(derivedReceipt.path("subjectColumns"))).containsExactly("customer_ref");
    assertThat(derivedReceipt.path("rowsDeleted").asLong()).isEqualTo(3);
    assertThat(derivedReceipt.path("verification").path("matches").asLong()).isZero();

    // hashed, sealed by its SHA-256, never the subject in clear
    assertThat(erasure.toString()).doesNotContain("\"" + SUBJECT + "\"");
    assertThat(erasure.path("receiptSha256").asText())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(canonical(receipt).getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * Asks for the customer in every snapshot of the table the engine lists, and answers those
   * snapshot ids.
   */
  private static List<String> noSubjectInAnySnapshot(Engine engine, String table, String column)
      throws SQLException {
    List<String> snapshots = engine.rows(engine.snapshotsQuery(table));
    assertThat(snapshots).as("%s: snapshots of %s", engine.name(), table).isNotEmpty();
    for (String snapshot : snapshots) {
      assertThat(engine.rows(subjectCount(engine.at(table, snapshot), column)))
          .as("%s: %s at snapshot %s", engine.name(), table, snapshot)
          .containsExactly("0");
    }
    return snapshots;
  }

  /**
   * The customer's rows in the Parquet data files under the location (those with the column), read
   * straight from S3Proxy's storage, deletes not applied.
   */
  private static long subjectRowsInParquet(String location, String column) throws Exception {
    List<Path> parquet = parquetObjects(location);
    assertThat(parquet).as("Parquet objects under %s", location).isNotEmpty();
    int dataFiles = 0;
    long rows = 0;
    for (Path file : parquet) {
      Dataset<Row> content = spark.read().parquet(file.toUri().toString());
      if (List.of(content.columns()).contains(column)) {
        dataFiles++;
        long found = content.filter(column + " = '" + SUBJECT + "'").count();
        if (found > 0) {
          Progress.say("%d row(s) of the customer in %s", found, file);
        }
        rows += found;
      }
    }
    assertThat(dataFiles).as("data files under %s", location).isPositive();
    return rows;
  }

  /** Both engines: the Spark that wrote the tables and the Trino reading as client trino. */
  private static List<Engine> engines() {
    return List.of(
        new Engine("Spark", "platform", "VERSION AS OF", "%s.%s.snapshots", ErasureIT::rows),
        new Engine(
            "Trino",
            TRINO_CATALOG,
            "FOR VERSION AS OF",
            "%s.\"%s$snapshots\"",
            ErasureIT::trinoRows));
  }

  /**
   * One engine's spelling of tables, time travel and the snapshots metadata table ({@code
   * snapshotsTable} formats namespace and table name).
   */
  private record Engine(
      String name, String catalog, String versionAsOf, String snapshotsTable, Query query) {
    String table(String table) {
      return catalog + "." + table;
    }

    String at(String table, String version) {
      return table(table) + " " + versionAsOf + " " + version;
    }

    String snapshotsQuery(String table) {
      String[] parts = table.split("\\.");
      return "SELECT snapshot_id FROM "
          + catalog
          + "."
          + String.format(snapshotsTable, parts[0], parts[1]);
    }

    List<String> rows(String sql) throws SQLException {
      return query.rows(sql);
    }
  }

  @FunctionalInterface
  private interface Query {
    List<String> rows(String sql) throws SQLException;
  }

  private static String records(String source, String subjectColumn) {
    return "SELECT " + subjectColumn + ", record_id, region FROM " + source + " ORDER BY record_id";
  }

  private static String subjectCount(String source, String subjectColumn) {
    return "SELECT count(*) FROM " + source + " WHERE " + subjectColumn + " = '" + SUBJECT + "'";
  }

  /**
   * Waits (bounded) until the listener's events have reached Sluice and its column lineage derives
   * the derived table's {@code customer_ref} from {@code raw.customers.customer_id}.
   */
  private static void awaitColumnLineage(String rawLocation, String derivedLocation)
      throws InterruptedException {
    String[] raw = dataset(rawLocation);
    String[] derived = dataset(derivedLocation);
    String query =
        "/api/v1/lineage/columns?namespace="
            + URLEncoder.encode(raw[0], StandardCharsets.UTF_8)
            + "&name="
            + URLEncoder.encode(raw[1], StandardCharsets.UTF_8)
            + "&field=customer_id&direction=downstream";
    long deadline = System.nanoTime() + 60_000_000_000L;
    String last = "";
    while (true) {
      HttpResponse<String> response = lake.send("GET", query, lake.sluice().adminToken(), null);
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        for (JsonNode link : GovernedLakehouse.json(response)) {
          JsonNode target = link.path("target");
          if (target.path("namespace").asText().equals(derived[0])
              && target.path("name").asText().equals(derived[1])
              && target.path("field").asText().equals("customer_ref")) {
            Progress.say("lineage: %s.customer_ref derives from %s.customer_id", DERIVED, RAW);
            return;
          }
        }
      }
      assertThat(System.nanoTime())
          .as(
              "column lineage from %s.customer_id to %s.customer_ref; last answer %s",
              RAW, DERIVED, last)
          .isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** OpenLineage's naming of a table: its location split into bucket and path. */
  private static String[] dataset(String location) {
    String path = location.substring("s3://".length());
    int slash = path.indexOf('/');
    return new String[] {"s3://" + path.substring(0, slash), path.substring(slash + 1)};
  }

  /** A new API token of {@code principal} that holds only the lineage writer role. */
  private static String lineageWriterToken(String principal) {
    HttpResponse<String> response =
        lake.send(
            "POST",
            "/api/v1/tokens",
            lake.sluice().adminToken(),
            "{\"principal\":\""
                + principal
                + "\",\"roles\":[\"sluice-lineage-writer\"],\"description\":\"erasure pipeline\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return GovernedLakehouse.json(response).path("secret").asText();
  }

  private static JsonNode tableReceipt(JsonNode receipt, String table) {
    return stream(receipt.path("tables"))
        .filter(t -> t.path("table").asText().equals(table))
        .findFirst()
        .orElseThrow(() -> new AssertionError(table + " is not in the receipt " + receipt));
  }

  private static List<String> texts(JsonNode array) {
    return stream(array).map(JsonNode::asText).toList();
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static JsonNode awaitErasure(String id) throws InterruptedException {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (true) {
      HttpResponse<String> response =
          lake.send("GET", "/api/v1/erasures/" + id, lake.sluice().adminToken(), null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode erasure = GovernedLakehouse.json(response);
      String state = erasure.path("state").asText();
      if (state.equals("VERIFIED") || state.equals("FAILED")) {
        return erasure;
      }
      assertThat(erasure.path("receipt").isNull() || erasure.path("receipt").isMissingNode())
          .as("no receipt before verification")
          .isTrue();
      assertThat(System.nanoTime()).as("erasure %s still %s", id, state).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** The receipt's canonical JSON: keys sorted at every level, no whitespace. */
  private static String canonical(JsonNode node) throws Exception {
    ObjectMapper sorted =
        new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    Object plain = sorted.treeToValue(node, Object.class);
    return sorted.writeValueAsString(plain);
  }

  private static List<Path> parquetObjects(String location) throws Exception {
    Path root = lake.s3().objectsOf("lake", location.substring("s3://lake/".length()));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(f -> f.toString().endsWith(".parquet")).forEach(files::add);
    }
    return files;
  }

  private static void insert(String values) {
    // one data file per partition and commit, so that a delete leaves a delete file
    sql(
        "INSERT INTO platform."
            + RAW
            + " SELECT /*+ COALESCE(1) */ * FROM VALUES "
            + values
            + " AS v(customer_id, record_id, region)");
  }

  /** One run of the pipeline that derives the silver table, the customer id renamed. */
  private static void derive(String filter) {
    sql(
        "INSERT INTO platform."
            + DERIVED
            + " SELECT customer_id AS customer_ref, record_id, region FROM platform."
            + RAW
            + filter);
  }

  private static long currentSnapshot(String table) {
    return Long.parseLong(
        rows("SELECT snapshot_id FROM platform."
                + table
                + ".snapshots ORDER BY committed_at DESC LIMIT 1")
            .get(0));
  }

  private static void sql(String statement) {
    Progress.say("spark: %s", statement);
    spark.sql(statement).collect();
  }

  private static List<String> rows(String query) {
    return EngineRows.spark(spark, query);
  }

  private static List<String> trinoRows(String query) throws SQLException {
    return EngineRows.trino(trinoConnection, query);
  }
}
