package dev.sluice.bench;

import dev.sluice.bench.ErasureResults.Generated;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.it.Progress;
import dev.sluice.it.TrinoServer;
import io.trino.jdbc.TrinoStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured tables, written through Trino in namespace {@value #NAMESPACE}: TPC-H orders once
 * into a staging table partitioned by year, then every executor's tables from it a year at a time.
 * A month-partitioned table written in one statement keeps a Parquet writer open for each of its 80
 * partitions, which a 2 GB Trino does not hold at ten million rows. So every table has one snapshot
 * per year, as one loaded over time would, and the executors erase and sweep the same rows.
 */
final class ErasureTables {
  static final String NAMESPACE = "bench";

  /** TPC-H orders as generated, before the measured tables are copied from them. */
  static final String STAGING = "orders_tpch";

  /** Expired rows get a date in the past, the others this far-away one. */
  static final String NEVER = "TIMESTAMP '2199-12-31 00:00:00.000000'";

  private static final String MONTHLY = "ARRAY['month(order_date)']";
  private static final String YEARLY = "ARRAY['year(order_date)']";

  /** TPC-H orders per unit of scale factor. */
  private static final double ORDERS_PER_SCALE_FACTOR = 1_500_000;

  private final ErasureResults results;

  ErasureTables(ErasureResults results) {
    this.results = results;
  }

  /** The TPC-H scale factor that gives about {@code bench.erasure.rows} orders. */
  static String scaleFactor() {
    return String.format(Locale.ROOT, "%.4f", Settings.erasureRows() / ORDERS_PER_SCALE_FACTOR)
        .replaceAll("0+$", "")
        .replaceAll("\\.$", "");
  }

  static String qualified(String table) {
    return ErasureTrino.CATALOG + "." + NAMESPACE + "." + table;
  }

  static TableRef ref(String table) {
    return new TableRef(List.of(NAMESPACE), table);
  }

  /** The name Sluice's API and receipts use. */
  static String inNamespace(String table) {
    return NAMESPACE + "." + table;
  }

  /**
   * Writes every executor's two tables (the expiring ones from the first executor's orders, so that
   * the same rows expire everywhere), chooses the subject, and counts per executor what the checks
   * compare against.
   */
  Map<String, ErasureBaseline> write(TrinoServer trino, List<ErasureExecutor> executors)
      throws Exception {
    Map<String, Generated> generated = new HashMap<>();
    try (Connection c = ErasureTrino.connect(trino)) {
      execute(c, "CREATE SCHEMA IF NOT EXISTS " + ErasureTrino.CATALOG + "." + NAMESPACE);
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
      for (ErasureExecutor executor : executors) {
        generated.put(
            executor.orders(),
            create(
                c,
                executor.orders(),
                STAGING,
                MONTHLY,
                years.stream().map(year -> "SELECT * FROM " + qualified(STAGING) + year).toList()));
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
      for (ErasureExecutor executor : executors.subList(1, executors.size())) {
        create(
            c,
            executor.expiring(),
            firstExpiring,
            MONTHLY,
            years.stream()
                .map(year -> "SELECT * FROM " + qualified(firstExpiring) + year)
                .toList());
      }
      String subject = ErasureCounts.busiestSubject(c, first);
      results.checks().put("subject", subject + " (of c-1000 to c-1099 the one with most orders)");
      Map<String, ErasureBaseline> baselines = new LinkedHashMap<>();
      for (ErasureExecutor executor : executors) {
        baselines.put(
            executor.name(),
            new ErasureBaseline(
                subject,
                generated.get(executor.orders()).dataFiles(),
                ErasureCounts.subjectRows(c, executor.orders(), subject),
                ErasureCounts.expiredRows(c, executor.expiring())));
      }
      return baselines;
    }
  }

  /**
   * One {@code WHERE} per year of the staging table's order dates; the first and last are open, so
   * together they take every row.
   */
  private static List<String> yearFilters(Connection c) throws SQLException {
    int[] years =
        ErasureCounts.firstRow(
            c,
            "SELECT year(min(order_date)), year(max(order_date)) FROM " + qualified(STAGING),
            rs -> new int[] {rs.getInt(1), rs.getInt(2)});
    int from = years[0];
    int to = years[1];
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
  private Generated create(
      Connection c, String table, String from, String partitioning, List<String> selects)
      throws SQLException {
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
      rows += executeSaying(c, sql, step);
      if (selects.size() > 1) {
        Progress.say(
            "  %s: %d rows so far, %d s", step, rows, (System.nanoTime() - t0) / 1_000_000_000L);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] filesAndBytes =
        ErasureCounts.firstRow(
            c,
            "SELECT count(*), sum(file_size_in_bytes) FROM "
                + qualified("\"" + table + "$files\"")
                + " WHERE content = 0",
            rs -> new long[] {rs.getLong(1), rs.getLong(2)});
    long files = filesAndBytes[0];
    long bytes = filesAndBytes[1];
    Generated g = new Generated(inNamespace(table), from, rows, files, bytes, seconds);
    results.tables().add(g);
    Progress.say(
        "wrote %s: %d rows, %d data files, %s MiB in %s s",
        qualified(table), rows, files, Report.fmt(bytes / 1048576.0), Report.fmt(seconds));
    return g;
  }

  /** Runs one write, saying how far Trino has read every {@link ErasureBench#SAY_EVERY_MILLIS}. */
  private static long executeSaying(Connection c, String sql, String step) throws SQLException {
    try (Statement statement = c.createStatement()) {
      AtomicLong said = new AtomicLong(System.currentTimeMillis());
      statement
          .unwrap(TrinoStatement.class)
          .setProgressMonitor(
              stats -> {
                long now = System.currentTimeMillis();
                if (now - said.get() >= ErasureBench.SAY_EVERY_MILLIS) {
                  said.set(now);
                  Progress.say(
                      "  %s: %s, %d rows read, %d s",
                      step,
                      stats.getState(),
                      stats.getProcessedRows(),
                      stats.getElapsedTimeMillis() / 1000);
                }
              });
      return statement.executeLargeUpdate(sql);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    Progress.say("trino: %s", sql);
    try (Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }
}
