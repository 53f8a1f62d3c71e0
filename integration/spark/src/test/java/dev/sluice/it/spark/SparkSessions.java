package dev.sluice.it.spark;

import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark in local mode inside the test JVM, with an Iceberg catalog named {@value #CATALOG} that
 * speaks the REST protocol to Sluice and reads and writes data through {@code S3FileIO} on the
 * lakehouse's S3 API. One SparkContext per JVM: {@link #stop} a session before building the next.
 *
 * <p>The build sets {@code SPARK_LOCAL_IP} (loopback) and {@code SPARK_LOCAL_DIRS} (under {@code
 * target/}) for the test JVM; Spark reads both from the environment.
 */
public final class SparkSessions {
  public static final String CATALOG = "sluice";

  private SparkSessions() {}

  public static SparkSession forLakehouse(SluiceLakehouse lake) {
    return forLakehouse(lake, "sluice-it-spark", Map.of());
  }

  /**
   * A session named {@code appName} with {@code extraConfig} on top of the lakehouse settings (e.g.
   * {@link #openLineageTo}).
   */
  public static SparkSession forLakehouse(
      SluiceLakehouse lake, String appName, Map<String, String> extraConfig) {
    Path sparkDir = lake.workDir().resolve("spark");
    String catalog = "spark.sql.catalog." + CATALOG;
    Progress.say("starting Spark (local[2]) against %s", lake.catalogUri());
    long started = System.nanoTime();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName(appName)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", sparkDir.resolve("warehouse").toUri().toString())
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config(catalog, "org.apache.iceberg.spark.SparkCatalog")
            .config(catalog + ".type", "rest")
            .config(catalog + ".uri", lake.catalogUri())
            .config(catalog + ".warehouse", SluiceLakehouse.WAREHOUSE_NAME)
            // every statement asks the catalog, as another engine's would
            .config(catalog + ".cache-enabled", "false")
            .config(catalog + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
            .config(catalog + ".s3.endpoint", lake.s3Endpoint())
            .config(catalog + ".s3.path-style-access", "true")
            .config(catalog + ".s3.access-key-id", S3ProxyServer.ACCESS_KEY)
            .config(catalog + ".s3.secret-access-key", S3ProxyServer.SECRET_KEY)
            .config(catalog + ".client.region", S3ProxyServer.REGION);
    lake.sluice()
        .icebergClientAuth()
        .forEach((key, value) -> builder.config(catalog + "." + key, value));
    extraConfig.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    Progress.say(
        "Spark %s ready in %d ms", spark.version(), (System.nanoTime() - started) / 1_000_000);
    return spark;
  }

  /**
   * Settings that add the OpenLineage Spark listener, sending its events over HTTP to Sluice's
   * OpenLineage endpoint ({@code POST /api/v1/lineage}, as to Marquez) with {@code token} (which
   * needs the lineage writer role), with the Spark jobs in {@code jobNamespace}.
   */
  public static Map<String, String> openLineageTo(
      SluiceLakehouse lake, String jobNamespace, String token) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener");
    config.put("spark.openlineage.transport.type", "http");
    config.put("spark.openlineage.transport.url", lake.catalogUri());
    config.put("spark.openlineage.transport.endpoint", "/api/v1/lineage");
    config.put("spark.openlineage.transport.timeoutInMillis", "10000");
    // the api_key provider sends "Authorization: Bearer <apiKey>"
    config.put("spark.openlineage.transport.auth.type", "api_key");
    config.put("spark.openlineage.transport.auth.apiKey", token);
    config.put("spark.openlineage.namespace", jobNamespace);
    return config;
  }

  /** Stops the session and its SparkContext so that the JVM can start another one. */
  public static void stop(SparkSession spark) {
    if (spark == null) {
      return;
    }
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    Progress.say("stopped Spark");
  }
}
