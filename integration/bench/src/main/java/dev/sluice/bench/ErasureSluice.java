package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.SluiceServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Sluice for one executor: on PostgreSQL with an {@code s3://} warehouse on S3Proxy, every start on
 * the same database, each with a policy bundle that declares only that executor's tables (an
 * erasure reaches every table whose dataset names a subject column, so each server must see its own
 * copy only).
 */
final class ErasureSluice {
  static final String DATABASE = "sluice_erasure";
  static final String WAREHOUSE_NAME = "sluice";
  private static final String WAREHOUSE = "s3://" + SigningBench.BUCKET + "/erasure-warehouse/";
  private static final String ZONE_ROOT =
      "s3://" + SigningBench.BUCKET + "/erasure/" + ErasureTables.NAMESPACE + "/";
  private static final String SUBJECT_KEY = "sluice-bench-erasure-subject-key";

  private final Infra infra;
  private final Path workDir;

  ErasureSluice(Infra infra, Path workDir) {
    this.infra = infra;
    this.workDir = workDir;
  }

  /** {@code trinoPort}: where the executor {@code trino} finds Trino, which starts after Sluice. */
  SluiceServer start(ErasureExecutor executor, int trinoPort) throws IOException {
    Path policies = writePolicy(executor);
    Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), DATABASE);
    config.putAll(SluiceServer.onS3(infra.s3(), WAREHOUSE));
    config.put("sluice.policy.directory", policies.toString());
    config.put("sluice.erasure.subject-key", SUBJECT_KEY);
    // a failure shows at once instead of after retries minutes apart
    config.put("sluice.jobs.max-attempts", "1");
    if (executor.trino()) {
      config.put("sluice.jobs.trino.url", "jdbc:trino://127.0.0.1:" + trinoPort);
      config.put("sluice.jobs.trino.catalog", ErasureTrino.CATALOG);
      config.put("sluice.jobs.trino.user", ErasureTrino.JOBS_USER);
      config.put("sluice.jobs.trino.in-process-max-bytes", "0");
    }
    return SluiceServer.start(serverDir(executor), config);
  }

  /** How the targets table describes the server of {@code executor}. */
  static String description(ErasureExecutor executor) {
    return "Sluice on PostgreSQL + S3 API (S3Proxy), rewrites "
        + (executor.trino()
            ? "through Trino (sluice.jobs.trino.in-process-max-bytes=0)"
            : "in its process (no sluice.jobs.trino.url)");
  }

  /** Why a server did not start: the log's errors, which the exception's log head may not reach. */
  String startFailure(ErasureExecutor executor, Exception e) {
    Path log = serverDir(executor).resolve("sluice.log");
    try {
      List<String> errors =
          Files.readAllLines(log).stream()
              .filter(l -> l.contains("SRCFG") || l.contains("ERROR"))
              .map(String::strip)
              .limit(4)
              .toList();
      if (!errors.isEmpty()) {
        return String.join(" | ", errors) + " (" + log + ")";
      }
    } catch (IOException ignored) {
      // no log: the exception is all there is
    }
    return String.valueOf(e);
  }

  /** A policy that fails validation is logged and not applied: that must not go unnoticed. */
  static void checkPolicy(SluiceServer sluice, ErasureExecutor executor) throws Exception {
    RestCatalogClient admin = new RestCatalogClient(sluice.baseUri(), null, sluice.adminToken());
    JsonNode policy =
        RestCatalogClient.JSON.readTree(
            admin.expect("GET", sluice.baseUri() + "/api/v1/policy", null, 200).body());
    String appliedBy = policy.path("appliedBy").asText();
    if (!appliedBy.endsWith(policyDir(executor))) {
      throw new IllegalStateException(
          "the benchmark's policy was not applied (active: "
              + RestCatalogClient.abbreviate(policy.toString(), 200)
              + "); see sluice.log");
    }
  }

  private Path serverDir(ErasureExecutor executor) {
    return workDir.resolve("sluice-" + executor.name());
  }

  private static String policyDir(ErasureExecutor executor) {
    return "policies-" + executor.name();
  }

  /**
   * The zone of namespace {@value ErasureTables#NAMESPACE} and this executor's tables only: the
   * orders copy names its subject column, the expiring copy its expiry column.
   */
  private Path writePolicy(ErasureExecutor executor) throws IOException {
    Path dir = Files.createDirectories(workDir.resolve(policyDir(executor)));
    String yaml =
        """
        apiVersion: sluice.dev/v1
        zones:
          bench:
            description: Tables of the erasure benchmark.
            namespaces: [NAMESPACE]
            storage: ZONE_ROOT
        datasets:
          NAMESPACE.ORDERS:
            owner: team:bench
            description: TPC-H orders; one row per order of customer customer_id.
            columns:
              customer_id: {type: varchar}
              consent_status:
            consent:
              subject-column: customer_id
              status-column: consent_status
          NAMESPACE.EXPIRING:
            owner: team:bench
            description: The same orders, each kept until retention_until.
            columns:
              retention_until:
            retention:
              expires-column: retention_until
        """
            .replace("NAMESPACE", ErasureTables.NAMESPACE)
            .replace("ZONE_ROOT", ZONE_ROOT)
            .replace("ORDERS", executor.orders())
            .replace("EXPIRING", executor.expiring());
    Files.writeString(dir.resolve("sluice.yaml"), yaml);
    return dir;
  }
}
