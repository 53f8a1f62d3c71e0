package dev.sluice.bench;

import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.Components;
import dev.sluice.it.DecisionTls;
import dev.sluice.it.Ports;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What Trino's questions cost: the decision API's latency over mutual TLS, and one Trino query with
 * and without Trino's {@code opa} access control asking Sluice. Sluice runs with the example policy
 * twice on the same database, first with {@code sluice.trino.audit=all} (every decision an audit
 * row), then with {@code denials}, so the audit's share is visible. Both answer the decision API as
 * a deployment does: on their HTTPS port, to the coordinator's client certificate only ({@link
 * DecisionTls}).
 */
final class TrinoBench {
  private static final String TLS_OWNER = "Sluice benchmark";

  static final String DATABASE = "trino_bench";
  static final List<String> AUDIT_MODES = List.of("all", "denials");

  /** The principal of catalog lake's API token: the example policy lets it read zone raw. */
  static final String CATALOG_PRINCIPAL = "client:trino";

  private static final String NO_ACCESS_CONTROL = "no access control";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private TrinoResults.QueryRow baseline;

  TrinoBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
  }

  void run(Infra infra) throws Exception {
    report.notes.put(
        "trino decisions",
        String.format(
            "%d unmeasured requests before each case's one-client run, %d before its %d-client"
                + " run; %d measured requests each; user alice, group analysts; HTTPS to Sluice's"
                + " HTTPS port with the client certificate %s, connections kept alive",
            Settings.trinoWarmupRequests(),
            Settings.trinoWarmupRequests() / 10,
            Settings.trinoConcurrentClients(),
            Settings.trinoRequests(),
            "CN=trino-coordinator,O=" + TLS_OWNER));
    report.notes.put(
        "trino queries",
        String.format(
            "raw.customers with %d rows; %d unmeasured then %d measured runs of '%s' as alice"
                + " (group analysts) from one JDBC connection",
            Settings.trinoRows(),
            Settings.trinoWarmupQueries(),
            Settings.trinoQueries(),
            TrinoQueries.QUERY));
    infra.postgres().createDatabase(DATABASE);
    DecisionTls tls = DecisionTls.create(workDir.resolve("tls"), TLS_OWNER);
    TrinoQueries queries =
        new TrinoQueries(report, closer, workDir.resolve("trino"), infra.s3(), tls);
    String lakeToken = null;
    for (String audit : AUDIT_MODES) {
      Progress.say("=== trino benchmark: Sluice with sluice.trino.audit=%s", audit);
      SluiceServer sluice;
      int httpsPort = Ports.free();
      String decisionRoot = "https://127.0.0.1:" + httpsPort;
      long t0 = System.nanoTime();
      try {
        sluice = closer.register(start(infra, audit, tls.sluiceConfig(httpsPort)));
      } catch (Exception e) {
        String reason = RestCatalogClient.abbreviate(String.valueOf(e), 300);
        Progress.say("Sluice (audit=%s) could not be started: %s", audit, reason);
        report.trino.checks().put("sluice audit=" + audit, "NOT RUN: " + reason);
        continue;
      }
      double startup = (System.nanoTime() - t0) / 1e9;
      double[] afterStart = Targets.memoryMiB(sluice.process().pid());
      String status = "ok";
      try {
        if (lakeToken == null) {
          lakeToken = seed(sluice);
        }
        DecisionBench.describeRefusals(
            report.trino.checks(), sluice.baseUri(), decisionRoot, tls.anonymousContext());
        DecisionBench decisions =
            new DecisionBench(decisionRoot, tls.coordinatorContext(), sluice.process().pid());
        if (report.trino.decisions().isEmpty()) {
          decisions.describeAnswers(report.trino.checks());
        }
        report.trino.decisions().addAll(decisions.run(audit));
        endToEnd(queries, sluice, decisionRoot, lakeToken, audit);
      } catch (Exception e) {
        status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
        Progress.say("trino benchmark with audit=%s failed: %s", audit, e);
        report.trino.checks().put("sluice audit=" + audit, status);
      } finally {
        double[] atEnd = Targets.memoryMiB(sluice.process().pid());
        report.targets.add(
            new Report.TargetInfo(
                "sluice audit=" + audit,
                "Sluice on PostgreSQL, example policy, sluice.trino.audit=" + audit,
                status,
                startup,
                afterStart[0],
                atEnd[0],
                atEnd[1]));
        closer.closeNow(sluice);
      }
    }
  }

  /**
   * Trino without access control first (it also creates the table), on the first server only; then
   * Trino with the decision API.
   */
  private void endToEnd(
      TrinoQueries queries,
      SluiceServer sluice,
      String decisionRoot,
      String lakeToken,
      String audit)
      throws Exception {
    if (baseline == null) {
      TrinoServer plain = queries.start("plain", sluice, null, lakeToken, true);
      try {
        queries.createTable(plain);
        report.trino.checks().put("raw.customers location", location(sluice));
        baseline =
            queries.measure(
                NO_ACCESS_CONTROL,
                "Trino without access control: nothing asks the decision API",
                plain,
                sluice,
                "c-001|Customer 001|+33600000001");
        report.trino.queries().add(baseline);
      } finally {
        queries.stop(plain);
      }
    }
    TrinoServer governed = queries.start("opa-" + audit, sluice, decisionRoot, lakeToken, false);
    try {
      TrinoResults.QueryRow row =
          queries.measure(
              "opa, audit=" + audit,
              "Trino's opa access control on Sluice's decision API over mutual TLS (deploy/trino),"
                  + " sluice.trino.audit="
                  + audit,
              governed,
              sluice,
              "c-001|REDACTED|****0001");
      report.trino.queries().add(row.comparedTo(baseline));
    } finally {
      queries.stop(governed);
    }
  }

  /** Sluice with the example policy; {@code decisionTls}: its HTTPS port and trust store. */
  private SluiceServer start(Infra infra, String audit, Map<String, String> decisionTls)
      throws Exception {
    Path jar = Path.of(Components.required("sluice.it.server.jar"));
    Path policies = Settings.authPolicies();
    if (!Files.isRegularFile(policies.resolve("sluice.yaml"))) {
      throw new IllegalStateException(
          policies + " holds no sluice.yaml (set -Dbench.auth.policies)");
    }
    Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), DATABASE);
    config.putAll(SluiceServer.onS3(infra.s3(), "s3://" + AuthServers.BUCKET + "/warehouse/"));
    config.put("sluice.policy.directory", policies.toString());
    config.put("sluice.trino.catalogs", TrinoQueries.LAKE);
    config.put("sluice.trino.audit", audit);
    config.putAll(decisionTls);
    return SluiceServer.start(jar, workDir.resolve("sluice-" + audit), config);
  }

  /** Namespace raw (creating one takes the admin) and catalog lake's API token. */
  private String seed(SluiceServer sluice) throws Exception {
    RestCatalogClient admin = new RestCatalogClient(sluice.baseUri(), null, sluice.adminToken());
    admin.expect("POST", sluice.baseUri() + "/v1/namespaces", "{\"namespace\":[\"raw\"]}", 200);
    return AuthServers.issueToken(
        admin, sluice.baseUri(), CATALOG_PRINCIPAL, "trino benchmark: catalog lake");
  }

  /** Where the table landed: the example policy puts zone raw under s3://lake/raw/. */
  private static String location(SluiceServer sluice) throws Exception {
    RestCatalogClient admin =
        new RestCatalogClient(sluice.baseUri(), "sluice", sluice.adminToken());
    admin.configure();
    TableRef customers = new TableRef(List.of("raw"), "customers");
    return RestCatalogClient.state(admin.loadTable(customers)).location();
  }
}
