package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The trino benchmark's figures: decision API latency per case and audit mode, Trino query latency
 * with and without the decision API, and the checks; printed as two tables and written as JSON.
 */
record TrinoResults(
    List<DecisionRow> decisions, List<QueryRow> queries, Map<String, Object> checks) {

  /** One decision case against one server: {@code audit} is its {@code sluice.trino.audit}. */
  record DecisionRow(
      String name,
      String what,
      String audit,
      int clients,
      String status,
      long requests,
      long errors,
      double seconds,
      double requestsPerSecond,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double maxMs,
      double serverCpuMsPerRequest,
      String loadAverage,
      List<String> errorSamples) {}

  /**
   * One Trino case: latencies of the measured queries and, with the decision API, the decision
   * requests Trino sent per query (by endpoint, from Sluice's HTTP metrics), the time Sluice spent
   * answering them per query and the audit rows per query (by action). {@code added*}: over the
   * case without access control.
   */
  record QueryRow(
      String name,
      String what,
      String status,
      long queries,
      long errors,
      double seconds,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double maxMs,
      Double addedP50Ms,
      Double addedP99Ms,
      Map<String, Double> decisionRequestsPerQuery,
      double decisionServerMsPerQuery,
      Map<String, Double> auditRowsPerQuery,
      String loadAverage,
      List<String> errorSamples) {

    boolean ran() {
      return "ok".equals(status);
    }

    double decisionRequests() {
      return decisionRequestsPerQuery.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double auditRows() {
      return auditRowsPerQuery.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    QueryRow comparedTo(QueryRow baseline) {
      boolean comparable = baseline != null && baseline != this && baseline.ran() && ran();
      return new QueryRow(
          name,
          what,
          status,
          queries,
          errors,
          seconds,
          p50Ms,
          p90Ms,
          p99Ms,
          maxMs,
          comparable ? p50Ms - baseline.p50Ms : null,
          comparable ? p99Ms - baseline.p99Ms : null,
          decisionRequestsPerQuery,
          decisionServerMsPerQuery,
          auditRowsPerQuery,
          loadAverage,
          errorSamples);
    }

    static QueryRow notRun(String name, String what, String status) {
      return new QueryRow(
          name,
          what,
          status,
          0,
          0,
          0,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          null,
          null,
          Map.of(),
          Double.NaN,
          Map.of(),
          "",
          List.of());
    }
  }

  String render() {
    StringBuilder out = new StringBuilder();
    if (!decisions.isEmpty()) {
      out.append("\n== trino: decision API (one HTTPS request per decision, mutual TLS) ==\n");
      out.append(Report.table(decisionLines()));
      decisions.stream()
          .filter(r -> r.clients() == 1 && r.audit().equals("all"))
          .forEach(
              r -> out.append("  ").append(r.name()).append(": ").append(r.what()).append('\n'));
      for (DecisionRow r : decisions) {
        r.errorSamples()
            .forEach(
                s -> out.append("    error ").append(r.name()).append(": ").append(s).append('\n'));
      }
    }
    if (!queries.isEmpty()) {
      out.append(
          "\n== trino: SELECT customer_id, name, phone FROM lake.raw.customers as alice ==\n");
      out.append(Report.table(queryLines()));
      for (QueryRow r : queries) {
        out.append("  ").append(r.name()).append(": ").append(r.what());
        out.append(r.ran() ? "" : "; " + r.status()).append('\n');
        if (r.ran() && !r.decisionRequestsPerQuery().isEmpty()) {
          out.append("    decision requests per query: ")
              .append(perQuery(r.decisionRequestsPerQuery()))
              .append('\n');
        }
        if (r.ran() && !r.auditRowsPerQuery().isEmpty()) {
          out.append("    audit rows per query: ")
              .append(perQuery(r.auditRowsPerQuery()))
              .append('\n');
        }
        r.errorSamples().forEach(s -> out.append("    error: ").append(s).append('\n'));
      }
    }
    checks.forEach(
        (k, v) -> {
          out.append("  check ").append(k).append(": ");
          if (v instanceof List<?> items) {
            items.forEach(item -> out.append("\n    ").append(item));
          } else {
            out.append(v);
          }
          out.append('\n');
        });
    return out.toString();
  }

  private List<List<String>> decisionLines() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(
        List.of(
            "case",
            "audit",
            "clients",
            "requests",
            "errors",
            "median ms",
            "p90 ms",
            "p99 ms",
            "requests/s",
            "median vs denials",
            "server CPU ms/request",
            "load avg"));
    for (DecisionRow r : decisions) {
      boolean ran = "ok".equals(r.status());
      DecisionRow denials =
          decisions.stream()
              .filter(d -> d.audit().equals("denials") && "ok".equals(d.status()))
              .filter(d -> d.name().equals(r.name()) && d.clients() == r.clients())
              .findFirst()
              .orElse(null);
      lines.add(
          List.of(
              r.name(),
              r.audit(),
              String.valueOf(r.clients()),
              ran ? String.valueOf(r.requests()) : r.status().replaceFirst(":.*", ""),
              ran ? String.valueOf(r.errors()) : "-",
              Report.fmt(r.p50Ms()),
              Report.fmt(r.p90Ms()),
              Report.fmt(r.p99Ms()),
              Report.fmt(r.requestsPerSecond()),
              denials == null || denials == r || !ran
                  ? "-"
                  : added(r.p50Ms() - denials.p50Ms(), denials.p50Ms()),
              Report.fmt(r.serverCpuMsPerRequest()),
              r.loadAverage()));
    }
    return lines;
  }

  private List<List<String>> queryLines() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(
        List.of(
            "case",
            "queries",
            "errors",
            "median ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "median vs none",
            "p99 vs none",
            "decision requests/query",
            "Sluice decision ms/query",
            "audit rows/query",
            "load avg"));
    for (QueryRow r : queries) {
      boolean decided = r.ran() && !r.decisionRequestsPerQuery().isEmpty();
      lines.add(
          List.of(
              r.name(),
              r.ran() ? String.valueOf(r.queries()) : r.status().replaceFirst(":.*", ""),
              r.ran() ? String.valueOf(r.errors()) : "-",
              Report.fmt(r.p50Ms()),
              Report.fmt(r.p90Ms()),
              Report.fmt(r.p99Ms()),
              Report.fmt(r.maxMs()),
              r.addedP50Ms() == null ? "-" : added(r.addedP50Ms(), r.p50Ms() - r.addedP50Ms()),
              r.addedP99Ms() == null ? "-" : added(r.addedP99Ms(), r.p99Ms() - r.addedP99Ms()),
              decided ? Report.fmt(r.decisionRequests()) : "-",
              decided ? Report.fmt(r.decisionServerMsPerQuery()) : "-",
              decided ? Report.fmt(r.auditRows()) : "-",
              r.loadAverage()));
    }
    return lines;
  }

  /** {@code +0.42 ms (+31%)}: a difference and its share of the value it is compared with. */
  private static String added(double delta, double base) {
    return String.format(Locale.ROOT, "%+.2f ms (%+.0f%%)", delta, 100 * delta / base);
  }

  private static String perQuery(Map<String, Double> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + Report.fmt(e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
