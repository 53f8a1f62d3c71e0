package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.bench.ErasureCounts.SubjectRows;
import dev.sluice.bench.ErasureResults.ErasureRow;
import dev.sluice.bench.ErasureResults.SweepRow;
import dev.sluice.it.Progress;
import dev.sluice.it.TrinoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One executor's measured runs on its own tables, each followed by its checks: the erasure of one
 * subject from the orders table, then a retention sweep of the expiring table. A failed run is a
 * row with its failure and no checks.
 */
final class ExecutorRun {
  private final ErasureExecutor executor;
  private final SluiceJobsApi api;
  private final TrinoServer trino;
  private final ErasureBaseline before;
  private final ErasureResults results;

  /**
   * {@code api}: of the Sluice started for {@code executor}; {@code trino}: the running Trino for
   * the executor {@code trino}, null for {@code in-process} (whose figures get the machine to
   * themselves); {@code before}: the executor's tables as counted through Trino once written.
   */
  ExecutorRun(
      ErasureExecutor executor,
      SluiceJobsApi api,
      TrinoServer trino,
      ErasureBaseline before,
      ErasureResults results) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.api = Objects.requireNonNull(api, "api");
    this.before = Objects.requireNonNull(before, "before");
    this.results = Objects.requireNonNull(results, "results");
    if (executor.trino() != (trino != null)) {
      throw new IllegalArgumentException(
          "executor " + executor.name() + (trino == null ? " without" : " with") + " Trino");
    }
    this.trino = trino;
  }

  /**
   * The erasure of the subject from the orders table: {@code POST /api/v1/erasures} until {@code
   * VERIFIED} or {@code FAILED}; its figures from the erasure's receipt, its job and the job's
   * audit rows; then the checks.
   */
  void eraseSubject() throws Exception {
    String table = executor.orders();
    String name = ErasureTables.inNamespace(table);
    SubjectRows subjectBefore = before.subjectRows();
    ErasureChecks checks = checks("erasure", table);
    Progress.say(
        "erasure (%s): subject %s, %d rows in %d data files of %s (%d rows)",
        executor.name(),
        before.subject(),
        subjectBefore.rows(),
        subjectBefore.files(),
        name,
        checks.recordsBefore());
    String requestId = "bench-" + executor.name() + "-" + UUID.randomUUID();
    Instant requested = Instant.now();
    JsonNode accepted = api.requestErasure(before.subject(), "erasure benchmark", requestId);
    String id = accepted.path("id").asText();
    String jobId = accepted.path("jobId").asText();
    long t0 = System.nanoTime();
    JsonNode erasure =
        api.awaitErasure(
            id,
            (current, state) ->
                Progress.say(
                    "  erasure (%s): %s, %d s, job progress %s",
                    executor.name(),
                    state,
                    (System.nanoTime() - t0) / 1_000_000_000L,
                    api.job(jobId).path("progress")));
    JsonNode job = api.job(jobId);
    String state = erasure.path("state").asText();
    Instant done = Timestamps.instant(erasure.path("updatedAt"));
    List<TrinoJobQueries.Query> queries = TrinoJobQueries.since(trino, requested);
    ErasureTimeline timeline =
        ErasureTimeline.of(
            job,
            api.auditRowsOfJob(job.path("id").asText(), requested),
            name,
            requested,
            done,
            state,
            queries);
    boolean verified = state.equals("VERIFIED");
    // a failed erasure has no receipt: its row counts nothing rewritten
    JsonNode receipt =
        verified
            ? SluiceJobsApi.entryFor(
                erasure.path("receipt").path("tables"),
                name,
                "the receipt",
                erasure.path("receipt"))
            : MissingNode.getInstance();
    JsonNode verification = receipt.path("verification");
    ErasureRow row =
        new ErasureRow(
            executor.name(),
            name,
            verified
                ? "ok"
                : "FAILED: " + RestCatalogClient.abbreviate(erasure.path("failure").asText(), 300),
            checks.recordsBefore(),
            before.ordersDataFiles(),
            subjectBefore.rows(),
            subjectBefore.files(),
            Timestamps.seconds(requested, done),
            Timestamps.seconds(job.path("createdAt"), job.path("startedAt")),
            Timestamps.seconds(job.path("startedAt"), job.path("finishedAt")),
            receipt.path("rowsDeleted").asLong(),
            receipt.path("filesRewritten").asLong(),
            receipt.path("filesWritten").asLong(),
            receipt.path("filesRemoved").size(),
            receipt.path("bytesRewritten").asLong(-1),
            receipt.path("snapshotsExpired").size(),
            verification.path("snapshotsScanned").asLong(),
            verification.path("filesScanned").asLong(),
            timeline.verifySeconds(),
            rewrittenBy(receipt),
            queries.size(),
            timeline.lines());
    results.erasures().add(row);
    if (verified) {
      checkErasure(row, checks, verification, queries, requested);
    }
  }

  private void checkErasure(
      ErasureRow row,
      ErasureChecks checks,
      JsonNode verification,
      List<TrinoJobQueries.Query> queries,
      Instant requested)
      throws Exception {
    Progress.say(
        "erasure (%s): VERIFIED in %s s (job %s s, verification %s s); %d rows deleted, %d files"
            + " rewritten into %d, %s MiB rewritten; executor %s",
        executor.name(),
        Report.fmt(row.wallSeconds()),
        Report.fmt(row.jobSeconds()),
        Report.fmt(row.verifySeconds()),
        row.rowsDeleted(),
        row.filesRewritten(),
        row.filesWritten(),
        Report.fmt(row.bytesRewritten() / 1048576.0),
        row.executorReported());
    checks.loadAverage();
    checks.removedAsCounted(
        "rows deleted = the subject's rows counted through Trino before",
        row.rowsDeleted(),
        "deleted",
        before.subjectRows().rows(),
        "counted");
    checks.tableRowsAfter(row.rowsDeleted());
    checks.put("verification matches", verification.path("matches").asText("-"));
    checks.throughTrino(
        trino,
        "subject rows read through Trino after",
        c -> ErasureCounts.subjectRows(c, executor.orders(), before.subject()).rows(),
        queries,
        requested);
  }

  /** Who rewrote each ref: the receipt names an executor per ref it moved. */
  private static String rewrittenBy(JsonNode tableReceipt) {
    List<String> ranOn = new ArrayList<>();
    tableReceipt
        .path("refsRepointed")
        .forEach(r -> ranOn.add(r.path("ref").asText() + ": " + r.path("executor").asText("-")));
    return ranOn.isEmpty() ? "-" : String.join(", ", ranOn);
  }

  /**
   * A retention sweep of the expiring table: {@code POST /api/v1/jobs} of kind {@code
   * retention.sweep} until {@code SUCCEEDED} or {@code FAILED}; its figures from the job's result;
   * then the checks.
   */
  void sweepExpired() throws Exception {
    String table = executor.expiring();
    String name = ErasureTables.inNamespace(table);
    long expired = before.expiredRows();
    ErasureChecks checks = checks("sweep", table);
    long recordsBefore = checks.recordsBefore();
    Progress.say(
        "retention sweep (%s): %s, %d rows, %d expired",
        executor.name(), name, recordsBefore, expired);
    Instant requested = Instant.now();
    String jobId =
        api.submitJob("{\"kind\":\"retention.sweep\",\"table\":\"" + name + "\"}")
            .path("id")
            .asText();
    JsonNode job =
        api.awaitJob(
            "sweep",
            jobId,
            (current, state) ->
                Progress.say(
                    "  retention sweep (%s): %s, %d s, progress %s",
                    executor.name(),
                    state,
                    Duration.between(requested, Instant.now()).toSeconds(),
                    current.path("progress")));
    List<TrinoJobQueries.Query> queries = TrinoJobQueries.since(trino, requested);
    double wall = Timestamps.seconds(requested, Timestamps.instant(job.path("finishedAt")));
    double jobSeconds = Timestamps.seconds(job.path("startedAt"), job.path("finishedAt"));
    boolean succeeded = job.path("state").asText().equals("SUCCEEDED");
    // a failed job has no result: its row counts nothing examined or rewritten
    JsonNode result =
        succeeded
            ? SluiceJobsApi.entryFor(
                job.path("result").path("results"), name, "the sweep's result", job)
            : MissingNode.getInstance();
    long removed = result.path("rowsRemoved").asLong();
    long examined = result.has("rowsKept") ? removed + result.path("rowsKept").asLong() : -1;
    SweepRow row =
        new SweepRow(
            executor.name(),
            name,
            status(job, result),
            recordsBefore,
            expired,
            wall,
            Timestamps.seconds(job.path("createdAt"), job.path("startedAt")),
            jobSeconds,
            examined,
            removed,
            result.path("filesRewritten").asLong(),
            result.has("bytesRewritten") ? result.path("bytesRewritten").asLong() : -1,
            result.has("filesWritten") ? result.path("filesWritten").asLong() : -1,
            examined >= 0 && wall > 0 ? examined / wall : Double.NaN,
            succeeded && wall > 0 ? recordsBefore / wall : Double.NaN,
            succeeded ? sweptBy(result) : "-",
            queries.size());
    results.sweeps().add(row);
    if (succeeded) {
      checkSweep(row, checks, queries, requested);
    }
  }

  private void checkSweep(
      SweepRow row, ErasureChecks checks, List<TrinoJobQueries.Query> queries, Instant requested)
      throws Exception {
    Progress.say(
        "retention sweep (%s): %s s (job %s s); %s rows examined, %d removed, %d files rewritten;"
            + " %s examined rows/s, %s table rows/s",
        executor.name(),
        Report.fmt(row.wallSeconds()),
        Report.fmt(row.jobSeconds()),
        row.rowsExamined() < 0 ? "-" : String.valueOf(row.rowsExamined()),
        row.rowsRemoved(),
        row.filesRewritten(),
        Report.fmt(row.rowsExaminedPerSecond()),
        Report.fmt(row.tableRowsPerSecond()));
    checks.loadAverage();
    checks.removedAsCounted(
        "rows removed = expired rows counted through Trino before",
        row.rowsRemoved(),
        "removed",
        row.expiredRows(),
        "expired");
    checks.tableRowsAfter(row.rowsRemoved());
    checks.throughTrino(
        trino,
        "expired rows read through Trino after",
        c -> ErasureCounts.expiredRows(c, executor.expiring()),
        queries,
        requested);
  }

  private static String status(JsonNode job, JsonNode result) {
    if (!job.path("state").asText().equals("SUCCEEDED")) {
      return "FAILED: " + RestCatalogClient.abbreviate(job.path("lastError").asText(), 300);
    }
    return result.path("skipped").isTextual()
        ? "skipped: " + result.path("skipped").asText()
        : "ok";
  }

  /** The executor the result names, which the sweep chose per table. */
  private static String sweptBy(JsonNode result) {
    String named = result.path("executor").asText("");
    return named.isEmpty() ? "not in result" : named;
  }

  /** The checks of {@code run} ({@code erasure} or {@code sweep}) of {@code table}, from now on. */
  private ErasureChecks checks(String run, String table) throws Exception {
    return new ErasureChecks(
        results.checks(), run + " " + executor.name(), api, ErasureTables.ref(table));
  }
}
