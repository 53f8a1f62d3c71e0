package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scale benchmark's figures: each read workload and concurrency on the tree dataset alone and
 * on the grown catalog, the paged listings at both sizes, what growing took and the checks.
 */
record ScaleResults(List<ReadRow> reads, List<ListingRow> listings, Map<String, Object> growth) {
  /** The p50 latency at the large size over that at the small size must stay at or below this. */
  static final double P50_RATIO_TARGET = 1.2;

  /** One workload at one concurrency on a catalog of {@code catalogTables} tables. */
  record ReadRow(
      String workload,
      int clients,
      long catalogTables,
      long ops,
      long errors,
      double opsPerSecond,
      double p50Ms,
      double p99Ms,
      double maxMs,
      List<String> errorSamples) {}

  /**
   * Walks through one namespace page by page ({@code pageSize}; 0: one request without a page
   * size), {@code passes} times; page times pooled over the passes; memory of the server before the
   * first and after the last pass.
   */
  record ListingRow(
      String namespace,
      long tablesInNamespace,
      long catalogTables,
      int pageSize,
      int passes,
      int pagesPerPass,
      long tablesListed,
      double pageP50Ms,
      double pageP99Ms,
      double pageMaxMs,
      double firstPageMs,
      double lastPageMs,
      double rssBeforeMiB,
      double rssAfterMiB,
      double peakRssAfterMiB) {}

  boolean isEmpty() {
    return reads.isEmpty() && listings.isEmpty() && growth.isEmpty();
  }

  String render() {
    StringBuilder out = new StringBuilder();
    List<Long> sizes = reads.stream().map(ReadRow::catalogTables).distinct().sorted().toList();
    if (sizes.size() == 2) {
      long small = sizes.get(0);
      long large = sizes.get(1);
      out.append(
          String.format(
              Locale.ROOT,
              "%n== scale: reads on %,d tables and on %,d tables (sluice-pg) ==%n",
              small,
              large));
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "workload",
              "clients",
              "ops/s " + small,
              "p50 ms " + small,
              "p99 ms " + small,
              "ops/s " + large,
              "p50 ms " + large,
              "p99 ms " + large,
              "errors",
              "p50 ratio",
              "target"));
      for (ReadRow s : reads) {
        if (s.catalogTables() != small) {
          continue;
        }
        ReadRow l = find(s.workload(), s.clients(), large);
        if (l == null) {
          continue;
        }
        double ratio = l.p50Ms() / s.p50Ms();
        lines.add(
            List.of(
                s.workload(),
                String.valueOf(s.clients()),
                Report.fmt(s.opsPerSecond()),
                Report.fmt(s.p50Ms()),
                Report.fmt(s.p99Ms()),
                Report.fmt(l.opsPerSecond()),
                Report.fmt(l.p50Ms()),
                Report.fmt(l.p99Ms()),
                s.errors() + l.errors() == 0 ? "0" : s.errors() + " / " + l.errors(),
                Double.isNaN(ratio)
                    ? "-"
                    : String.format(Locale.ROOT, "%.2f", ratio)
                        + (ratio <= P50_RATIO_TARGET ? " ok" : " BELOW"),
                String.format(Locale.ROOT, "<= %.1f", P50_RATIO_TARGET)));
      }
      out.append(Report.table(lines));
      for (ReadRow r : reads) {
        for (String sample : r.errorSamples()) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "  error %s c=%d at %d tables: %s%n",
                  r.workload(),
                  r.clients(),
                  r.catalogTables(),
                  sample));
        }
      }
    }
    if (!listings.isEmpty()) {
      out.append("\n== scale: list tables page by page (sluice-pg) ==\n");
      List<List<String>> lines = new ArrayList<>();
      lines.add(
          List.of(
              "namespace",
              "tables in it",
              "catalog tables",
              "page size",
              "pages x passes",
              "listed",
              "page p50 ms",
              "page p99 ms",
              "page max ms",
              "first page ms",
              "last page ms",
              "RSS before MiB",
              "RSS after MiB",
              "peak RSS MiB"));
      for (ListingRow l : listings) {
        lines.add(
            List.of(
                l.namespace(),
                String.valueOf(l.tablesInNamespace()),
                String.valueOf(l.catalogTables()),
                l.pageSize() == 0 ? "none (all)" : String.valueOf(l.pageSize()),
                l.pagesPerPass() + " x " + l.passes(),
                String.valueOf(l.tablesListed()),
                Report.fmt(l.pageP50Ms()),
                Report.fmt(l.pageP99Ms()),
                Report.fmt(l.pageMaxMs()),
                Report.fmt(l.firstPageMs()),
                Report.fmt(l.lastPageMs()),
                Report.fmt(l.rssBeforeMiB()),
                Report.fmt(l.rssAfterMiB()),
                Report.fmt(l.peakRssAfterMiB())));
      }
      out.append(Report.table(lines));
      out.append(
          "  first/last page: median over the passes of the first and of the last page of a walk\n");
    }
    if (!growth.isEmpty()) {
      out.append("\n== scale: growing the catalog ==\n");
      growth.forEach(
          (k, v) ->
              out.append("  ")
                  .append(k)
                  .append(": ")
                  .append(String.valueOf(v).replace("\n", "\n      "))
                  .append('\n'));
    }
    return out.toString();
  }

  private ReadRow find(String workload, int clients, long catalogTables) {
    for (ReadRow r : reads) {
      if (r.workload().equals(workload)
          && r.clients() == clients
          && r.catalogTables() == catalogTables) {
        return r;
      }
    }
    return null;
  }
}
