package dev.sluice.bench.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark side of the signing benchmark, in its own JVM: Spark local[2] with two Iceberg REST
 * catalogs on the same Sluice and the same table, {@code keys} (S3FileIO with S3Proxy's keys) and
 * {@code signed} (no keys; {@code X-Iceberg-Access-Delegation: remote-signing}, so every S3 request
 * is signed by Sluice). {@code write} creates the table through {@code keys} with one data file per
 * Spark partition; {@code scan} reads every row through both catalogs, alternating which goes
 * first, and checks that both return the same aggregate.
 *
 * <p>Usage: {@code SparkScan <settings.properties> <results file>}; each result is one
 * tab-separated line: {@code wrote files rows millis} or {@code scan catalog round millis rows
 * checksum} (round 0 is the unmeasured warm-up).
 */
public final class SparkScan {
  private SparkScan() {}

  public static void main(String[] args) throws Exception {
    Properties settings = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      settings.load(in);
    }
    Path results = Path.of(args[1]);
    String table = settings.getProperty("table");
    SparkSession spark = start(settings);
    try {
      switch (settings.getProperty("action")) {
        case "write" -> write(spark, settings, table, results);
        case "scan" -> scan(spark, settings, table, results);
        default -> throw new IllegalArgumentException("action: write or scan");
      }
    } finally {
      spark.stop();
    }
  }

  private static SparkSession start(Properties settings) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("sluice-bench-signing")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", settings.getProperty("spark-warehouse"))
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            // a count from manifest statistics would read no data file
            .config("spark.sql.iceberg.aggregate-push-down.enabled", "false");
    for (String catalog : List.of("keys", "signed")) {
      String prefix = "spark.sql.catalog." + catalog;
      builder
          .config(prefix, "org.apache.iceberg.spark.SparkCatalog")
          .config(prefix + ".type", "rest")
          .config(prefix + ".uri", settings.getProperty("uri"))
          .config(prefix + ".warehouse", settings.getProperty("warehouse"))
          .config(prefix + ".rest.auth.type", "oauth2")
          .config(prefix + ".token", settings.getProperty("token"))
          // every scan loads the table, as a new query of another session would
          .config(prefix + ".cache-enabled", "false")
          .config(prefix + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    }
    builder
        .config("spark.sql.catalog.keys.s3.endpoint", settings.getProperty("s3.endpoint"))
        .config("spark.sql.catalog.keys.s3.path-style-access", "true")
        .config("spark.sql.catalog.keys.s3.access-key-id", settings.getProperty("s3.access-key-id"))
        .config(
            "spark.sql.catalog.keys.s3.secret-access-key",
            settings.getProperty("s3.secret-access-key"))
        .config("spark.sql.catalog.keys.client.region", settings.getProperty("s3.region"))
        .config("spark.sql.catalog.signed.header.X-Iceberg-Access-Delegation", "remote-signing");
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** One data file per partition: {@code files} partitions of {@code rows-per-file} rows. */
  private static void write(SparkSession spark, Properties settings, String table, Path results)
      throws Exception {
    int files = Integer.parseInt(settings.getProperty("files"));
    long rowsPerFile = Long.parseLong(settings.getProperty("rows-per-file"));
    String namespace = table.substring(0, table.lastIndexOf('.'));
    spark.sql("CREATE NAMESPACE IF NOT EXISTS keys." + namespace);
    spark.sql(
        "CREATE TABLE keys."
            + table
            + " (id bigint, customer_id int, region string, amount decimal(18,2),"
            + " event_time timestamp) USING iceberg TBLPROPERTIES ('format-version'='2')");
    long t0 = System.nanoTime();
    spark
        .range(0, files * rowsPerFile, 1, files)
        .selectExpr(
            "id",
            "cast(id % 10000 as int) as customer_id",
            "concat('region-', cast(id % 17 as string)) as region",
            "cast(id % 100000 / 100.0 as decimal(18,2)) as amount",
            "timestamp_seconds(1700000000 + id) as event_time")
        .writeTo("keys." + table)
        .append();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    long written =
        spark.sql("SELECT count(*) FROM keys." + table + ".data_files").first().getLong(0);
    append(results, "wrote\t" + written + "\t" + files * rowsPerFile + "\t" + millis);
  }

  /** A warm-up scan through each catalog, then {@code rounds} measured rounds of both. */
  private static void scan(SparkSession spark, Properties settings, String table, Path results)
      throws IOException {
    int rounds = Integer.parseInt(settings.getProperty("rounds"));
    for (int round = 0; round <= rounds; round++) {
      List<String> order = round % 2 == 0 ? List.of("keys", "signed") : List.of("signed", "keys");
      List<String> checksums = new ArrayList<>();
      for (String catalog : order) {
        long t0 = System.nanoTime();
        Row row =
            spark
                .sql(
                    "SELECT count(*), sum(id), sum(customer_id), sum(amount),"
                        + " sum(length(region)), max(event_time) FROM "
                        + catalog
                        + "."
                        + table)
                .first();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String checksum =
            String.format(
                Locale.ROOT,
                "%s/%s/%s/%s/%s",
                row.get(1),
                row.get(2),
                row.get(3),
                row.get(4),
                row.get(5));
        checksums.add(checksum);
        append(
            results,
            "scan\t"
                + catalog
                + "\t"
                + round
                + "\t"
                + millis
                + "\t"
                + row.getLong(0)
                + "\t"
                + checksum);
      }
      if (!checksums.get(0).equals(checksums.get(1))) {
        throw new IllegalStateException(
            "the catalogs read different data in round " + round + ": " + checksums);
      }
    }
  }

  private static void append(Path results, String line) throws IOException {
    Files.writeString(results, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
