package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The auth benchmark's cases and checks, printed as one table and written as JSON. */
record AuthResults(List<Row> rows, Map<String, Object> checks) {

  /**
   * One case: latencies of its measured loads and what they add over the baseline case with the
   * same number of clients (null when that baseline did not run, or for the baseline itself).
   */
  record Row(
      String name,
      String what,
      String server,
      int clients,
      String status,
      long loads,
      long errors,
      double seconds,
      double loadsPerSecond,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double maxMs,
      Double addedP50Ms,
      Double addedP99Ms,
      double serverCpuMsPerLoad,
      Double addedCpuMs,
      String loadAverage,
      long meanResponseBytes,
      List<String> errorSamples) {

    /** A case that could not run: {@code status} says why. */
    static Row notRun(AuthBench.Case c, String status) {
      return new Row(
          c.name(),
          c.what(),
          c.server().label,
          c.clients(),
          status,
          0,
          0,
          0,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          null,
          null,
          Double.NaN,
          null,
          "",
          0,
          List.of());
    }

    boolean ran() {
      return "ok".equals(status);
    }

    Row comparedTo(Row baseline) {
      boolean comparable = baseline != null && baseline != this && baseline.ran() && ran();
      return new Row(
          name,
          what,
          server,
          clients,
          status,
          loads,
          errors,
          seconds,
          loadsPerSecond,
          p50Ms,
          p90Ms,
          p99Ms,
          maxMs,
          comparable ? p50Ms - baseline.p50Ms : null,
          comparable ? p99Ms - baseline.p99Ms : null,
          serverCpuMsPerLoad,
          comparable ? serverCpuMsPerLoad - baseline.serverCpuMsPerLoad : null,
          loadAverage,
          meanResponseBytes,
          errorSamples);
    }
  }

  String render() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(
        List.of(
            "case",
            "clients",
            "loads",
            "errors",
            "median ms",
            "p90 ms",
            "p99 ms",
            "loads/s",
            "median vs baseline",
            "p99 vs baseline",
            "server CPU ms/load",
            "CPU vs baseline",
            "load avg"));
    for (Row r : rows) {
      lines.add(
          List.of(
              r.name(),
              String.valueOf(r.clients()),
              r.ran() ? String.valueOf(r.loads()) : r.status().replaceFirst(":.*", ""),
              r.ran() ? String.valueOf(r.errors()) : "-",
              Report.fmt(r.p50Ms()),
              Report.fmt(r.p90Ms()),
              Report.fmt(r.p99Ms()),
              Report.fmt(r.loadsPerSecond()),
              added(r.addedP50Ms(), r.p50Ms()),
              added(r.addedP99Ms(), r.p99Ms()),
              Report.fmt(r.serverCpuMsPerLoad()),
              added(r.addedCpuMs(), r.serverCpuMsPerLoad()),
              r.loadAverage()));
    }
    StringBuilder out = new StringBuilder("\n== auth: loadTable ==\n");
    out.append(Report.table(lines));
    for (Row r : rows) {
      out.append("  ").append(r.name()).append(": ").append(r.what());
      out.append(r.ran() ? "; mean response " + r.meanResponseBytes() + " bytes" : "");
      out.append(r.ran() ? "" : "; " + r.status()).append('\n');
      r.errorSamples().forEach(s -> out.append("    error: ").append(s).append('\n'));
    }
    checks.forEach((k, v) -> out.append("  check ").append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }

  /** {@code +0.42 ms (+31%)}: the difference and its share of the baseline's value. */
  private static String added(Double delta, double value) {
    if (delta == null) {
      return "-";
    }
    double base = value - delta;
    return String.format(Locale.ROOT, "%+.2f ms (%+.0f%%)", delta, 100 * delta / base);
  }
}
