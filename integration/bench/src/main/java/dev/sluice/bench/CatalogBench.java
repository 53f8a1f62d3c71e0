package dev.sluice.bench;

import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.RestCatalogClient.TableState;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.bench.Targets.Target;
import dev.sluice.it.Progress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The catalog workloads, modelled on Apache Polaris's benchmark suite, run against each target in
 * turn with the same data and the same client: create a tree dataset; read (loadTable, HEAD table,
 * list tables) at several concurrencies; a 90/10 read/append mix; contended appends to one table;
 * parallel appends across the tree.
 */
final class CatalogBench {
  static final String CREATE = "create tree dataset";
  static final String READ_LOAD = "read: loadTable";
  static final String READ_HEAD = "read: HEAD table";
  static final String READ_LIST = "read: list tables";
  static final String MIX = "read-update mix 90/10";
  static final String CONTENDED = "contended commits (one table)";
  static final String PARALLEL = "parallel commits (many tables)";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final Path outputDir;

  private final TreeDataset tree = new TreeDataset();

  /** Where a workload's measurement goes: a row of the catalog tables, or another mode's. */
  @FunctionalInterface
  interface Sink {
    void measured(String workload, String variant, Measured m, String kind);
  }

  CatalogBench(Report report, Closer closer, Path workDir, Path outputDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.outputDir = outputDir;
  }

  void run(Infra infra) throws Exception {
    report.notes.put("dataset", tree.describe());
    report.notes.put(
        "append",
        "an append = loadTable + commit (add-snapshot with summary operation=append, parent = the"
            + " current snapshot, set-snapshot-ref main, requirement assert-ref-snapshot-id main);"
            + " a 409 is a conflict: load again and retry with 1-100 ms randomised back-off. The"
            + " client writes no manifest files: catalogs do not read them on commit, so commits"
            + " measure the catalog, not client-side storage writes.");
    report.notes.put(
        "durations",
        String.format(
            "%swarm-up %d s before each timed run; read %d s per operation and concurrency; mix"
                + " %d s x %d clients; contended %d clients x %d appends; parallel %d s x %d"
                + " clients",
            Settings.warmupPass()
                ? "the read workloads once, unmeasured, after the dataset is created; "
                : "",
            Settings.warmupSeconds(),
            Settings.readSeconds(),
            Settings.mixSeconds(),
            Settings.mixClients(),
            Settings.contendedClients(),
            Settings.contendedCommitsPerClient(),
            Settings.parallelSeconds(),
            Settings.parallelClients()));
    if (Settings.targets().stream().anyMatch(name -> !name.equals("sluice-embedded"))) {
      long requests =
          ObjectStoreWarmup.run(
              infra.s3(), Settings.objectStoreWarmupSeconds(), Settings.parallelClients());
      report.notes.put(
          "object store warm-up",
          String.format(
              "%,d requests (PUT, HEAD, GET, DELETE; header-signed and presigned) to the shared S3"
                  + " API in %d s before the first target, unmeasured",
              requests, Settings.objectStoreWarmupSeconds()));
    }
    for (String name : Settings.targets()) {
      runTarget(name, infra);
    }
  }

