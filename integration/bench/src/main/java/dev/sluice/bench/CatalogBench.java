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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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

  private final List<List<String>> parents = new ArrayList<>();
  private final List<List<String>> leaves = new ArrayList<>();
  private final List<TableRef> tables = new ArrayList<>();
  private final TableRef hot = new TableRef(List.of("bench_contended"), "hot");

  CatalogBench(Report report, Closer closer, Path workDir, Path outputDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.outputDir = outputDir;
    for (int p = 0; p < Settings.namespaces(); p++) {
      List<String> parent = List.of("bench_ns" + p);
      parents.add(parent);
      for (int c = 0; c < Settings.childNamespaces(); c++) {
        List<String> leaf = List.of(parent.get(0), "sub" + c);
        leaves.add(leaf);
        for (int t = 0; t < Settings.tablesPerNamespace(); t++) {
          tables.add(new TableRef(leaf, "table_" + t));
        }
      }
    }
  }

  void run(Infra infra) {
    report.notes.put(
        "dataset",
        String.format(
            "%d namespaces with %d child namespaces each, %d tables per child namespace = %d"
                + " tables, 10-column schema, format v2",
            Settings.namespaces(),
            Settings.childNamespaces(),
            Settings.tablesPerNamespace(),
            tables.size()));
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
            "warm-up %d s before each timed run; read %d s per operation and concurrency; mix %d s"
                + " x %d clients; contended %d clients x %d appends; parallel %d s x %d clients",
            Settings.warmupSeconds(),
            Settings.readSeconds(),
            Settings.mixSeconds(),
            Settings.mixClients(),
            Settings.contendedClients(),
            Settings.contendedCommitsPerClient(),
            Settings.parallelSeconds(),
            Settings.parallelClients()));
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
      RestCatalogClient client =
          new RestCatalogClient(target.root(), target.warehouse(), target.token());
      client.configure();
      profile(profiler, "create", () -> create(target, client));
      profile(profiler, "read", () -> read(target, client));
      profile(profiler, "mix", () -> mix(target, client));
      profile(profiler, "contended", () -> contended(target, client));
      profile(profiler, "parallel", () -> parallel(target, client));
    } catch (Exception e) {
      status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
      Progress.say("target %s failed: %s", name, e);
    } finally {
      if (profiler != null) {
        profiler.stop();
      }
      double[] atEnd = Targets.memoryMiB(target.pid());
      report.targets.add(
          new Report.TargetInfo(
              name,
              target.description(),
              status,
              target.startupSeconds(),
              afterStart[0],
              atEnd[0],
              atEnd[1]));
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
    Report.Row row = Report.row(workload, variant, target.name(), tally, m.seconds(), extra);
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

  private TableRef randomTable() {
    return tables.get(ThreadLocalRandom.current().nextInt(tables.size()));
  }

  // ---- workloads ----

  private void create(Target target, RestCatalogClient client) throws Exception {
    List<List<String>> namespaces = new ArrayList<>(parents);
    namespaces.addAll(leaves);
    namespaces.add(hot.namespace());
    // parents before children: one client
    Measured ns =
        Load.fixed(
            1,
            namespaces.size(),
            "namespace",
            (c, i) -> {
              client.createNamespace(namespaces.get((int) i));
              return new Outcome("namespace", 0);
            });
    add(CREATE, "create namespace (1 client)", target, ns, "namespace");
    Measured created =
        Load.fixed(
            8,
            tables.size(),
            "table",
            (c, i) -> {
              client.createTable(tables.get((int) i));
              return new Outcome("table", 0);
            });
    add(CREATE, "create table (8 clients)", target, created, "table");
    client.createTable(hot);
  }

  private void read(Target target, RestCatalogClient client) throws Exception {
    int warmup = Settings.warmupSeconds();
    int seconds = Settings.readSeconds();
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "load",
              (c, i) -> {
                client.loadTable(randomTable());
                return new Outcome("load", 0);
              });
      add(READ_LOAD, "c=" + clients, target, m, "load");
    }
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "head",
              (c, i) -> {
                client.tableExists(randomTable());
                return new Outcome("head", 0);
              });
      add(READ_HEAD, "c=" + clients, target, m, "head");
    }
    for (int clients : Settings.readConcurrency()) {
      Measured m =
          Load.timed(
              clients,
              warmup,
              seconds,
              "list",
              (c, i) -> {
                client.listTables(leaves.get(ThreadLocalRandom.current().nextInt(leaves.size())));
                return new Outcome("list", 0);
              });
      add(READ_LIST, "c=" + clients, target, m, "list");
    }
  }

  private void mix(Target target, RestCatalogClient client) throws Exception {
    int maxAttempts = Settings.maxAttempts();
    Measured m =
        Load.timed(
            Settings.mixClients(),
            Settings.warmupSeconds(),
            Settings.mixSeconds(),
            "load",
            (c, i) -> {
              TableRef table = randomTable();
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
            (c, i) ->
                new Outcome("append", client.append(hot, Settings.maxAttempts()).conflicts()));
    Tally tally = m.kinds().getOrDefault("append", new Tally());
    TableState state = RestCatalogClient.state(client.loadTable(hot));
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
            (c, i) -> new Outcome("append", client.append(randomTable(), maxAttempts).conflicts()));
    add(
        PARALLEL,
        Settings.parallelClients() + " clients, " + tables.size() + " tables",
        target,
        m,
        "append");
  }
}
