package dev.sluice.bench;

import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.it.TrinoServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The checks of one erasure or sweep of one table: its rows and the machine's load taken before,
 * then whether it removed the rows counted through Trino and nothing else. Each is named {@code
 * <run> <executor>: <check>} in the checks table.
 */
final class ErasureChecks {
  /** A count read through Trino after the run. */
  @FunctionalInterface
  interface TrinoCount {
    long read(Connection c) throws SQLException;
  }

  private final Map<String, Object> checks;
  private final String prefix;
  private final SluiceJobsApi api;
  private final TableRef table;
  private final long recordsBefore;
  private final String loadBefore;

  /**
   * {@code name}: the run and the executor, as in {@code erasure trino}; reads the table's rows and
   * the load now.
   */
  ErasureChecks(Map<String, Object> checks, String name, SluiceJobsApi api, TableRef table)
      throws Exception {
    this.checks = checks;
    this.prefix = name + ": ";
    this.api = api;
    this.table = table;
    this.recordsBefore = api.totalRecords(table);
    this.loadBefore = Targets.loadAverage();
  }

  /** The current snapshot's {@code total-records} before the run. */
  long recordsBefore() {
    return recordsBefore;
  }

  void put(String check, Object value) {
    checks.put(prefix + check, value);
  }

  /** The machine's load then and now: the figures are rough where it was busy. */
  void loadAverage() {
    put("1-minute load average before, after", loadBefore + ", " + Targets.loadAverage());
  }

  /** {@code removed} rows ({@code removedAs}) against {@code counted} ones ({@code countedAs}). */
  void removedAsCounted(
      String check, long removed, String removedAs, long counted, String countedAs) {
    put(
        check,
        removed == counted
            ? "yes (" + removed + ")"
            : "NO: " + removed + " " + removedAs + ", " + counted + " " + countedAs);
  }

  /** The current snapshot's {@code total-records} dropped by exactly the rows removed. */
  void tableRowsAfter(long removed) throws Exception {
    long after = api.totalRecords(table);
    put(
        "table rows after (current snapshot's total-records)",
        after
            + (after == recordsBefore - removed
                ? " = " + recordsBefore + " - " + removed
                : " != " + recordsBefore + " - " + removed + " (MISMATCH)"));
  }

  /**
   * With the executor {@code trino} ({@code trino} not null): {@code count} read through Trino now,
   * and the statements Sluice's job ran on Trino since {@code requested}.
   */
  void throughTrino(
      TrinoServer trino,
      String check,
      TrinoCount count,
      List<TrinoJobQueries.Query> queries,
      Instant requested)
      throws SQLException {
    if (trino == null) {
      return;
    }
    try (Connection c = ErasureTrino.connect(trino)) {
      put(check, String.valueOf(count.read(c)));
    }
    put(
        "Trino queries of user " + ErasureTrino.JOBS_USER,
        TrinoJobQueries.listed(queries, requested));
  }
}