  private void runTarget(String name, Infra infra) {
    Progress.say("=== target %s: %s", name, Targets.describe(name));
    Target target;
    try {
      target = closer.register(Targets.start(name, infra, workDir.resolve(name)));
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      Progress.say("target %s could not be started, skipping it: %s", name, reason);
      report.targets.add(
          new Report.TargetInfo(
              name,
              Targets.describe(name),
              "NOT RUN: " + RestCatalogClient.abbreviate(reason, 300),
              -1,
              -1,
              -1,
              -1));
      return;
    }
    double[] afterStart = Targets.memoryMiB(target.pid());
    String status = "ok";
    Profiler profiler = Profiler.forTarget(name, target.pid(), outputDir);
    try {
      // Sluice's requests are named, so that each one's audit row can be looked for afterwards
      RequestLedger ledger = target.sluice() ? new RequestLedger() : null;
      Instant from = Instant.now().minusSeconds(1);
      RestCatalogClient client =
          new RestCatalogClient(target.root(), target.warehouse(), target.token(), ledger);
      client.configure();
      Sink sink = (workload, variant, m, kind) -> add(workload, variant, target, m, kind);
      profile(profiler, "create", () -> createTree(tree, client, sink));
      if (Settings.warmupPass()) {
        // every target's JVM (and the shared S3Proxy's) compiles its read paths before the timed
        // reads, as the scale mode does: else the first target measured meets a colder machine
        Progress.say("%s: read workloads once, unmeasured (warm-up pass)", name);
        readWorkloads(client, tree::randomTable, tree::randomLeaf, Load.NO_CPU, (w, v, m, k) -> {});
      }
      profile(
          profiler,
          "read",
          () -> readWorkloads(client, tree::randomTable, tree::randomLeaf, cpu(target), sink));
      profile(profiler, "mix", () -> mix(target, client));
      profile(profiler, "contended", () -> contended(target, client));
      profile(profiler, "parallel", () -> parallel(target, client));
      if (target.name().equals("sluice-pg")) {
        // last: it applies a policy, which the other workloads run without
        profile(profiler, "contracts", () -> ContractOverhead.run(target, infra.s3(), sink));
      }
      if (ledger != null) {
        RestCatalogClient admin = new RestCatalogClient(target.root(), null, target.token());
        AuditCompleteness audit = AuditCompleteness.check(name, ledger, admin, target.root(), from);
        report.audits.add(audit);
        Progress.say("audit completeness: %s", audit.summary());
      }
    } catch (Exception e) {
      status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
      Progress.say("target %s failed: %s", name, e);
    } finally {
      if (profiler != null) {
        profiler.stop();
      }
      report.targets.add(
          new RunningTarget(
                  name, target.description(), target.pid(), target.startupSeconds(), afterStart[0])
              .ended(status));
      closer.closeNow(target);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void profile(Profiler profiler, String workload, Step step) throws Exception {
    if (profiler != null) {
      profiler.start(workload);
    }
    try {
      step.run();
    } finally {
      if (profiler != null) {
        profiler.stop();
      }
    }
  }

  private void add(String workload, String variant, Target target, Measured m, String kind) {
    add(workload, variant, target, m, kind, null);
  }

  private void add(
      String workload,
      String variant,
      Target target,
      Measured m,
      String kind,
      Map<String, Object> extra) {
    Tally tally = m.kinds().getOrDefault(kind, new Tally());
    Report.Row row =
        Report.row(
            workload, variant, target.name(), tally, m.seconds(), m.cpuMicrosPerOperation(), extra);
    report.add(row);
    Progress.say(
        "%s / %s / %s: %d ops, %s ops/s, p50 %s ms, p99 %s ms, errors %d",
        target.name(),
        workload,
        variant,
        row.ops(),
        Report.fmt(row.opsPerSecond()),
        Report.fmt(row.p50Ms()),
        Report.fmt(row.p99Ms()),
        row.errors());
  }

  // ---- workloads ----

  /** Creates the tree: namespaces from 1 client (parents first), tables from 8. */
  static void createTree(TreeDataset tree, RestCatalogClient client, Sink sink) throws Exception {
    List<List<String>> namespaces = tree.namespaces();
    Measured ns =
        Load.fixed(
            1,
            namespaces.size(),
            "namespace",
            (c, i) -> {
              client.createNamespace(namespaces.get((int) i));
              return new Outcome("namespace", 0);
            });
    sink.measured(CREATE, "create namespace (1 client)", ns, "namespace");
    Measured created =
        Load.fixed(
            8,
            tree.tables.size(),
            "table",
            (c, i) -> {
              client.createTable(tree.tables.get((int) i));
              return new Outcome("table", 0);
            });
    sink.measured(CREATE, "create table (8 clients)", created, "table");
    client.createTable(tree.hot);
  }

  /**
   * The read workloads, each at every concurrency of {@link Settings#readConcurrency()} (variant
   * {@code c=N}): loadTable and HEAD of {@code table}'s tables, list tables of {@code namespace}'s
   * namespaces (no page size: the whole namespace in one answer). {@code cpu} reads the target
   * process's CPU time, taken over each measured window ({@link Load#NO_CPU}: not taken).
   */
  static void readWorkloads(
      RestCatalogClient client,
      Supplier<TableRef> table,
      Supplier<List<String>> namespace,
      DoubleSupplier cpu,
      Sink sink)
      throws Exception {
    int warmup = Settings.warmupSeconds();
    int seconds = Settings.readSeconds();
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "load",
              cpu,
              (c, i) -> {
                client.loadTable(table.get());
                return new Outcome("load", 0);
              });
      sink.measured(READ_LOAD, "c=" + clients, m, "load");
    }
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "head",
              cpu,
              (c, i) -> {
                client.tableExists(table.get());
                return new Outcome("head", 0);
              });
      sink.measured(READ_HEAD, "c=" + clients, m, "head");
    }
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "list",
              cpu,
              (c, i) -> {
                client.listTables(namespace.get());
                return new Outcome("list", 0);
              });
      sink.measured(READ_LIST, "c=" + clients, m, "list");
    }
  }

  /** The target's server process's CPU milliseconds so far. */
  private static DoubleSupplier cpu(Target target) {
    return () -> Targets.cpuMillis(target.pid());
  }

  private void mix(Target target, RestCatalogClient client) throws Exception {
    int maxAttempts = Settings.maxAttempts();
    Measured m =
        Load.timed(
            Settings.mixClients(),
            Settings.warmupSeconds(),
            Settings.mixSeconds(),
            "load",
            cpu(target),
            (c, i) -> {
              TableRef table = tree.randomTable();
              if (ThreadLocalRandom.current().nextInt(10) == 0) {
                try {
                  return new Outcome("append", client.append(table, maxAttempts).conflicts());
                } catch (RuntimeException | java.io.IOException e) {
                  throw new Load.Failed("append", e);
                }
              }
              client.loadTable(table);
              return new Outcome("load", 0);
            });
    String clients = " (" + Settings.mixClients() + " clients)";
    add(MIX, "loadTable 90%" + clients, target, m, "load");
    add(MIX, "append 10%" + clients, target, m, "append");
  }

  private void contended(Target target, RestCatalogClient client) throws Exception {
    int clients = Settings.contendedClients();
    int total = clients * Settings.contendedCommitsPerClient();
    Map<String, Double> before = target.sluice() ? SluiceMetrics.commitCounters(target) : Map.of();
    boolean nessie = "nessie".equals(target.name());
    long nessieBefore = nessie ? NessieLog.commits(client, target.root()) : -1;
    Measured m =
        Load.fixed(
            clients,
            total,
            "append",
            cpu(target),
            (c, i) ->
                new Outcome("append", client.append(tree.hot, Settings.maxAttempts()).conflicts()));
    Tally tally = m.kinds().getOrDefault("append", new Tally());
    TableState state = RestCatalogClient.state(client.loadTable(tree.hot));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("successful commits", tally.ok);
    extra.put("conflicts (409, retried)", tally.conflicts);
    extra.put("snapshots in table metadata", state.snapshots());
    extra.put("last-sequence-number", state.lastSequenceNumber());
    boolean sequenceMatches = state.lastSequenceNumber() == tally.ok;
    boolean snapshotsMatch = state.snapshots() == tally.ok;
    extra.put("no lost update (sequence number = successful commits)", sequenceMatches);
    extra.put("snapshot count = successful commits", snapshotsMatch);
    if (nessie) {
      long nessieAfter = NessieLog.commits(client, target.root());
      if (nessieBefore >= 0 && nessieAfter >= 0) {
        extra.put("Nessie commits on main during the workload", nessieAfter - nessieBefore);
      }
      extra.put(
          "note",
          "Nessie serves only the current snapshot in table metadata (its history is its commit"
              + " log), so the snapshot count cannot match; the sequence number and the commit"
              + " log are the checks");
    }
    if (target.sluice()) {
      Map<String, Double> after = SluiceMetrics.commitCounters(target);
      after.forEach((k, v) -> extra.put("server " + k, v - before.getOrDefault(k, 0.0)));
    }
    add(
        CONTENDED,
        clients + " clients x " + Settings.contendedCommitsPerClient(),
        target,
        m,
        "append",
        extra);
    Progress.say("%s contended: %s", target.name(), extra);
  }

  private void parallel(Target target, RestCatalogClient client) throws Exception {
    int maxAttempts = Settings.maxAttempts();
    Measured m =
        Load.timed(
            Settings.parallelClients(),
            Settings.warmupSeconds(),
            Settings.parallelSeconds(),
            "append",
            cpu(target),
            (c, i) ->
                new Outcome("append", client.append(tree.randomTable(), maxAttempts).conflicts()));
    add(
        PARALLEL,
        Settings.parallelClients() + " clients, " + tree.tables.size() + " tables",
        target,
        m,
        "append");
  }
}
