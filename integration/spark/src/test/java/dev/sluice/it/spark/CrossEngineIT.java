package dev.sluice.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.it.TrinoServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spark and Trino share tables through Sluice: what one engine writes, the other reads row for row,
 * including the other engine's row-level changes and history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossEngineIT {
  private SluiceLakehouse lake;
  private SparkSession spark;
  private TrinoServer trino;
  private Connection jdbc;

  @BeforeAll
  void start() throws Exception {
    Path workDir =
        Path.of(System.getProperty("sluice.it.workdir", "target/spark-it")).resolve("cross");
    lake = SluiceLakehouse.start(workDir);
    trino =
        TrinoServer.start(
            workDir.resolve("trino"),
            lake.catalogUri(),
            SluiceLakehouse.WAREHOUSE_NAME,
            lake.sluice().adminToken(),
            lake.s3());
    jdbc = DriverManager.getConnection(trino.jdbcUrl(), TrinoServer.USER, null);
    spark = SparkSessions.forLakehouse(lake);
  }

  @AfterAll
  void stop() throws SQLException {
    try {
      SparkSessions.stop(spark);
      if (jdbc != null) {
        jdbc.close();
      }
    } finally {
      if (trino != null) {
        trino.close();
      }
      if (lake != null) {
        lake.close();
      }
    }
  }

  private List<String> spark(String sql) {
    return spark.sql(sql).collectAsList().stream()
        .map(row -> row.mkString("|"))
        .collect(Collectors.toList());
  }

  private List<String> trino(String sql) throws SQLException {
    try (Statement statement = jdbc.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          values.add(String.valueOf(result.getObject(i)));
        }
        rows.add(String.join("|", values));
      }
      return rows;
    }
  }

  private void trinoUpdate(String sql) throws SQLException {
    try (Statement statement = jdbc.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  @Test
  void trinoReadsWhatSparkWroteIncludingDeletesAndHistory() throws Exception {
    spark.sql("CREATE NAMESPACE sluice.from_spark");
    spark.sql(
        "CREATE TABLE sluice.from_spark.orders (id BIGINT, region STRING, amount DOUBLE)"
            + " USING iceberg PARTITIONED BY (region)"
            + " TBLPROPERTIES ('write.delete.mode'='merge-on-read',"
            + " 'write.update.mode'='merge-on-read')");
    spark.sql(
        "INSERT INTO sluice.from_spark.orders VALUES (1, 'eu', 10.0), (2, 'us', 20.0),"
            + " (3, 'eu', 30.0)");
    long firstSnapshot = lake.currentSnapshotId("from_spark", "orders");
    spark.sql("DELETE FROM sluice.from_spark.orders WHERE id = 2");
    spark.sql("UPDATE sluice.from_spark.orders SET amount = 31.5 WHERE id = 3");

    assertThat(trino("SELECT id, region, amount FROM sluice.from_spark.orders ORDER BY id"))
        .containsExactly("1|eu|10.0", "3|eu|31.5");
    assertThat(
            trino(
                "SELECT id, region, amount FROM sluice.from_spark.orders FOR VERSION AS OF "
                    + firstSnapshot
                    + " ORDER BY id"))
        .containsExactly("1|eu|10.0", "2|us|20.0", "3|eu|30.0");
    assertThat(
            trino(
                "SELECT snapshot_id FROM sluice.from_spark.\"orders$snapshots\""
                    + " ORDER BY committed_at"))
        .hasSize(3)
        .first()
        .isEqualTo(String.valueOf(firstSnapshot));
    assertThat(trino("SELECT count(*) FROM sluice.from_spark.\"orders$files\" WHERE content = 1"))
        .as("Spark's merge-on-read delete files are read by Trino")
        .containsExactly("2");
  }

  @Test
  void sparkReadsWhatTrinoWroteIncludingSchemaChanges() throws Exception {
    trinoUpdate("CREATE SCHEMA sluice.from_trino");
    trinoUpdate(
        "CREATE TABLE sluice.from_trino.customers (id BIGINT, name VARCHAR, country VARCHAR)"
            + " WITH (partitioning = ARRAY['country'])");
    trinoUpdate(
        "INSERT INTO sluice.from_trino.customers VALUES (1, 'Ada', 'uk'), (2, 'Linus', 'fi'),"
            + " (3, 'Grace', 'us')");
    long firstSnapshot = lake.currentSnapshotId("from_trino", "customers");
    trinoUpdate("DELETE FROM sluice.from_trino.customers WHERE id = 2");
    trinoUpdate("ALTER TABLE sluice.from_trino.customers ADD COLUMN email VARCHAR");
    trinoUpdate("ALTER TABLE sluice.from_trino.customers RENAME COLUMN name TO full_name");
    trinoUpdate("UPDATE sluice.from_trino.customers SET email = 'ada@example.com' WHERE id = 1");

    assertThat(
            spark(
                "SELECT id, full_name, country, email FROM sluice.from_trino.customers ORDER BY id"))
        .containsExactly("1|Ada|uk|ada@example.com", "3|Grace|us|null");
    assertThat(
            spark(
                "SELECT * FROM sluice.from_trino.customers VERSION AS OF "
                    + firstSnapshot
                    + " ORDER BY id"))
        .containsExactly("1|Ada|uk", "2|Linus|fi", "3|Grace|us");
    List<Row> snapshots =
        spark.sql("SELECT snapshot_id FROM sluice.from_trino.customers.snapshots").collectAsList();
    assertThat(snapshots).extracting(row -> row.getLong(0)).contains(firstSnapshot);

    // and Spark appends to Trino's table, which Trino then reads
    spark.sql(
        "INSERT INTO sluice.from_trino.customers VALUES (4, 'Barbara', 'us', 'bl@example.com')");
    assertThat(trino("SELECT id, full_name, email FROM sluice.from_trino.customers ORDER BY id"))
        .containsExactly("1|Ada|ada@example.com", "3|Grace|null", "4|Barbara|bl@example.com");
  }
}
