package dev.sluice.bench;

import dev.sluice.bench.AuthServers.Kind;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.bench.Targets.Target;
import dev.sluice.it.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What authentication, authorization and audit add to a table load: the same loads against the
 * build from before authentication, the current build with the admin token (token check and audit,
 * no policy decision) and the current build with the example policy and a non-admin API token
 * (token check, policy decision, mask check, audit). One server at a time, each on its own database
 * with the same tables.
 */
final class AuthBench {
  static final String NAMESPACE = "silver";

  /** Four columns; none that the silver zone forbids (direct identifiers, coordinates). */
  static final String SCHEMA =
      """
      {"type":"struct","schema-id":0,"fields":[
        {"id":1,"name":"id","required":true,"type":"long"},
        {"id":2,"name":"event_time","required":true,"type":"timestamptz"},
        {"id":3,"name":"region","required":false,"type":"string"},
        {"id":4,"name":"amount","required":false,"type":"decimal(18, 2)"}]}""";

  /** One measured case: which server, how many clients. */
  record Case(String name, Kind server, int clients, String what) {}

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final List<TableRef> tables = new ArrayList<>();

  AuthBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    for (int t = 0; t < Settings.authTables(); t++) {
      tables.add(new TableRef(List.of(NAMESPACE), String.format("table_%02d", t)));
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("baseline", Kind.BASELINE, 1, "pre-authentication build, no token"));
    cases.add(
        new Case(
            "admin token",
            Kind.CURRENT,
            1,
            "current build, bootstrap admin API token: token lookup + audit row, no policy"
                + " decision"));
    cases.add(
        new Case(
            "policy token",
            Kind.POLICY,
            1,
            "current build + example policy, API token of "
                + AuthServers.POLICY_PRINCIPAL
                + ": token lookup + policy decision + mask check + audit row"));
    int concurrent = Settings.authConcurrentClients();
    if (concurrent > 1) {
      String suffix = " c=" + concurrent;
      cases.add(
          new Case("baseline" + suffix, Kind.BASELINE, concurrent, "as baseline, concurrent"));
      cases.add(
          new Case(
              "policy token" + suffix, Kind.POLICY, concurrent, "as policy token, concurrent"));
    }
    return cases;
  }

  void run(Infra infra) {
    report.notes.put(
        "auth dataset",
        String.format(
            "namespace %s with %d tables (4-column schema, format v2), created by the admin;"
                + " every load picks a random table",
            NAMESPACE, tables.size()));
    report.notes.put(
        "auth loads",
        String.format(
            "%d unmeasured warm-up loads before a server's first case, %d before each further"
                + " case; then %d measured loads per case, shared by its clients",
            Settings.authWarmupLoads(), Settings.authWarmupLoads() / 10, Settings.authLoads()));
    List<Case> cases = cases();
    Map<Case, AuthResults.Row> rows = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      List<Case> own = cases.stream().filter(c -> c.server() == kind).toList();
      if (!own.isEmpty()) {
        runServer(kind, own, infra, rows);
      }
    }
    AuthResults results = report.auth;
    for (Case c : cases) {
      AuthResults.Row baseline =
          rows.entrySet().stream()
              .filter(e -> e.getKey().server() == Kind.BASELINE)
              .filter(e -> e.getKey().clients() == c.clients())
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      results.rows().add(rows.get(c).comparedTo(baseline));
    }
  }

  private void runServer(Kind kind, List<Case> own, Infra infra, Map<Case, AuthResults.Row> rows) {
    Progress.say("=== auth server %s: %s", kind.label, kind.description);
    Target target;
    try {
      target = closer.register(AuthServers.start(kind, infra, workDir.resolve(kind.label)));
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      Progress.say("server %s could not be started: %s", kind.label, reason);
      String status = "NOT RUN: " + RestCatalogClient.abbreviate(reason, 300);
      own.forEach(c -> rows.put(c, AuthResults.Row.notRun(c, status)));
      report.targets.add(
          new Report.TargetInfo(kind.label, kind.description, status, -1, -1, -1, -1));
      return;
    }
    double[] afterStart = Targets.memoryMiB(target.pid());
    String status = "ok";
    try {
      RestCatalogClient admin =
          new RestCatalogClient(target.root(), target.warehouse(), target.token());
      admin.configure();
      seed(admin, kind);
      RestCatalogClient loader = admin;
      if (kind == Kind.POLICY) {
        String token = AuthServers.issueToken(admin, target.root(), AuthServers.POLICY_PRINCIPAL);
        loader = new RestCatalogClient(target.root(), target.warehouse(), token);
        loader.configure();
      }
      long sent = 0;
      int warmup = Settings.authWarmupLoads();
      for (Case c : own) {
        rows.put(c, measure(c, loader, target.pid(), warmup));
        sent += warmup + Settings.authLoads();
        warmup = Settings.authWarmupLoads() / 10;
      }
      if (kind != Kind.BASELINE) {
        // one row per load, or the figures leave out the audit (+1: the admin's load in seed)
        String audited = AuthServers.auditedLoads(admin, target.root()).toString();
        String expected = sent + " benchmark loads + 1 by the admin";
        String check = kind.label + " audit rows of table.load";
        report.auth.checks().put(check, audited + " for " + expected);
      }
    } catch (Exception e) {
      status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
      Progress.say("server %s failed: %s", kind.label, e);
      String failed = status;
      own.forEach(c -> rows.putIfAbsent(c, AuthResults.Row.notRun(c, failed)));
    } finally {
      report.targets.add(
          new RunningTarget(
                  kind.label,
                  target.description(),
                  target.pid(),
                  target.startupSeconds(),
                  afterStart[0])
              .ended(status));
      closer.closeNow(target);
    }
  }

  /** The namespace and its tables; records where the first table landed. */
  private void seed(RestCatalogClient admin, Kind kind) throws Exception {
    admin.createNamespace(List.of(NAMESPACE));
    for (TableRef table : tables) {
      admin.createTable(table, SCHEMA);
    }
    String location = RestCatalogClient.state(admin.loadTable(tables.get(0))).location();
    report.auth.checks().put(kind.label + " table location", location);
  }

  /**
   * Warm-up, then the measured loads. Besides latency it takes the server's CPU time per load,
   * which other processes on the machine disturb far less than wall-clock time, and the machine's
   * load average, which says how much they disturbed.
   */
  private AuthResults.Row measure(Case c, RestCatalogClient client, long pid, int warmup)
      throws Exception {
    Load.fixed(c.clients(), warmup, "load", (cl, i) -> load(client, null));
    LongAdder bytes = new LongAdder();
    String loadBefore = Targets.loadAverage();
    double cpuBefore = Targets.cpuMillis(pid);
    Measured m =
        Load.fixed(c.clients(), Settings.authLoads(), "load", (cl, i) -> load(client, bytes));
    double cpu = Targets.cpuMillis(pid) - cpuBefore;
    String load = loadBefore + "-" + Targets.loadAverage();
    Tally tally = m.kinds().getOrDefault("load", new Tally());
    long sent = tally.ok + tally.errors;
    Histogram h = tally.micros;
    boolean any = h.getTotalCount() > 0;
    AuthResults.Row row =
        new AuthResults.Row(
            c.name(),
            c.what(),
            c.server().label,
            c.clients(),
            "ok",
            tally.ok,
            tally.errors,
            m.seconds(),
            m.seconds() > 0 ? tally.ok / m.seconds() : 0,
            any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(90) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
            any ? h.getMaxValue() / 1000.0 : Double.NaN,
            null,
            null,
            cpuBefore >= 0 && sent > 0 ? cpu / sent : Double.NaN,
            null,
            load,
            tally.ok > 0 ? bytes.sum() / tally.ok : 0,
            List.copyOf(tally.errorSamples));
    Progress.say(
        "auth %s: %d loads, median %s ms, p90 %s ms, p99 %s ms, %s loads/s, server CPU %s ms"
            + " per load, load average %s, errors %d",
        c.name(),
        row.loads(),
        Report.fmt(row.p50Ms()),
        Report.fmt(row.p90Ms()),
        Report.fmt(row.p99Ms()),
        Report.fmt(row.loadsPerSecond()),
        Report.fmt(row.serverCpuMsPerLoad()),
        row.loadAverage(),
        row.errors());
    return row;
  }

  private Outcome load(RestCatalogClient client, LongAdder bytes) throws Exception {
    TableRef table = tables.get(ThreadLocalRandom.current().nextInt(tables.size()));
    int size = client.loadTable(table).body().length;
    if (bytes != null) {
      bytes.add(size);
    }
    return new Outcome("load", 0);
  }
}
