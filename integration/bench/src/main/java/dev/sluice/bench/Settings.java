package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the benchmark runs and where it finds its components. Paths come from {@code
 * sluice-bench.properties} (written by the build); every value can be overridden with a system
 * property of the same name.
 */
final class Settings {
  static final String RESOURCE = "/sluice-bench.properties";

  private Settings() {}

  /** Copies the build-time paths into system properties unless they are set already. */
  static void loadBuildProperties() {
    Properties properties = new Properties();
    try (InputStream in = Settings.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String name : properties.stringPropertyNames()) {
      String value = properties.getProperty(name);
      if (System.getProperty(name) == null && !value.contains("${")) {
        System.setProperty(name, value);
      }
    }
  }

  static String string(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static int integer(String name, int fallback) {
    return Integer.parseInt(string(name, String.valueOf(fallback)));
  }

  static List<String> list(String name, String fallback) {
    return Arrays.stream(string(name, fallback).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  static Path outputDir() {
    return Path.of(string("bench.output.dir", "target/bench")).toAbsolutePath();
  }

  // ---- catalog benchmark ----

  /** Targets, in the order they run. */
  static List<String> targets() {
    return list("bench.targets", "sluice-pg,sluice-embedded,iceberg-rest,nessie");
  }

  /** Top-level namespaces of the tree dataset. */
  static int namespaces() {
    return integer("bench.namespaces", 4);
  }

  /** Child namespaces under each top-level namespace. */
  static int childNamespaces() {
    return integer("bench.child-namespaces", 3);
  }

  /** Tables in each child namespace. */
  static int tablesPerNamespace() {
    return integer("bench.tables-per-namespace", 10);
  }

  static int warmupSeconds() {
    return integer("bench.warmup-seconds", 1);
  }

  /** Measured seconds of each read operation at each concurrency. */
  static int readSeconds() {
    return integer("bench.read-seconds", 4);
  }

  /**
   * Whether each target runs the read workloads once, unmeasured, before the timed ones (true), so
   * no target is measured while its JVM, or the shared S3Proxy, still compiles those paths.
   */
  static boolean warmupPass() {
    return Boolean.parseBoolean(string("bench.warmup-pass", "true"));
  }

  /**
   * Seconds of requests of every kind to the shared S3 API before the first target, unmeasured (0:
   * none), so no target meets it colder than the others.
   */
  static int objectStoreWarmupSeconds() {
    return integer("bench.object-store-warmup-seconds", 20);
  }

  static List<Integer> readConcurrency() {
    return list("bench.read-concurrency", "1,8,32").stream().map(Integer::parseInt).toList();
  }

  static int mixSeconds() {
    return integer("bench.mix-seconds", 10);
  }

  static int mixClients() {
    return integer("bench.mix-clients", 8);
  }

  static int contendedClients() {
    return integer("bench.contended-clients", 8);
  }

  static int contendedCommitsPerClient() {
    return integer("bench.contended-commits", 10);
  }

  static int parallelSeconds() {
    return integer("bench.parallel-seconds", 10);
  }

  static int parallelClients() {
    return integer("bench.parallel-clients", 8);
  }

  /** Attempts of one append before the client gives up (each conflict costs one). */
  static int maxAttempts() {
    return integer("bench.max-attempts", 100);
  }

  /** The target whose server process gets a JFR recording per workload (empty: none). */
  static String jfrTarget() {
    return string("bench.jfr", "");
  }

  // ---- lineage benchmark ----

  static int lineageEvents() {
    return integer("bench.lineage.events", 100_000);
  }

  static int lineageDatasets() {
    return integer("bench.lineage.datasets", 10_000);
  }

  static int lineageLayers() {
    return integer("bench.lineage.layers", 8);
  }

  static int lineageInputsPerJob() {
    return integer("bench.lineage.inputs-per-job", 3);
  }

  static int lineageBatch() {
    return integer("bench.lineage.batch", 100);
  }

  static int lineageClients() {
    return integer("bench.lineage.clients", 4);
  }

  /** Ingest stops after this many seconds; the figures then say how many events were sent. */
  static int lineageIngestBudgetSeconds() {
    return integer("bench.lineage.ingest-budget-seconds", 200);
  }

  static int lineageQueries() {
    return integer("bench.lineage.queries", 2000);
  }

  // ---- auth benchmark ----

  /** The server build from before authentication existed: the baseline. */
  static Path authBaselineJar() {
    return Path.of(
        string(
            "bench.auth.baseline-jar",
            "/tmp/sluice-base/catalog-server/target/quarkus-app/quarkus-run.jar"));
  }

  /** The example policy bundle (the build points this at the repository's deploy/policies). */
  static Path authPolicies() {
    return Path.of(string("bench.auth.policies", "deploy/policies")).toAbsolutePath().normalize();
  }

  static int authTables() {
    return integer("bench.auth.tables", 20);
  }

  /**
   * Unmeasured loads before a server's first case; each further case on the same server gets a
   * tenth. The JIT needs many: after 2,000 loads a server still spent several times the CPU per
   * load it spends after 40,000.
   */
  static int authWarmupLoads() {
    return integer("bench.auth.warmup-loads", 40_000);
  }

  /** Measured loads of each case. */
  static int authLoads() {
    return integer("bench.auth.loads", 5000);
  }

  /** Clients of the concurrent cases (baseline and policy); 1 or less: no concurrent cases. */
  static int authConcurrentClients() {
    return integer("bench.auth.concurrent-clients", 8);
  }

  // ---- trino benchmark ----

  /** The example access control of deploy/trino; its Sluice address is replaced by the real one. */
  static Path trinoAccessControl() {
    return Path.of(
            string(
                "bench.trino.access-control",
                authPolicies()
                    .resolveSibling("trino")
                    .resolve("access-control.properties")
                    .toString()))
        .toAbsolutePath()
        .normalize();
  }

  /** Unmeasured decision requests before each case's first measurement on a server. */
  static int trinoWarmupRequests() {
    return integer("bench.trino.warmup-requests", 20_000);
  }

  /** Measured decision requests of each case. */
  static int trinoRequests() {
    return integer("bench.trino.requests", 5000);
  }

  /** Clients of the concurrent decision cases; 1 or less: none. */
  static int trinoConcurrentClients() {
    return integer("bench.trino.concurrent-clients", 8);
  }

  /** Columns of the column-mask batch and tables of the FilterTables batch. */
  static int trinoBatchSize() {
    return integer("bench.trino.batch-size", 50);
  }

  /** Rows of raw.customers. */
  static int trinoRows() {
    return integer("bench.trino.rows", 100);
  }

  /** Unmeasured queries before each Trino case. */
  static int trinoWarmupQueries() {
    return integer("bench.trino.warmup-queries", 20);
  }

  /** Measured queries of each Trino case. */
  static int trinoQueries() {
    return integer("bench.trino.queries", 200);
  }

  // ---- signing benchmark ----

  /**
   * The {@code sluice.signing.audit} modes, one server start each, in order; {@code +reusable} also
   * sets {@code sluice.signing.reusable-reads}.
   */
  static List<String> signingAuditModes() {
    return list("bench.signing.audit", "all,sample-reads,sample-reads+reusable");
  }

  static List<Integer> signingConcurrency() {
    return list("bench.signing.concurrency", "1,8").stream().map(Integer::parseInt).toList();
  }

  /** Unmeasured sign requests at the highest concurrency before each server's first level. */
  static int signingWarmupSeconds() {
    return integer("bench.signing.warmup-seconds", 30);
  }

  /** Measured seconds of sign requests per concurrency. */
  static int signingSeconds() {
    return integer("bench.signing.seconds", 10);
  }

  /** Data files of the scanned table (one per Spark partition of the write). */
  static int signingFiles() {
    return integer("bench.signing.files", 300);
  }

  static int signingRowsPerFile() {
    return integer("bench.signing.rows-per-file", 3000);
  }

  /** Measured rounds of the scan comparison (each: one scan with keys, one signed). */
  static int signingScanRounds() {
    return integer("bench.signing.scan-rounds", 5);
  }

  /** The nested Spark build's output: {@code classes/} and {@code lib/} (spark-scan/pom.xml). */
  static Path signingSparkScanDir() {
    return Path.of(string("bench.signing.spark-scan.dir", "spark-scan")).toAbsolutePath();
  }

  // ---- erasure benchmark ----

  /** Rows of each generated table (TPC-H orders at the matching scale factor). */
  static long erasureRows() {
    return Long.parseLong(string("bench.erasure.rows", "10000000"));
  }

  /** Percentage of rows of the retention tables whose retention_until lies in the past. */
  static int erasureExpiredPercent() {
    return integer("bench.erasure.expired-percent", 10);
  }

  /** Executors in the order they run: {@code in-process}, {@code trino}. */
  static List<String> erasureExecutors() {
    return list("bench.erasure.executors", "trino,in-process");
  }

  /** How long one erasure or sweep may take before the benchmark gives up on it. */
  static int erasureTimeoutMinutes() {
    return integer("bench.erasure.timeout-minutes", 60);
  }

  // ---- scale benchmark ----

  /** Tables the catalog grows by (bulk-imported), on top of the tree dataset. */
  static int scaleTables() {
    return integer("bench.scale.tables", 100_000);
  }

  /** Namespaces the bulk-imported tables are spread over (created through the REST API). */
  static int scaleNamespaces() {
    return integer("bench.scale.namespaces", 1000);
  }

  /** Of {@link #scaleTables()}, how many go into the first namespace (the large listing). */
  static int scaleLargeNamespaceTables() {
    return integer("bench.scale.large-namespace-tables", 10_000);
  }

  /** Rows of one multi-row INSERT of the bulk import. */
  static int scaleInsertBatch() {
    return integer("bench.scale.insert-batch", 1000);
  }

  /** Threads putting metadata files into S3Proxy (and creating namespaces). */
  static int scaleWriters() {
    return integer("bench.scale.writers", 8);
  }

  /** Page size of the paged listings. */
  static int scaleListPageSize() {
    return integer("bench.scale.list-page-size", 100);
  }

  /** Walks through each listed namespace, page by page (the page times of all are pooled). */
  static int scaleListPasses() {
    return integer("bench.scale.list-passes", 3);
  }

  /** Bulk-imported tables loaded through the REST API and checked after the import. */
  static int scaleSpotChecks() {
    return integer("bench.scale.spot-checks", 50);
  }
}
