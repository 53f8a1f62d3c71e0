package dev.sluice.bench;

import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.SluiceMetrics.Served;
import dev.sluice.it.DecisionTls;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoEtc;
import dev.sluice.it.TrinoServer;
import io.trino.jdbc.TrinoDriver;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.HdrHistogram.Histogram;

/**
 * Trino 476 end to end: the table {@code raw.customers}, written once through a set-up catalog with
 * the admin token, then one query run many times by alice (group analysts) through catalog {@value
 * #LAKE}, which authenticates to Sluice as {@code client:trino}; with and without Trino's {@code
 * opa} access control asking Sluice.
 */
final class TrinoQueries {
  static final String LAKE = "lake";
  static final String SETUP = "setup";
  static final String QUERY = "SELECT customer_id, name, phone FROM lake.raw.customers";

  /**
   * Where deploy/trino/access-control.properties expects Sluice's decision API (its HTTPS port).
   */
  private static final String EXAMPLE_DECISIONS = "https://127.0.0.1:8443";

  /** The decision API's endpoints in the example, each replaced by this run's. */
  private static final List<String> OPA_URIS =
      List.of(
          "opa.policy.uri",
          "opa.policy.batched-uri",
          "opa.policy.row-filters-uri",
          "opa.policy.batch-column-masking-uri");

  private static final String WAREHOUSE = "sluice";
  private static final String SETUP_USER = "bench-setup";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final S3ProxyServer s3;
  private final DecisionTls tls;
  private final Map<TrinoServer, RunningTarget> started = new LinkedHashMap<>();

