package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasure of one customer on PostgreSQL and S3: the example policy names {@code customer_id} the
 * subject column of {@code raw.customers}. A keyless Spark writes customers over several commits (a
 * merge-on-read delete among them) and pins a training tag; after the erasure no snapshot, no tag
 * and no Parquet object in the bucket holds the customer, and a snapshot from before the customer's
 * first row still returns everyone else exactly.
 */
class ErasureIT {
  private static final String TABLE = "raw.customers";

  private static GovernedLakehouse lake;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    lake.ensureNamespace("raw");
    lake.dropIfPresent("raw", "customers");
    spark = ClientSpark.keyless(lake, "erasure", "user:erasure-engineer", List.of("data-platform"));
  }

  @AfterAll
  static void tearDown() {
    ClientSpark.stop(spark);
  }

  @Test
  void theCustomerLeavesEverySnapshotTagAndFileAndEveryoneElseStays() throws Exception {
    // only columns that carry no mask, so the engineer reads the raw files
    sql(
        "CREATE TABLE platform."
            + TABLE
            + " (customer_id string, record_id string, region string) USING iceberg"
            + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    insert("('c-2', 'r1', 'eu'), ('c-3', 'r2', 'us')");
    long beforeCustomer = currentSnapshot();
    insert("('c-1', 'r3', 'eu'), ('c-2', 'r4', 'eu'), ('c-1', 'r5', 'us')");
    sql("ALTER TABLE platform." + TABLE + " CREATE TAG `training-2026-q3`");
    insert("('c-3', 'r6', 'us'), ('c-1', 'r7', 'eu'), ('c-3', 'r8', 'eu')");
    sql("DELETE FROM platform." + TABLE + " WHERE record_id = 'r8'");
    assertThat(rows("SELECT count(*) FROM platform." + TABLE + ".delete_files"))
        .containsExactly("1");

    HttpResponse<String> accepted =
        lake.send(
            "POST",
            "/api/v1/erasures",
            lake.sluice().adminToken(),
            "{\"subject\":\"c-1\",\"reason\":\"right to erasure\",\"requestId\":\"it-erasure-1\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode erasure = awaitErasure(GovernedLakehouse.json(accepted).path("id").asText());
    assertThat(erasure.path("state").asText()).as(erasure.toString()).isEqualTo("VERIFIED");

    // the current snapshot, the tag and every snapshot left: no c-1, everyone else exactly
    assertThat(rows("SELECT record_id FROM platform." + TABLE + " ORDER BY record_id"))
        .containsExactly("r1", "r2", "r4", "r6");
    assertThat(
            rows(
                "SELECT record_id FROM platform."
                    + TABLE
                    + " VERSION AS OF 'training-2026-q3' ORDER BY record_id"))
        .containsExactly("r1", "r2", "r4");
    List<String> snapshots = rows("SELECT snapshot_id FROM platform." + TABLE + ".snapshots");
    assertThat(snapshots).contains(String.valueOf(beforeCustomer));
    for (String snapshot : snapshots) {
      assertThat(
              rows(
                  "SELECT count(*) FROM platform."
                      + TABLE
                      + " VERSION AS OF "
                      + snapshot
                      + " WHERE customer_id = 'c-1'"))
          .as("snapshot %s", snapshot)
          .containsExactly("0");
    }
    assertThat(
            rows(
                "SELECT record_id FROM platform."
                    + TABLE
                    + " VERSION AS OF "
                    + beforeCustomer
                    + " ORDER BY record_id"))
        .containsExactly("r1", "r2");

    // every Parquet object of the table in the bucket, read behind the catalog's back
    List<Path> parquet = parquetObjects(lake.tableLocation("raw", "customers"));
    assertThat(parquet).isNotEmpty();
    int dataFiles = 0;
    for (Path file : parquet) {
      Dataset<Row> content = spark.read().parquet(file.toUri().toString());
      if (List.of(content.columns()).contains("customer_id")) {
        dataFiles++;
        assertThat(content.filter("customer_id = 'c-1'").count()).as("%s", file).isZero();
      }
    }
    assertThat(dataFiles).isPositive();

    // the receipt: hashed, sealed by its SHA-256, never the subject in clear
    JsonNode receipt = erasure.path("receipt");
    assertThat(receipt.isMissingNode()).isFalse();
    assertThat(erasure.toString()).doesNotContain("\"c-1\"");
    assertThat(erasure.path("receiptSha256").asText())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(
                            canonical(receipt).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
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
    com.fasterxml.jackson.databind.ObjectMapper sorted =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(
                com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
                true);
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
    // one data file per commit, so that a delete leaves a delete file
    sql(
        "INSERT INTO platform."
            + TABLE
            + " SELECT /*+ COALESCE(1) */ * FROM VALUES "
            + values
            + " AS v(customer_id, record_id, region)");
  }

  private static long currentSnapshot() {
    return Long.parseLong(
        rows("SELECT snapshot_id FROM platform."
                + TABLE
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
}
