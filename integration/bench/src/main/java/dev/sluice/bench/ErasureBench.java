package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.ErasureResults.ErasureRow;
import dev.sluice.bench.ErasureResults.Generated;
import dev.sluice.bench.ErasureResults.SweepRow;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.Ports;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoEtc;
import dev.sluice.it.TrinoServer;
import io.trino.jdbc.TrinoDriver;
import io.trino.jdbc.TrinoStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What erasing one data subject and sweeping expired rows cost on a table of millions of rows, with
 * the rewrite in Sluice's process and through Trino. Sluice on PostgreSQL with an {@code s3://}
 * warehouse on S3Proxy is started once per executor on the same database, each with a policy that
 * declares only that executor's two tables: an erasure reaches every table whose dataset names a
 * subject column, so each server must see its own copy only. The first server's Trino writes every
 * table (TPC-H orders from Trino's {@code tpch} connector, then copies), so both executors start
 * from the same rows.
 */
final class ErasureBench {
  static final String DATABASE = "sluice_erasure";
  static final String BUCKET = SigningBench.BUCKET;
  static final String NAMESPACE = "bench";

  /** The Trino catalog on Sluice: the tables are written through it, and Sluice's jobs use it. */
  static final String CATALOG = "sluice";

  /** The Trino user Sluice's jobs run as. */
  static final String JOBS_USER = "sluice-jobs";

  private static final String SETUP_USER = "bench-setup";
  private static final String WAREHOUSE_NAME = "sluice";
  private static final String WAREHOUSE = "s3://" + BUCKET + "/erasure-warehouse/";
  private static final String ZONE_ROOT = "s3://" + BUCKET + "/erasure/" + NAMESPACE + "/";
  private static final String SUBJECT_KEY = "sluice-bench-erasure-subject-key";
  private static final String MONTHLY = "ARRAY['month(order_date)']";
  private static final String YEARLY = "ARRAY['year(order_date)']";

  /** TPC-H orders as generated, before the measured tables are copied from them. */
  static final String STAGING = "orders_tpch";

  /** TPC-H orders per unit of scale factor. */
  private static final double ORDERS_PER_SCALE_FACTOR = 1_500_000;

  /** Expired rows get a date in the past, the others this far-away one. */
  private static final String NEVER = "TIMESTAMP '2199-12-31 00:00:00.000000'";

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final long SAY_EVERY_MILLIS = 15_000;

  /** Where a table's rewrite runs: in Sluice's process, or through Trino. */
  record Executor(String name, boolean trino) {
    Executor {
      if (!name.equals("in-process") && !name.equals("trino")) {
        throw new IllegalArgumentException(
            "bench.erasure.executors: in-process or trino, not " + name);
      }
    }

    static Executor of(String name) {
      return new Executor(name, name.equals("trino"));
    }

    String orders() {
      return "orders_" + name.replace('-', '_');
    }

    String expiring() {
      return "expiring_" + name.replace('-', '_');
    }
  }

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final ErasureResults results;

  /** Per orders table: the subject's rows and the data files holding them; expired rows. */
  private final Map<String, long[]> subjectIn = new HashMap<>();

  private final Map<String, Long> expiredIn = new HashMap<>();
  private final Map<String, Generated> generated = new HashMap<>();

  /** A running Trino's start-up seconds and memory after start, for the targets table. */
  private final Map<TrinoServer, double[]> trinoStarted = new HashMap<>();

  private String subject;
  private Infra infra;

  ErasureBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.results = report.erasure;
  }

  void run(Infra infra) throws Exception {
    this.infra = infra;
    List<Executor> executors = Settings.erasureExecutors().stream().map(Executor::of).toList();
    report.notes.put(
        "erasure data",
        String.format(
            Locale.ROOT,
            "TPC-H orders (Trino tpch connector, scale factor %s) written through Trino 476 into"
                + " Iceberg format v2 partitioned by month(order_date), customer_id = 'c-' ||"
                + " custkey; one copy per executor, and per executor a copy with retention_until"
                + " set in the past for about %d %% of rows",
            scaleFactor(),
            Settings.erasureExpiredPercent()));
    report.notes.put(
        "erasure servers",
        "Sluice on PostgreSQL + S3Proxy, one start per executor on the same database, each with a"
            + " policy declaring only its own tables; sluice.jobs.max-attempts=1; Trino runs only"
            + " while the executor is trino (and while writing the tables)");
    infra.postgres().createDatabase(DATABASE);
    // Sluice learns Trino's address at start; Trino learns Sluice's when it starts after it
    int trinoPort = Ports.free();
    boolean written = false;
    for (Executor executor : executors) {
      Progress.say("=== erasure benchmark: Sluice with the %s executor", executor.name());
      SluiceServer sluice;
      long t0 = System.nanoTime();
      try {
        sluice = closer.register(start(executor, trinoPort));
      } catch (Exception e) {
        String reason = RestCatalogClient.abbreviate(startFailure(executor, e), 400);
        Progress.say("Sluice (%s) could not be started: %s", executor.name(), reason);
        results.checks().put("sluice " + executor.name(), "NOT RUN: " + reason);
        continue;
      }
      double startup = (System.nanoTime() - t0) / 1e9;
      long pid = sluice.process().pid();
      double[] afterStart = Targets.memoryMiB(pid);
      String status = "ok";
      TrinoServer trino = null;
      try {
        checkPolicy(sluice, executor);
        if (!written || executor.trino()) {
          trino = startTrino(sluice, trinoPort, executor);
        }
        if (!written) {
          write(trino, executors);
          written = true;
        }
        if (!executor.trino() && trino != null) {
          // the in-process figures get the machine to themselves
          stopTrino(trino);
          trino = null;
        }
        erase(executor, sluice, trino);
        sweep(executor, sluice, trino);
      } catch (Exception e) {
        status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
        Progress.say("erasure benchmark with the %s executor failed: %s", executor.name(), e);
        results.checks().put("sluice " + executor.name(), status);
      } finally {
        if (trino != null) {
          stopTrino(trino);
        }
        double[] atEnd = Targets.memoryMiB(pid);
        report.targets.add(
            new Report.TargetInfo(
                "sluice " + executor.name(),
                "Sluice on PostgreSQL + S3 API (S3Proxy), rewrites "
                    + (executor.trino()
                        ? "through Trino (sluice.jobs.trino.in-process-max-bytes=0)"
                        : "in its process (no sluice.jobs.trino.url)"),
                status,
                startup,
                afterStart[0],
                atEnd[0],
                atEnd[1]));
        closer.closeNow(sluice);
      }
      if (!written) {
        results.checks().put("tables", "not written; nothing further measured");
        return;
      }
    }
  }

  // ---- servers ----

  private SluiceServer start(Executor executor, int trinoPort) throws IOException {
    Path policies = writePolicy(executor);
    Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), DATABASE);
    config.putAll(SluiceServer.onS3(infra.s3(), WAREHOUSE));
    config.put("sluice.policy.directory", policies.toString());
    config.put("sluice.erasure.subject-key", SUBJECT_KEY);
    // a failure shows at once instead of after retries minutes apart
    config.put("sluice.jobs.max-attempts", "1");
    if (executor.trino()) {
      config.put("sluice.jobs.trino.url", "jdbc:trino://127.0.0.1:" + trinoPort);
      config.put("sluice.jobs.trino.catalog", CATALOG);
      config.put("sluice.jobs.trino.user", JOBS_USER);
      config.put("sluice.jobs.trino.in-process-max-bytes", "0");
    }
    return SluiceServer.start(workDir.resolve("sluice-" + executor.name()), config);
  }

  /** Why a server did not start: the log's errors, which the exception's log head may not reach. */
  private String startFailure(Executor executor, Exception e) {
    Path log = workDir.resolve("sluice-" + executor.name()).resolve("sluice.log");
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

  /**
   * The zone of namespace {@value #NAMESPACE} and this executor's tables only: the orders copy
   * names its subject column, the expiring copy its expiry column.
   */
  private Path writePolicy(Executor executor) throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("policies-" + executor.name()));
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
            .replace("NAMESPACE", NAMESPACE)
            .replace("ZONE_ROOT", ZONE_ROOT)
            .replace("ORDERS", executor.orders())
            .replace("EXPIRING", executor.expiring());
    Files.writeString(dir.resolve("sluice.yaml"), yaml);
    return dir;
  }

  /** A policy that fails validation is logged and not applied: that must not go unnoticed. */
  private static void checkPolicy(SluiceServer sluice, Executor executor) throws Exception {
    RestCatalogClient admin = new RestCatalogClient(sluice.baseUri(), null, sluice.adminToken());
    JsonNode policy =
        RestCatalogClient.JSON.readTree(
            admin.expect("GET", sluice.baseUri() + "/api/v1/policy", null, 200).body());
    String appliedBy = policy.path("appliedBy").asText();
    if (!appliedBy.endsWith("policies-" + executor.name())) {
      throw new IllegalStateException(
          "the benchmark's policy was not applied (active: "
              + RestCatalogClient.abbreviate(policy.toString(), 200)
              + "); see sluice.log");
    }
  }

  private TrinoServer startTrino(SluiceServer sluice, int port, Executor executor)
      throws IOException {
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    Map<String, String> lake =
        TrinoServer.icebergRestCatalog(sluice.baseUri(), WAREHOUSE_NAME, sluice.adminToken());
    lake.putAll(TrinoServer.onS3(infra.s3()));
    catalogs.put(CATALOG, lake);
    catalogs.put("tpch", Map.of("connector.name", "tpch"));
    long t0 = System.nanoTime();
    TrinoServer trino =
        closer.register(
            TrinoServer.start(
                workDir.resolve("trino-" + executor.name()),
                catalogs,
                Map.of("http-server.http.port", String.valueOf(port)),
                new TrinoEtc().plugin("tpch")));
    awaitWorker(trino);
    trinoStarted.put(
        trino,
        new double[] {(System.nanoTime() - t0) / 1e9, Targets.memoryMiB(trino.process().pid())[0]});
    return trino;
  }

  /**
   * Trino answers as started before its one node has announced itself as a worker; until then a
   * query that needs a worker fails with "nodes is empty".
   */
  private static void awaitWorker(TrinoServer trino) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection c = connect(trino)) {
        single(c, "SELECT count(*) FROM tpch.tiny.region");
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("Trino has no worker after 60 s: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Trino's worker", e);
      }
    }
  }

  private void stopTrino(TrinoServer trino) {
    double[] memory = Targets.memoryMiB(trino.process().pid());
    double[] started = trinoStarted.remove(trino);
    report.targets.add(
        new Report.TargetInfo(
            "trino",
            "Trino 476, catalog " + CATALOG + " on Sluice with the admin token, catalog tpch",
            "ok",
            started[0],
            started[1],
            memory[0],
            memory[1]));
    closer.closeNow(trino);
  }

  private static Connection connect(TrinoServer trino) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SETUP_USER);
    return new TrinoDriver().connect(trino.jdbcUrl(CATALOG), properties);
  }

  // ---- data ----

  static String scaleFactor() {
    return String.format(Locale.ROOT, "%.4f", Settings.erasureRows() / ORDERS_PER_SCALE_FACTOR)
        .replaceAll("0+$", "")
        .replaceAll("\\.$", "");
  }

  /**
   * TPC-H orders once into a staging table partitioned by year, then every executor's tables from
   * it a year at a time: a month-partitioned table written in one statement keeps a Parquet writer
   * open for each of its 80 partitions, which a 2 GB Trino does not hold at ten million rows. So
   * every table has one snapshot per year, as one loaded over time would, and the executors erase
   * and sweep the same rows.
   */
  private void write(TrinoServer trino, List<Executor> executors) throws Exception {
    try (Connection c = connect(trino)) {
      execute(c, "CREATE SCHEMA IF NOT EXISTS " + CATALOG + "." + NAMESPACE);
      String tpch = "tpch.\"sf" + scaleFactor() + "\".orders";
      create(
          c,
          STAGING,
          tpch,
          YEARLY,
          List.of(
              "SELECT orderkey AS order_id, 'c-' || CAST(custkey AS varchar) AS customer_id,"
                  + " CASE WHEN custkey % 7 = 0 THEN 'withdrawn' ELSE 'granted' END"
                  + " AS consent_status, orderstatus AS order_status,"
                  + " CAST(totalprice AS decimal(12, 2)) AS total_price, orderdate AS order_date,"
                  + " orderpriority AS order_priority, clerk, shippriority AS ship_priority,"
                  + " comment FROM "
                  + tpch));
      List<String> years = yearFilters(c);
      for (Executor executor : executors) {
        create(
            c,
            executor.orders(),
            STAGING,
            MONTHLY,
            years.stream().map(year -> "SELECT * FROM " + qualified(STAGING) + year).toList());
      }
      String first = executors.get(0).orders();
      String firstExpiring = executors.get(0).expiring();
      create(
          c,
          firstExpiring,
          first,
          MONTHLY,
          years.stream()
              .map(
                  year ->
                      "SELECT *, CASE WHEN rand() < "
                          + Settings.erasureExpiredPercent() / 100.0
                          + " THEN CAST(order_date AS timestamp(6)) + INTERVAL '7' YEAR ELSE "
                          + NEVER
                          + " END AS retention_until FROM "
                          + qualified(first)
                          + year)
              .toList());
      for (Executor executor : executors.subList(1, executors.size())) {
        create(
            c,
            executor.expiring(),
            firstExpiring,
            MONTHLY,
            years.stream()
                .map(year -> "SELECT * FROM " + qualified(firstExpiring) + year)
                .toList());
      }
      chooseSubject(c, first);
      for (Executor executor : executors) {
        subjectIn.put(executor.orders(), subjectRowsAndFiles(c, executor.orders()));
        expiredIn.put(executor.expiring(), expired(c, executor.expiring()));
      }
    }
  }

  /**
   * One {@code WHERE} per year of the staging table's order dates; the first and last are open, so
   * together they take every row.
   */
  private static List<String> yearFilters(Connection c) throws SQLException {
    int from;
    int to;
    try (Statement statement = c.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT year(min(order_date)), year(max(order_date)) FROM " + qualified(STAGING))) {
      rs.next();
      from = rs.getInt(1);
      to = rs.getInt(2);
    }
    List<String> filters = new ArrayList<>();
    for (int year = from; year <= to; year++) {
      String after = "order_date >= DATE '" + year + "-01-01'";
      String before = "order_date < DATE '" + (year + 1) + "-01-01'";
      if (from == to) {
        filters.add("");
      } else if (year == from) {
        filters.add(" WHERE " + before);
      } else if (year == to) {
        filters.add(" WHERE " + after);
      } else {
        filters.add(" WHERE " + after + " AND " + before);
      }
    }
    return filters;
  }

  /**
   * {@code CREATE TABLE … AS} the first query, then {@code INSERT INTO …} each further one, with
   * progress lines while they run.
   */
  private void create(
      Connection c, String table, String from, String partitioning, List<String> selects)
      throws Exception {
    Progress.say(
        "writing %s from %s through Trino in %d statements",
        qualified(table), from, selects.size());
    long t0 = System.nanoTime();
    long rows = 0;
    for (int i = 0; i < selects.size(); i++) {
      String sql =
          i == 0
              ? "CREATE TABLE "
                  + qualified(table)
                  + " WITH (format_version = 2, partitioning = "
                  + partitioning
                  + ") AS "
                  + selects.get(i)
              : "INSERT INTO " + qualified(table) + " " + selects.get(i);
      String step = table + " " + (i + 1) + "/" + selects.size();
      try (Statement statement = c.createStatement()) {
        AtomicLong said = new AtomicLong(System.currentTimeMillis());
        statement
            .unwrap(TrinoStatement.class)
            .setProgressMonitor(
                stats -> {
                  long now = System.currentTimeMillis();
                  if (now - said.get() >= SAY_EVERY_MILLIS) {
                    said.set(now);
                    Progress.say(
                        "  %s: %s, %d rows read, %d s",
                        step,
                        stats.getState(),
                        stats.getProcessedRows(),
                        stats.getElapsedTimeMillis() / 1000);
                  }
                });
        rows += statement.executeLargeUpdate(sql);
      }
      if (selects.size() > 1) {
        Progress.say(
            "  %s: %d rows so far, %d s", step, rows, (System.nanoTime() - t0) / 1_000_000_000L);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long files;
    long bytes;
    try (Statement statement = c.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), sum(file_size_in_bytes) FROM "
                    + CATALOG
                    + "."
                    + NAMESPACE
                    + ".\""
                    + table
                    + "$files\" WHERE content = 0")) {
      rs.next();
      files = rs.getLong(1);
      bytes = rs.getLong(2);
    }
    Generated g = new Generated(qualifiedShort(table), from, rows, files, bytes, seconds);
    generated.put(table, g);
    results.tables().add(g);
    Progress.say(
        "wrote %s: %d rows, %d data files, %s MiB in %s s",
        qualified(table), rows, files, Report.fmt(bytes / 1048576.0), Report.fmt(seconds));
  }

  /**
   * Of customers c-1000 to c-1099, the one with the most orders (then the most data files): one
   * busy customer, whose orders span many months and so many files.
   */
  private void chooseSubject(Connection c, String table) throws SQLException {
    List<String> candidates = new ArrayList<>();
    for (int i = 1000; i < 1100; i++) {
      candidates.add("'c-" + i + "'");
    }
    try (Statement statement = c.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT customer_id, count(*), count(DISTINCT \"$path\") FROM "
                    + qualified(table)
                    + " WHERE customer_id IN ("
                    + String.join(", ", candidates)
                    + ") GROUP BY customer_id ORDER BY 2 DESC, 3 DESC, 1 LIMIT 1")) {
      if (!rs.next()) {
        throw new IllegalStateException("no customer c-1000 to c-1099 in " + table);
      }
      subject = rs.getString(1);
    }
    results.checks().put("subject", subject + " (of c-1000 to c-1099 the one with most orders)");
  }

  private long[] subjectRowsAndFiles(Connection c, String table) throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT count(*), count(DISTINCT \"$path\") FROM "
                + qualified(table)
                + " WHERE customer_id = ?")) {
      statement.setString(1, subject);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static long expired(Connection c, String table) throws SQLException {
    return single(
        c, "SELECT count(*) FROM " + qualified(table) + " WHERE retention_until < " + NEVER);
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    Progress.say("trino: %s", sql);
    try (Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String qualified(String table) {
    return CATALOG + "." + NAMESPACE + "." + table;
  }

  private static String qualifiedShort(String table) {
    return NAMESPACE + "." + table;
  }

  // ---- erasure ----

  private void erase(Executor executor, SluiceServer sluice, TrinoServer trino) throws Exception {
    String table = executor.orders();
    String name = qualifiedShort(table);
    RestCatalogClient admin = admin(sluice);
    TableRef ref = new TableRef(List.of(NAMESPACE), table);
    long recordsBefore = totalRecords(admin, ref);
    long[] subjectBefore = subjectIn.get(table);
    Progress.say(
        "erasure (%s): subject %s, %d rows in %d data files of %s (%d rows)",
        executor.name(), subject, subjectBefore[0], subjectBefore[1], name, recordsBefore);
    ObjectNode request = RestCatalogClient.JSON.createObjectNode();
    request.put("subject", subject);
    request.put("reason", "erasure benchmark");
    request.put("requestId", "bench-" + executor.name() + "-" + UUID.randomUUID());
    String loadBefore = Targets.loadAverage();
    Instant requested = Instant.now();
    JsonNode accepted =
        RestCatalogClient.JSON.readTree(
            admin
                .expect("POST", sluice.baseUri() + "/api/v1/erasures", request.toString(), 202)
                .body());
    String id = accepted.path("id").asText();
    String jobId = accepted.path("jobId").asText();
    JsonNode erasure = awaitErasure(admin, sluice, id, jobId, executor);
    JsonNode job = job(admin, sluice, jobId);
    String state = erasure.path("state").asText();
    Instant done = instant(erasure.path("updatedAt"));
    List<TrinoQuery> queries = trinoQueries(trino, requested);
    List<String> timeline = new ArrayList<>();
    double verifySeconds =
        timeline(admin, sluice, job, name, requested, done, state, queries, timeline);
    if (!state.equals("VERIFIED")) {
      results
          .erasures()
          .add(
              new ErasureRow(
                  executor.name(),
                  name,
                  "FAILED: " + RestCatalogClient.abbreviate(erasure.path("failure").asText(), 300),
                  recordsBefore,
                  generated.get(table).dataFiles(),
                  subjectBefore[0],
                  subjectBefore[1],
                  seconds(requested, done),
                  seconds(job.path("createdAt"), job.path("startedAt")),
                  seconds(job.path("startedAt"), job.path("finishedAt")),
                  0,
                  0,
                  0,
                  0,
                  -1,
                  0,
                  0,
                  0,
                  verifySeconds,
                  "-",
                  queries.size(),
                  timeline));
      return;
    }
    JsonNode receipt = erasure.path("receipt");
    JsonNode tableReceipt = null;
    for (JsonNode t : receipt.path("tables")) {
      if (t.path("table").asText().equals(name)) {
        tableReceipt = t;
      }
    }
    if (tableReceipt == null) {
      throw new IllegalStateException("the receipt names no table " + name + ": " + receipt);
    }
    long bytes = tableReceipt.path("bytesRewritten").asLong(-1);
    // who rewrote each ref: the receipt names an executor per ref it moved
    List<String> ranOn = new ArrayList<>();
    tableReceipt
        .path("refsRepointed")
        .forEach(r -> ranOn.add(r.path("ref").asText() + ": " + r.path("executor").asText("-")));
    JsonNode verification = tableReceipt.path("verification");
    ErasureRow row =
        new ErasureRow(
            executor.name(),
            name,
            "ok",
            recordsBefore,
            generated.get(table).dataFiles(),
            subjectBefore[0],
            subjectBefore[1],
            seconds(requested, done),
            seconds(job.path("createdAt"), job.path("startedAt")),
            seconds(job.path("startedAt"), job.path("finishedAt")),
            tableReceipt.path("rowsDeleted").asLong(),
            tableReceipt.path("filesRewritten").asLong(),
            tableReceipt.path("filesWritten").asLong(),
            tableReceipt.path("filesRemoved").size(),
            bytes,
            tableReceipt.path("snapshotsExpired").size(),
            verification.path("snapshotsScanned").asLong(),
            verification.path("filesScanned").asLong(),
            verifySeconds,
            ranOn.isEmpty() ? "-" : String.join(", ", ranOn),
            queries.size(),
            timeline);
    results.erasures().add(row);
    Progress.say(
        "erasure (%s): %s in %s s (job %s s, verification %s s); %d rows deleted, %d files"
            + " rewritten into %d, %s MiB rewritten; executor %s",
        executor.name(),
        state,
        Report.fmt(row.wallSeconds()),
        Report.fmt(row.jobSeconds()),
        Report.fmt(verifySeconds),
        row.rowsDeleted(),
        row.filesRewritten(),
        row.filesWritten(),
        Report.fmt(bytes / 1048576.0),
        row.executorReported());

    String prefix = "erasure " + executor.name() + ": ";
    results
        .checks()
        .put(
            prefix + "1-minute load average before, after",
            loadBefore + ", " + Targets.loadAverage());
    long recordsAfter = totalRecords(admin, ref);
    results
        .checks()
        .put(
            prefix + "rows deleted = the subject's rows counted through Trino before",
            row.rowsDeleted() == subjectBefore[0]
                ? "yes (" + row.rowsDeleted() + ")"
                : "NO: " + row.rowsDeleted() + " deleted, " + subjectBefore[0] + " counted");
    results
        .checks()
        .put(
            prefix + "table rows after (current snapshot's total-records)",
            recordsAfter
                + (recordsAfter == recordsBefore - row.rowsDeleted()
                    ? " = " + recordsBefore + " - " + row.rowsDeleted()
                    : " != " + recordsBefore + " - " + row.rowsDeleted() + " (MISMATCH)"));
    results.checks().put(prefix + "verification matches", verification.path("matches").asText("-"));
    if (trino != null) {
      try (Connection c = connect(trino)) {
        long[] after = subjectRowsAndFiles(c, table);
        results
            .checks()
            .put(prefix + "subject rows read through Trino after", String.valueOf(after[0]));
      }
      results
          .checks()
          .put(prefix + "Trino queries of user " + JOBS_USER, listed(queries, requested));
    }
  }

  private JsonNode awaitErasure(
      RestCatalogClient admin, SluiceServer sluice, String id, String jobId, Executor executor)
      throws Exception {
    long deadline =
        System.nanoTime() + Duration.ofMinutes(Settings.erasureTimeoutMinutes()).toNanos();
    long said = System.currentTimeMillis();
    long t0 = System.nanoTime();
    while (true) {
      JsonNode erasure =
          RestCatalogClient.JSON.readTree(
              admin.expect("GET", sluice.baseUri() + "/api/v1/erasures/" + id, null, 200).body());
      String state = erasure.path("state").asText();
      if (state.equals("VERIFIED") || state.equals("FAILED")) {
        return erasure;
      }
      if (System.currentTimeMillis() - said >= SAY_EVERY_MILLIS) {
        said = System.currentTimeMillis();
        Progress.say(
            "  erasure (%s): %s, %d s, job progress %s",
            executor.name(),
            state,
            (System.nanoTime() - t0) / 1_000_000_000L,
            job(admin, sluice, jobId).path("progress"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "erasure "
                + id
                + " still "
                + state
                + " after "
                + Settings.erasureTimeoutMinutes()
                + " min");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * The job's start, its audit rows and the erasure's final state in order, as offsets from the
   * request; returns the seconds from the table's last other audit row (its last commit) to its
   * {@code erasure.verify-table} row: the verification pass (and the removal of replaced files
   * before it).
   */
  private static double timeline(
      RestCatalogClient admin,
      SluiceServer sluice,
      JsonNode job,
      String table,
      Instant requested,
      Instant done,
      String state,
      List<TrinoQuery> queries,
      List<String> timeline)
      throws Exception {
    String jobId = job.path("id").asText();
    Map<Instant, String> marks = new java.util.TreeMap<>();
    Instant started = instant(job.path("startedAt"));
    if (started != null) {
      marks.put(started, "job started");
    }
    double verify = Double.NaN;
    Instant lastOther = null;
    List<JsonNode> events = new ArrayList<>();
    for (JsonNode event :
        AuditRows.events(admin, sluice.baseUri(), "system:jobs", requested, Instant.now())) {
      if (event.path("rule").asText().contains("job " + jobId)) {
        events.add(event);
      }
    }
    events.sort(java.util.Comparator.comparing(e -> instant(e.path("time"))));
    for (JsonNode event : events) {
      Instant at = instant(event.path("time"));
      String action = event.path("action").asText();
      mark(
          marks, at, action + (event.path("decision").asText().equals("allow") ? "" : " (denied)"));
      if (!event.path("resource").asText().equals(table)) {
        continue;
      }
      if (action.equals("erasure.verify-table")) {
        if (lastOther != null) {
          verify = seconds(lastOther, at);
        }
      } else {
        lastOther = at;
      }
    }
    for (TrinoQuery query : queries) {
      mark(marks, query.created(), "Trino " + query.verb() + " started");
      mark(
          marks,
          query.end(),
          "Trino " + query.verb() + " " + query.state().toLowerCase(Locale.ROOT));
    }
    if (done != null) {
      mark(marks, done, state);
    }
    marks.forEach(
        (at, what) ->
            timeline.add(String.format(Locale.ROOT, "+%.1f s %s", seconds(requested, at), what)));
    return verify;
  }

  /** Two marks at one instant (two rows of one transaction) both stay, in the order given. */
  private static void mark(Map<Instant, String> marks, Instant at, String what) {
    if (at == null) {
      return;
    }
    while (marks.containsKey(at)) {
      at = at.plusNanos(1);
    }
    marks.put(at, what);
  }

  // ---- retention sweep ----

  private void sweep(Executor executor, SluiceServer sluice, TrinoServer trino) throws Exception {
    String table = executor.expiring();
    String name = qualifiedShort(table);
    RestCatalogClient admin = admin(sluice);
    TableRef ref = new TableRef(List.of(NAMESPACE), table);
    long recordsBefore = totalRecords(admin, ref);
    long expired = expiredIn.get(table);
    Progress.say(
        "retention sweep (%s): %s, %d rows, %d expired",
        executor.name(), name, recordsBefore, expired);
    String loadBefore = Targets.loadAverage();
    Instant requested = Instant.now();
    JsonNode queued =
        RestCatalogClient.JSON.readTree(
            admin
                .expect(
                    "POST",
                    sluice.baseUri() + "/api/v1/jobs",
                    "{\"kind\":\"retention.sweep\",\"table\":\"" + name + "\"}",
                    202)
                .body());
    String jobId = queued.path("id").asText();
    long deadline =
        System.nanoTime() + Duration.ofMinutes(Settings.erasureTimeoutMinutes()).toNanos();
    long said = System.currentTimeMillis();
    JsonNode job;
    while (true) {
      job = job(admin, sluice, jobId);
      String state = job.path("state").asText();
      if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
        break;
      }
      if (System.currentTimeMillis() - said >= SAY_EVERY_MILLIS) {
        said = System.currentTimeMillis();
        Progress.say(
            "  retention sweep (%s): %s, %d s, progress %s",
            executor.name(),
            state,
            Duration.between(requested, Instant.now()).toSeconds(),
            job.path("progress"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "sweep job "
                + jobId
                + " still "
                + state
                + " after "
                + Settings.erasureTimeoutMinutes()
                + " min");
      }
      Thread.sleep(POLL.toMillis());
    }
    List<TrinoQuery> queries = trinoQueries(trino, requested);
    double wall = seconds(requested, instant(job.path("finishedAt")));
    double queuedSeconds = seconds(job.path("createdAt"), job.path("startedAt"));
    double jobSeconds = seconds(job.path("startedAt"), job.path("finishedAt"));
    if (!job.path("state").asText().equals("SUCCEEDED")) {
      results
          .sweeps()
          .add(
              new SweepRow(
                  executor.name(),
                  name,
                  "FAILED: " + RestCatalogClient.abbreviate(job.path("lastError").asText(), 300),
                  recordsBefore,
                  expired,
                  wall,
                  queuedSeconds,
                  jobSeconds,
                  -1,
                  0,
                  0,
                  -1,
                  -1,
                  Double.NaN,
                  Double.NaN,
                  "-",
                  queries.size()));
      return;
    }
    JsonNode result = null;
    for (JsonNode r : job.path("result").path("results")) {
      if (r.path("table").asText().equals(name)) {
        result = r;
      }
    }
    if (result == null) {
      throw new IllegalStateException("the sweep's result names no table " + name + ": " + job);
    }
    long removed = result.path("rowsRemoved").asLong();
    long examined = result.has("rowsKept") ? removed + result.path("rowsKept").asLong() : -1;
    String ranOn = result.path("executor").asText("");
    SweepRow row =
        new SweepRow(
            executor.name(),
            name,
            result.path("skipped").isTextual()
                ? "skipped: " + result.path("skipped").asText()
                : "ok",
            recordsBefore,
            expired,
            wall,
            queuedSeconds,
            jobSeconds,
            examined,
            removed,
            result.path("filesRewritten").asLong(),
            result.has("bytesRewritten") ? result.path("bytesRewritten").asLong() : -1,
            result.has("filesWritten") ? result.path("filesWritten").asLong() : -1,
            examined >= 0 && wall > 0 ? examined / wall : Double.NaN,
            wall > 0 ? recordsBefore / wall : Double.NaN,
            ranOn.isEmpty() ? "not in result" : ranOn,
            queries.size());
    results.sweeps().add(row);
    Progress.say(
        "retention sweep (%s): %s s (job %s s); %s rows examined, %d removed, %d files rewritten;"
            + " %s examined rows/s, %s table rows/s",
        executor.name(),
        Report.fmt(wall),
        Report.fmt(jobSeconds),
        examined < 0 ? "-" : String.valueOf(examined),
        removed,
        row.filesRewritten(),
        Report.fmt(row.rowsExaminedPerSecond()),
        Report.fmt(row.tableRowsPerSecond()));
    String prefix = "sweep " + executor.name() + ": ";
    results
        .checks()
        .put(
            prefix + "1-minute load average before, after",
            loadBefore + ", " + Targets.loadAverage());
    results
        .checks()
        .put(
            prefix + "rows removed = expired rows counted through Trino before",
            removed == expired
                ? "yes (" + removed + ")"
                : "NO: " + removed + " removed, " + expired + " expired");
    long recordsAfter = totalRecords(admin, ref);
    results
        .checks()
        .put(
            prefix + "table rows after (current snapshot's total-records)",
            recordsAfter
                + (recordsAfter == recordsBefore - removed
                    ? " = " + recordsBefore + " - " + removed
                    : " != " + recordsBefore + " - " + removed + " (MISMATCH)"));
    if (trino != null) {
      try (Connection c = connect(trino)) {
        results
            .checks()
            .put(
                prefix + "expired rows read through Trino after",
                String.valueOf(expired(c, table)));
      }
      results
          .checks()
          .put(prefix + "Trino queries of user " + JOBS_USER, listed(queries, requested));
    }
  }

  // ---- helpers ----

  private static RestCatalogClient admin(SluiceServer sluice) throws Exception {
    RestCatalogClient admin =
        new RestCatalogClient(sluice.baseUri(), WAREHOUSE_NAME, sluice.adminToken());
    admin.configure();
    return admin;
  }

  private static JsonNode job(RestCatalogClient admin, SluiceServer sluice, String id)
      throws Exception {
    return RestCatalogClient.JSON.readTree(
        admin.expect("GET", sluice.baseUri() + "/api/v1/jobs/" + id, null, 200).body());
  }

  /** {@code total-records} of the table's current snapshot, as the catalog serves it. */
  private static long totalRecords(RestCatalogClient admin, TableRef table) throws Exception {
    JsonNode metadata =
        RestCatalogClient.JSON.readTree(admin.loadTable(table).body()).path("metadata");
    long current = metadata.path("current-snapshot-id").asLong(-1);
    for (JsonNode snapshot : metadata.path("snapshots")) {
      if (snapshot.path("snapshot-id").asLong() == current) {
        return snapshot.path("summary").path("total-records").asLong(-1);
      }
    }
    return -1;
  }

  /** A query Sluice's jobs ran on Trino. */
  record TrinoQuery(String state, Instant created, Instant end, String text) {
    /** {@code DELETE}, {@code ALTER TABLE … EXECUTE optimize}: what the statement does. */
    String verb() {
      String[] words = text.strip().split("\\s+");
      if (words.length >= 5 && words[0].equalsIgnoreCase("ALTER")) {
        return "ALTER TABLE … " + words[3] + " " + words[4].replaceAll("\\(.*", "");
      }
      return words[0].toUpperCase(Locale.ROOT);
    }

    String describe(Instant from) {
      return String.format(
          Locale.ROOT,
          "%s +%.1f to +%.1f s: %s",
          state,
          seconds(from, created),
          seconds(from, end),
          RestCatalogClient.abbreviate(text.replaceAll("\\s+", " "), 200));
    }
  }

  /** The queries Sluice's jobs ran on Trino since {@code from}. */
  private static List<TrinoQuery> trinoQueries(TrinoServer trino, Instant from)
      throws SQLException {
    List<TrinoQuery> queries = new ArrayList<>();
    if (trino == null) {
      return queries;
    }
    try (Connection c = connect(trino);
        PreparedStatement statement =
            c.prepareStatement(
                "SELECT state, to_iso8601(created), to_iso8601(\"end\"), query"
                    + " FROM system.runtime.queries WHERE \"user\" = ?"
                    + " AND created >= from_iso8601_timestamp(?) ORDER BY created")) {
      statement.setString(1, JOBS_USER);
      statement.setString(2, from.toString());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          queries.add(
              new TrinoQuery(
                  rs.getString(1),
                  parse(rs.getString(2)),
                  parse(rs.getString(3)),
                  rs.getString(4)));
        }
      }
    }
    return queries;
  }

  private static Instant parse(String iso) {
    return iso == null ? null : OffsetDateTime.parse(iso).toInstant();
  }

  /** The first ten, and how many more. */
  private static List<String> listed(List<TrinoQuery> queries, Instant from) {
    List<String> shown = new ArrayList<>();
    queries.stream().limit(10).forEach(q -> shown.add(q.describe(from)));
    if (queries.size() > 10) {
      shown.add("… " + (queries.size() - 10) + " more");
    }
    return shown;
  }

  static Instant instant(JsonNode value) {
    if (value.isNumber()) {
      double seconds = value.asDouble();
      long whole = (long) Math.floor(seconds);
      return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
    }
    if (value.isTextual()) {
      return OffsetDateTime.parse(value.asText()).toInstant();
    }
    return null;
  }

  private static double seconds(JsonNode from, JsonNode to) {
    return seconds(instant(from), instant(to));
  }

  private static double seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return Double.NaN;
    }
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
