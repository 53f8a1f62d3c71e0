package dev.sluice.it.governance;

import dev.sluice.it.Progress;
import dev.sluice.it.WorkDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark in local mode inside the test JVM with one Iceberg catalog per realm client ({@link
 * ClientCatalogs#spark}). Several identities share one SparkContext this way, which a JVM can only
 * hold one of at a time: {@link #stop} it before another test builds its own.
 *
 * <p>The build sets {@code SPARK_LOCAL_IP} (loopback) and {@code SPARK_LOCAL_DIRS} (under {@code
 * target/}) for the test JVM; Spark reads both from the environment.
 */
final class ClientSpark {
  private ClientSpark() {}

  /** A session whose catalogs (name → client) each authenticate as their client. */
  static SparkSession start(GovernedLakehouse lake, Path workDir, Map<String, String> catalogs) {
    Map<String, String> config = new java.util.LinkedHashMap<>();
    catalogs.forEach((name, client) -> config.putAll(ClientCatalogs.spark(lake, name, client)));
    return start(workDir, config, catalogs.keySet().toString());
  }

  /** A session with the given catalog settings ({@code spark.sql.catalog.*}). */
  static SparkSession start(Path workDir, Map<String, String> catalogConfig, String catalogs) {
    Progress.say("starting Spark (local[2]) with catalogs %s", catalogs);
    long started = System.nanoTime();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("sluice-it-governance")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", workDir.resolve("warehouse").toUri().toString())
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    catalogConfig.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    // Spark's INFO lines would bury the progress and failure output of the tests
    spark.sparkContext().setLogLevel("WARN");
    Progress.say(
        "Spark %s ready in %d ms", spark.version(), (System.nanoTime() - started) / 1_000_000);
    return spark;
  }

  /**
   * A session with one catalog, {@code platform}, that holds no S3 keys (remote signing) and
   * authenticates as a new API token of {@code principal} with {@code groups}; its work directory
   * is {@code <it workdir>/<test>}.
   */
  static SparkSession keyless(
      GovernedLakehouse lake, String test, String principal, List<String> groups)
      throws java.io.IOException {
    return keyless(lake, test, principal, groups, Map.of());
  }

  /** Like {@link #keyless(GovernedLakehouse, String, String, List)}, with more settings. */
  static SparkSession keyless(
      GovernedLakehouse lake,
      String test,
      String principal,
      List<String> groups,
      Map<String, String> extra)
      throws java.io.IOException {
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve(test)
                .toAbsolutePath());
    Map<String, String> config =
        new java.util.LinkedHashMap<>(
            ClientCatalogs.sparkSigned(lake, "platform", lake.issueToken(principal, groups)));
    config.putAll(extra);
    return start(workDir.resolve("spark"), config, "[platform]");
  }

  /**
   * Settings that add the OpenLineage Spark listener, sending its events to Sluice's {@code POST
   * /api/v1/lineage} with {@code token} (which needs the lineage writer role), the Spark jobs in
   * {@code jobNamespace}.
   */
  static Map<String, String> openLineageTo(
      GovernedLakehouse lake, String jobNamespace, String token) {
    Map<String, String> config = new java.util.LinkedHashMap<>();
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
  static void stop(SparkSession spark) {
    if (spark == null) {
      return;
    }
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
