package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A retention sweep on PostgreSQL and S3: the example policy keeps {@code
 * raw.courier_location_pings} rows 30 days by {@code event_time}. A keyless Spark (remote signing)
 * writes old and recent pings over two commits; the sweep, queued through the admin API, rewrites
 * the files holding old pings and leaves the recent ones, and a second sweep finds nothing to do.
 */
class RetentionSweepIT {
  private static final String TABLE = "raw.courier_location_pings";

  private static GovernedLakehouse lake;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    lake.ensureNamespace("raw");
    lake.dropIfPresent("raw", "courier_location_pings");
    // coordinates are personal data: only the privacy office reads them unmasked
    spark =
        ClientSpark.keyless(
            lake,
            "retention",
            "user:retention-engineer",
            List.of("data-platform", "privacy-office"));
  }

  @AfterAll
  static void tearDown() {
    ClientSpark.stop(spark);
  }

  @Test
  void expiredRowsAreRewrittenAwayAndRecentOnesStay() throws Exception {
    sql(
        "CREATE TABLE platform."
            + TABLE
            + " (courier_id string, latitude double, longitude double, event_time timestamp,"
            + " ingested_at timestamp, record_id string, source_system string, region string)"
            + " USING iceberg TBLPROPERTIES ('format-version'='2')");
    sql(
        "INSERT INTO platform."
            + TABLE
            + " VALUES"
            + " ('c1', 45.76, 4.83, current_timestamp() - INTERVAL 40 DAYS, current_timestamp(),"
            + " 'old-1', 'app', 'eu'),"
            + " ('c2', 50.63, 3.06, current_timestamp() - INTERVAL 35 DAYS, current_timestamp(),"
            + " 'old-2', 'app', 'eu'),"
            + " ('c1', 45.75, 4.84, current_timestamp() - INTERVAL 1 DAYS, current_timestamp(),"
            + " 'new-1', 'app', 'eu')");
    sql(
        "INSERT INTO platform."
            + TABLE
            + " VALUES"
            + " ('c3', 47.21, -1.55, current_timestamp() - INTERVAL 31 DAYS, current_timestamp(),"
            + " 'old-3', 'app', 'eu'),"
            + " ('c3', 47.22, -1.56, current_timestamp() - INTERVAL 2 HOURS, current_timestamp(),"
            + " 'new-2', 'app', 'eu')");
    long before =
        Long.parseLong(rows("SELECT count(*) FROM platform." + TABLE + ".snapshots").get(0));

    JsonNode first = sweep();
    assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
    assertThat(first.path("result").path("rowsRemoved").asLong()).as(first.toString()).isEqualTo(3);
    assertThat(rows("SELECT record_id FROM platform." + TABLE + " ORDER BY record_id"))
        .containsExactly("new-1", "new-2");
    assertThat(rows("SELECT count(*) FROM platform." + TABLE + ".snapshots"))
        .as("the sweep committed one rewrite; snapshots inside the 3-day window stay")
        .containsExactly(String.valueOf(before + 1));
    assertThat(
            rows(
                "SELECT operation FROM platform."
                    + TABLE
                    + ".snapshots ORDER BY committed_at DESC LIMIT 1"))
        .containsExactly("replace");

    JsonNode second = sweep();
    assertThat(second.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(second.path("result").path("rowsRemoved").asLong()).as(second.toString()).isZero();
    assertThat(rows("SELECT count(*) FROM platform." + TABLE + ".snapshots"))
        .containsExactly(String.valueOf(before + 1));
  }

  @Test
  void aTableWithoutRetentionCannotBeSwept() {
    HttpResponse<String> refused =
        lake.send(
            "POST",
            "/api/v1/jobs",
            lake.sluice().adminToken(),
            "{\"kind\":\"retention.sweep\",\"table\":\"raw.signups\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("BadRequestException");
  }

  private static JsonNode sweep() throws Exception {
    HttpResponse<String> queued =
        lake.send(
            "POST",
            "/api/v1/jobs",
            lake.sluice().adminToken(),
            "{\"kind\":\"retention.sweep\",\"table\":\"" + TABLE + "\"}");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    return lake.awaitJob(GovernedLakehouse.json(queued).path("id").asText());
  }

  private static void sql(String statement) {
    Progress.say("spark: %s", statement);
    spark.sql(statement).collect();
  }

  private static List<String> rows(String query) {
    return EngineRows.spark(spark, query);
  }
}