  /** {@code tls}: the stores Trino's {@code opa} plugin presents and trusts. */
  TrinoQueries(Report report, Closer closer, Path workDir, S3ProxyServer s3, DecisionTls tls) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.s3 = s3;
    this.tls = tls;
  }

  /**
   * A Trino on {@code sluice}: catalog {@value #LAKE} with {@code lakeToken}, catalog {@value
   * #SETUP} with the admin token if {@code setUp}, and the example access control asking {@code
   * decisionRoot} (Sluice's HTTPS address) with the coordinator's client certificate, unless it is
   * null.
   */
  TrinoServer start(
      String label, SluiceServer sluice, String decisionRoot, String lakeToken, boolean setUp)
      throws IOException {
    boolean decide = decisionRoot != null;
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put(LAKE, catalog(sluice, lakeToken));
    if (setUp) {
      catalogs.put(SETUP, catalog(sluice, sluice.adminToken()));
    }
    // the same group file in every case, so that only the access control differs
    TrinoEtc etc = new TrinoEtc().groups(Map.of(DecisionRequests.GROUP, List.of("alice")));
    if (decide) {
      etc.accessControl(accessControl(decisionRoot))
          .opaClientCertificate(tls.coordinator(), tls.trust());
    }
    long t0 = System.nanoTime();
    TrinoServer trino =
        closer.register(TrinoServer.start(workDir.resolve(label), catalogs, Map.of(), etc));
    String description =
        "Trino 476, catalog lake as client:trino"
            + (setUp ? ", catalog setup as admin" : "")
            + (decide ? ", opa access control on Sluice over mutual TLS" : ", no access control");
    started.put(
        trino, RunningTarget.readySince(t0, "trino " + label, description, trino.process().pid()));
    return trino;
  }

  /** Stops Trino and reports its start-up time and memory. */
  void stop(TrinoServer trino) {
    report.targets.add(started.remove(trino).ended("ok"));
    closer.closeNow(trino);
  }

  /** Creates raw.customers with {@link Settings#trinoRows()} rows through catalog setup. */
  void createTable(TrinoServer trino) throws SQLException {
    Progress.say("creating raw.customers (%d rows) through Trino", Settings.trinoRows());
    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= Settings.trinoRows(); i++) {
      rows.add(
          String.format(
              "('c-%03d', 'Customer %03d', '+336%08d', '%s', '%s', ARRAY[%s])",
              i,
              i,
              i,
              i % 2 == 0 ? "us" : "eu",
              i % 5 == 0 ? "withdrawn" : "granted",
              i % 3 == 0 ? "'analytics'" : "'training', 'analytics'"));
    }
    String sql =
        "CREATE TABLE "
            + SETUP
            + ".raw.customers AS SELECT CAST(customer_id AS varchar) AS customer_id,"
            + " CAST(name AS varchar) AS name, CAST(phone AS varchar) AS phone,"
            + " CAST(region AS varchar) AS region,"
            + " CAST(consent_status AS varchar) AS consent_status,"
            + " CAST(allowed_purposes AS array(varchar)) AS allowed_purposes FROM (VALUES "
            + String.join(", ", rows)
            + ") AS t (customer_id, name, phone, region, consent_status, allowed_purposes)";
    try (Connection connection = connect(trino, SETUP_USER);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  /**
   * Runs {@link #QUERY} as alice: once to check the first customer's row against {@code expected},
   * then the warm-up, then the measured queries, reading what Sluice served meanwhile.
   */
  TrinoResults.QueryRow measure(
      String name, String what, TrinoServer trino, SluiceServer sluice, String expected)
      throws Exception {
    try (Connection connection = connect(trino, DecisionRequests.USER)) {
      List<String> rows = rows(connection);
      String first = rows.stream().filter(r -> r.startsWith("c-001|")).findFirst().orElse("none");
      report
          .trino
          .checks()
          .put(
              name + " rows",
              rows.size()
                  + ", c-001 as "
                  + first
                  + (first.equals(expected) ? "" : " (expected " + expected + ")"));
      Load.fixed(1, Settings.trinoWarmupQueries(), "query", (c, i) -> query(connection));
      Map<String, Served> before = SluiceMetrics.decisionRequests(sluice.baseUri());
      String loadBefore = Targets.loadAverage();
      Instant from = Instant.now();
      Measured m = Load.fixed(1, Settings.trinoQueries(), "query", (c, i) -> query(connection));
      Instant to = Instant.now();
      String load = loadBefore + "-" + Targets.loadAverage();
      Map<String, Served> served =
          SluiceMetrics.since(before, SluiceMetrics.decisionRequests(sluice.baseUri()));
      RestCatalogClient admin = new RestCatalogClient(sluice.baseUri(), null, sluice.adminToken());
      String principal = "user:" + DecisionRequests.USER;
      Map<String, Long> audited = AuditRows.perAction(admin, sluice.baseUri(), principal, from, to);
      if (!audited.isEmpty()) {
        // what one query asks, in the order Sluice answered
        Instant oneFrom = Instant.now();
        query(connection);
        report
            .trino
            .checks()
            .put(
                name + " audit rows of one query",
                AuditRows.described(admin, sluice.baseUri(), principal, oneFrom, Instant.now()));
      }
      return row(name, what, m, served, audited, load);
    }
  }

  private static TrinoResults.QueryRow row(
      String name,
      String what,
      Measured m,
      Map<String, Served> served,
      Map<String, Long> audited,
      String load) {
    Tally tally = m.kinds().getOrDefault("query", new Tally());
    Histogram h = tally.micros;
    boolean any = h.getTotalCount() > 0;
    long queries = Math.max(1, tally.ok + tally.errors);
    Map<String, Double> requests = new LinkedHashMap<>();
    double seconds = 0;
    for (Map.Entry<String, Served> e : served.entrySet()) {
      requests.put(e.getKey(), e.getValue().requests() / (double) queries);
      seconds += e.getValue().seconds();
    }
    Map<String, Double> rows = new LinkedHashMap<>();
    audited.forEach((action, n) -> rows.put(action, n / (double) queries));
    TrinoResults.QueryRow row =
        new TrinoResults.QueryRow(
            name,
            what,
            "ok",
            tally.ok,
            tally.errors,
            m.seconds(),
            any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(90) / 1000.0 : Double.NaN,
            any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
            any ? h.getMaxValue() / 1000.0 : Double.NaN,
            null,
            null,
            requests,
            requests.isEmpty() ? Double.NaN : seconds * 1000 / queries,
            rows,
            load,
            List.copyOf(tally.errorSamples));
    Progress.say(
        "trino %s: %d queries, median %s ms, p90 %s ms, p99 %s ms, %s decision requests and %s"
            + " audit rows per query, errors %d",
        name,
        row.queries(),
        Report.fmt(row.p50Ms()),
        Report.fmt(row.p90Ms()),
        Report.fmt(row.p99Ms()),
        Report.fmt(row.decisionRequests()),
        Report.fmt(row.auditRows()),
        row.errors());
    return row;
  }

  /** One query, every row read, as a client would. */
  private static Outcome query(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(QUERY)) {
      while (rs.next()) {
        rs.getString(1);
        rs.getString(2);
        rs.getString(3);
      }
    }
    return new Outcome("query", 0);
  }

  private static List<String> rows(Connection connection) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(QUERY)) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
      }
    }
    return rows;
  }

  private static Connection connect(TrinoServer trino, String user) throws SQLException {
    return connect(trino, LAKE, user);
  }

  /** A JDBC connection to {@code catalog} as {@code user}. */
  static Connection connect(TrinoServer trino, String catalog, String user) throws SQLException {
    Properties properties = new Properties();
    // Trino without authentication trusts the name; the group file gives the groups
    properties.setProperty("user", user);
    // the driver itself: the benchmark's jar merges no java.sql.Driver service files
    return new TrinoDriver().connect(trino.jdbcUrl(catalog), properties);
  }

  private Map<String, String> catalog(SluiceServer sluice, String token) {
    return catalog(sluice, s3, token);
  }

  /**
   * An Iceberg catalog on Sluice's warehouse {@value #WAREHOUSE} with {@code token}, on S3Proxy.
   */
  static Map<String, String> catalog(SluiceServer sluice, S3ProxyServer s3, String token) {
    Map<String, String> catalog =
        TrinoServer.icebergRestCatalog(sluice.baseUri(), WAREHOUSE, token);
    catalog.putAll(TrinoServer.onS3(s3));
    return catalog;
  }

  /**
   * The example access control of deploy/trino, pointed at this Sluice's HTTPS port; its key and
   * trust store settings are replaced by this run's ({@link TrinoEtc#opaClientCertificate}).
   */
  private static Map<String, String> accessControl(String decisionRoot) throws IOException {
    Path file = Settings.trinoAccessControl();
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key).replace(EXAMPLE_DECISIONS, decisionRoot));
    }
    for (String uri : OPA_URIS) {
      if (!values.getOrDefault(uri, "").startsWith(decisionRoot + "/api/v1/trino/")) {
        throw new IllegalStateException(
            file + ": " + uri + " is not an endpoint under " + EXAMPLE_DECISIONS);
      }
    }
    return values;
  }
}
