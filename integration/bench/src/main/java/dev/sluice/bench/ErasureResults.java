package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The erasure benchmark's figures: the generated tables, the erasure of one subject and the
 * retention sweep per executor (in Sluice's process, or through Trino), and the checks; printed as
 * tables and written as JSON.
 */
record ErasureResults(
    List<Generated> tables,
    List<ErasureRow> erasures,
    List<SweepRow> sweeps,
    Map<String, Object> checks) {

  /** A table written through Trino; {@code seconds}: its CREATE TABLE AS. */
  record Generated(
      String table, String from, long rows, long dataFiles, long bytes, double seconds) {}

  /**
   * One erasure: {@code wallSeconds} from the request to {@code VERIFIED} seen by the client,
   * {@code jobSeconds} the job's own start to finish (server clock), {@code verifySeconds} from the
   * table's last commit to its {@code erasure.verify-table} audit row; {@code executorReported} the
   * executor the receipt names for each ref it rewrote.
   */
  record ErasureRow(
      String executor,
      String table,
      String status,
      long tableRows,
      long tableFiles,
      long subjectRows,
      long subjectFiles,
      double wallSeconds,
      double queuedSeconds,
      double jobSeconds,
      long rowsDeleted,
      long filesRewritten,
      long filesWritten,
      long filesRemoved,
      long bytesRewritten,
      long snapshotsExpired,
      long snapshotsScanned,
      long filesScanned,
      double verifySeconds,
      String executorReported,
      long trinoQueries,
      List<String> timeline) {}

  /**
   * One retention sweep of one table: {@code rowsExamined} are the rows of the files it rewrote
   * (removed + kept), {@code tableRows} all rows of the table before; rates are over the wall time.
   */
  record SweepRow(
      String executor,
      String table,
      String status,
      long tableRows,
      long expiredRows,
      double wallSeconds,
      double queuedSeconds,
      double jobSeconds,
      long rowsExamined,
      long rowsRemoved,
      long filesRewritten,
      long bytesRewritten,
      long filesWritten,
      double rowsExaminedPerSecond,
      double tableRowsPerSecond,
      String executorReported,
      long trinoQueries) {}

  boolean isEmpty() {
    return tables.isEmpty() && erasures.isEmpty() && sweeps.isEmpty() && checks.isEmpty();
  }

  String render() {
    StringBuilder out = new StringBuilder();
    if (!tables.isEmpty()) {
      out.append("\n== erasure: tables written through Trino ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(List.of("table", "from", "rows", "data files", "MiB", "seconds"));
      for (Generated g : tables) {
        lines.add(
            List.of(
                g.table(),
                g.from(),
                String.valueOf(g.rows()),
                String.valueOf(g.dataFiles()),
                Report.fmt(g.bytes() / 1048576.0),
                Report.fmt(g.seconds())));
      }
      out.append(Report.table(lines));
    }
    if (!erasures.isEmpty()) {
      out.append("\n== erasure: one subject, POST /api/v1/erasures to VERIFIED ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "executor",
              "table",
              "table rows",
              "subject rows/files",
              "wall s",
              "queued s",
              "job s",
              "verify s",
              "rows deleted",
              "files rewritten",
              "files written",
              "files removed",
              "MiB rewritten",
              "snapshots expired",
              "verify read",
              "ran on",
              "status"));
      for (ErasureRow r : erasures) {
        lines.add(
            List.of(
                r.executor(),
                r.table(),
                String.valueOf(r.tableRows()),
                r.subjectRows() + "/" + r.subjectFiles(),
                Report.fmt(r.wallSeconds()),
                Report.fmt(r.queuedSeconds()),
                Report.fmt(r.jobSeconds()),
                Report.fmt(r.verifySeconds()),
                String.valueOf(r.rowsDeleted()),
                String.valueOf(r.filesRewritten()),
                String.valueOf(r.filesWritten()),
                String.valueOf(r.filesRemoved()),
                r.bytesRewritten() < 0 ? "-" : Report.fmt(r.bytesRewritten() / 1048576.0),
                String.valueOf(r.snapshotsExpired()),
                r.snapshotsScanned() + " snapshots, " + r.filesScanned() + " files",
                r.executorReported()
                    + (r.trinoQueries() > 0 ? " (" + r.trinoQueries() + " Trino queries)" : ""),
                r.status()));
      }
      out.append(Report.table(lines));
      for (ErasureRow r : erasures) {
        out.append("  ").append(r.executor()).append(" timeline: ");
        out.append(String.join("; ", r.timeline())).append('\n');
      }
    }
    if (!sweeps.isEmpty()) {
      out.append(
          "\n== erasure: retention sweep, POST /api/v1/jobs retention.sweep to SUCCEEDED ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "executor",
              "table",
              "table rows",
              "expired rows",
              "wall s",
              "queued s",
              "job s",
              "rows examined",
              "rows removed",
              "files rewritten",
              "MiB rewritten",
              "files written",
              "examined rows/s",
              "table rows/s",
              "ran on",
              "status"));
      for (SweepRow r : sweeps) {
        lines.add(
            List.of(
                r.executor(),
                r.table(),
                String.valueOf(r.tableRows()),
                String.valueOf(r.expiredRows()),
                Report.fmt(r.wallSeconds()),
                Report.fmt(r.queuedSeconds()),
                Report.fmt(r.jobSeconds()),
                r.rowsExamined() < 0 ? "-" : String.valueOf(r.rowsExamined()),
                String.valueOf(r.rowsRemoved()),
                String.valueOf(r.filesRewritten()),
                r.bytesRewritten() < 0 ? "-" : Report.fmt(r.bytesRewritten() / 1048576.0),
                r.filesWritten() < 0 ? "-" : String.valueOf(r.filesWritten()),
                Report.fmt(r.rowsExaminedPerSecond()),
                Report.fmt(r.tableRowsPerSecond()),
                r.executorReported()
                    + (r.trinoQueries() > 0 ? " (" + r.trinoQueries() + " Trino queries)" : ""),
                r.status()));
      }
      out.append(Report.table(lines));
    }
    if (!checks.isEmpty()) {
      out.append("\n== erasure: checks ==\n");
      checks.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    }
    return out.toString();
  }
}
