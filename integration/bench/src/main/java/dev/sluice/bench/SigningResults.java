package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The signing benchmark's figures: sign requests per second and latency per audit mode and
 * concurrency, the Spark scan with S3 keys against the same scan signed by Sluice, and the checks;
 * printed as two tables and written as JSON.
 */
record SigningResults(List<SignRow> signatures, List<ScanRow> scans, Map<String, Object> checks) {

  /** One concurrency against one server: {@code audit} is its {@code sluice.signing.audit}. */
  record SignRow(
      String audit,
      int clients,
      long signatures,
      long errors,
      double seconds,
      double signaturesPerSecond,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double maxMs,
      double serverCpuMsPerSignature,
      double auditRowsPerSignature,
      String loadAverage,
      List<String> errorSamples) {}

  /**
   * Full scans of one table through a catalog with S3 keys and through one without keys whose S3
   * requests Sluice signs, in alternating order; {@code signedOverKeys}: median signed / median
   * with keys. Sign requests and audit rows are per signed scan (from Sluice's HTTP metrics and its
   * audit table).
   */
  record ScanRow(
      String audit,
      String status,
      long dataFiles,
      long rows,
      List<Long> keysMs,
      List<Long> signedMs,
      double keysMedianMs,
      double signedMedianMs,
      double signedOverKeys,
      double signRequestsPerScan,
      double serverMsPerSignRequest,
      double auditRowsPerScan,
      String loadAverage) {}

  boolean isEmpty() {
    return signatures.isEmpty() && scans.isEmpty() && checks.isEmpty();
  }

  static double median(List<Long> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    if (!signatures.isEmpty()) {
      out.append(
          "\n== signing: POST /v1/namespaces/{ns}/tables/{table}/sign, GET of an object below"
              + " the table, admin token ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "audit",
              "clients",
              "signatures",
              "signatures/s",
              "p50 ms",
              "p90 ms",
              "p99 ms",
              "max ms",
              "server CPU ms/signature",
              "audit rows/signature",
              "errors",
              "load avg"));
      for (SignRow r : signatures) {
        lines.add(
            List.of(
                r.audit(),
                String.valueOf(r.clients()),
                String.valueOf(r.signatures()),
                Report.fmt(r.signaturesPerSecond()),
                Report.fmt(r.p50Ms()),
                Report.fmt(r.p90Ms()),
                Report.fmt(r.p99Ms()),
                Report.fmt(r.maxMs()),
                fmt3(r.serverCpuMsPerSignature()),
                fmt3(r.auditRowsPerSignature()),
                String.valueOf(r.errors()),
                r.loadAverage()));
      }
      out.append(Report.table(lines));
      for (SignRow r : signatures) {
        r.errorSamples()
            .forEach(
                s ->
                    out.append("  error ")
                        .append(r.audit())
                        .append(" c=")
                        .append(r.clients())
                        .append(": ")
                        .append(s)
                        .append('\n'));
      }
    }
    if (!scans.isEmpty()) {
      out.append(
          "\n== signing: Spark (local[2]) full scan, S3 keys in the client vs no keys and every S3"
              + " request signed by Sluice ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "audit",
              "data files",
              "rows",
              "keys median ms",
              "signed median ms",
              "signed/keys",
              "sign requests/scan",
              "server ms/sign request",
              "audit rows/scan",
              "status"));
      for (ScanRow r : scans) {
        lines.add(
            List.of(
                r.audit(),
                String.valueOf(r.dataFiles()),
                String.valueOf(r.rows()),
                Report.fmt(r.keysMedianMs()),
                Report.fmt(r.signedMedianMs()),
                Report.fmt(r.signedOverKeys()),
                Report.fmt(r.signRequestsPerScan()),
                fmt3(r.serverMsPerSignRequest()),
                Report.fmt(r.auditRowsPerScan()),
                r.status()));
      }
      out.append(Report.table(lines));
      for (ScanRow r : scans) {
        out.append("  ")
            .append(r.audit())
            .append(": keys ms ")
            .append(r.keysMs())
            .append(", signed ms ")
            .append(r.signedMs())
            .append(", load average ")
            .append(r.loadAverage())
            .append('\n');
      }
    }
    if (!checks.isEmpty()) {
      out.append("\n== signing: checks ==\n");
      checks.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    }
    return out.toString();
  }

  private static String fmt3(double value) {
    return Double.isNaN(value) || value < 0 ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }
}
