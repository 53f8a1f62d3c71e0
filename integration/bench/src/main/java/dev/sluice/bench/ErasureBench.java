package dev.sluice.bench;

import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.Ports;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What erasing one data subject and sweeping expired rows cost on a table of millions of rows, with
 * the rewrite in Sluice's process and through Trino. Sluice ({@link ErasureSluice}) is started once
 * per executor; the first server's Trino ({@link ErasureTrino}) writes every table ({@link
 * ErasureTables}), so both executors start from the same rows. Then per executor one erasure and
 * one retention sweep ({@link ExecutorRun}), each checked against counts read through Trino.
 */
final class ErasureBench {
  /** Progress lines of a long statement, erasure or sweep at most this often. */
  static final long SAY_EVERY_MILLIS = 15_000;

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final ErasureResults results;

  ErasureBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.results = report.erasure;
  }

  void run(Infra infra) throws Exception {
    List<ErasureExecutor> executors =
        Settings.erasureExecutors().stream().map(ErasureExecutor::new).toList();
    describe();
    infra.postgres().createDatabase(ErasureSluice.DATABASE);
    ErasureSluice sluices = new ErasureSluice(infra, workDir);
    ErasureTrino trinos = new ErasureTrino(report, closer, workDir, infra.s3());
    // Sluice learns Trino's address at start; Trino learns Sluice's when it starts after it
    int trinoPort = Ports.free();
    Map<String, ErasureBaseline> baselines = null;
    for (ErasureExecutor executor : executors) {
      Progress.say("=== erasure benchmark: Sluice with the %s executor", executor.name());
      String label = "sluice " + executor.name();
      SluiceServer sluice;
      long t0 = System.nanoTime();
      try {
        sluice = closer.register(sluices.start(executor, trinoPort));
      } catch (Exception e) {
        String reason = RestCatalogClient.abbreviate(sluices.startFailure(executor, e), 400);
        Progress.say("Sluice (%s) could not be started: %s", executor.name(), reason);
        results.checks().put(label, "NOT RUN: " + reason);
        continue;
      }
      RunningTarget target =
          RunningTarget.readySince(
              t0, label, ErasureSluice.description(executor), sluice.process().pid());
      String status = "ok";
      TrinoServer trino = null;
      try {
        ErasureSluice.checkPolicy(sluice, executor);
        if (baselines == null || executor.trino()) {
          trino = trinos.start(sluice, trinoPort, executor);
        }
        if (baselines == null) {
          baselines = new ErasureTables(results).write(trino, executors);
        }
        if (!executor.trino() && trino != null) {
          // the in-process figures get the machine to themselves
          trinos.stop(trino);
          trino = null;
        }
        ExecutorRun run =
            new ExecutorRun(
                executor, SluiceJobsApi.of(sluice), trino, baselines.get(executor.name()), results);
        run.eraseSubject();
        run.sweepExpired();
      } catch (Exception e) {
        status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
        Progress.say("erasure benchmark with the %s executor failed: %s", executor.name(), e);
        results.checks().put(label, status);
      } finally {
        if (trino != null) {
          trinos.stop(trino);
        }
        report.targets.add(target.ended(status));
        closer.closeNow(sluice);
      }
      if (baselines == null) {
        results.checks().put("tables", "not written; nothing further measured");
        return;
      }
    }
  }

  private void describe() {
    report.notes.put(
        "erasure data",
        String.format(
            Locale.ROOT,
            "TPC-H orders (Trino tpch connector, scale factor %s) written through Trino 476 into"
                + " Iceberg format v2 partitioned by month(order_date), customer_id = 'c-' ||"
                + " custkey; one copy per executor, and per executor a copy with retention_until"
                + " set in the past for about %d %% of rows",
            ErasureTables.scaleFactor(),
            Settings.erasureExpiredPercent()));
    report.notes.put(
        "erasure servers",
        "Sluice on PostgreSQL + S3Proxy, one start per executor on the same database, each with a"
            + " policy declaring only its own tables; sluice.jobs.max-attempts=1; Trino runs only"
            + " while the executor is trino (and while writing the tables)");
  }
}
