package dev.sluice.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Result rows, printed as one table per workload and written as JSON. */
final class Report {
  /** One measured operation kind of one workload on one target. */
  record Row(
      String workload,
      String variant,
      String target,
      long ops,
      double seconds,
      double opsPerSecond,
      double p50Ms,
      double p99Ms,
      double maxMs,
      long errors,
      long conflicts,
      double serverCpuMicrosPerOp,
      List<String> errorSamples,
      Map<String, Object> extra) {}

  /** A target's process figures and whether it could be run at all. */
  record TargetInfo(
      String name,
      String description,
      String status,
      double startupSeconds,
      double rssAfterStartMiB,
      double rssAtEndMiB,
      double peakRssMiB) {}

  final List<Row> rows = new ArrayList<>();
  final List<TargetInfo> targets = new ArrayList<>();
  final Map<String, Object> notes = new LinkedHashMap<>();
  final Map<String, Object> lineage = new LinkedHashMap<>();
  final List<AuditCompleteness> audits = new ArrayList<>();
  final AuthResults auth = new AuthResults(new ArrayList<>(), new LinkedHashMap<>());
  final TrinoResults trino =
      new TrinoResults(new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
  final SigningResults signing =
      new SigningResults(new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
  final ErasureResults erasure =
      new ErasureResults(
          new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
  final ScaleResults scale =
      new ScaleResults(new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());

  /**
   * A row, with the CPU microseconds the target's own process spent per operation of the workload
   * (in a mixed workload, per operation of either kind), NaN when not taken.
   */
  static Row row(
      String workload,
      String variant,
      String target,
      Load.Tally tally,
      double seconds,
      double serverCpuMicrosPerOp,
      Map<String, Object> extra) {
    Histogram h = tally.micros;
    boolean any = h.getTotalCount() > 0;
    return new Row(
        workload,
        variant,
        target,
        tally.ok,
        seconds,
        seconds > 0 ? tally.ok / seconds : 0,
        any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
        any ? h.getMaxValue() / 1000.0 : Double.NaN,
        tally.errors,
        tally.conflicts,
        serverCpuMicrosPerOp,
        List.copyOf(tally.errorSamples),
        extra == null ? Map.of() : extra);
  }

  void add(Row row) {
    rows.add(row);
  }

  /**
   * The tables: one per catalog workload, with a ratio column per Sluice target against every row;
   * the auth cases; the trino cases; the signing, erasure and scale figures; the targets.
   */
  String render() {
    StringBuilder out = new StringBuilder();
    if (!rows.isEmpty()) {
      renderWorkloads(out);
    }
    if (!auth.rows().isEmpty()) {
      out.append(auth.render());
    }
    if (!trino.decisions().isEmpty() || !trino.queries().isEmpty() || !trino.checks().isEmpty()) {
      out.append(trino.render());
    }
    if (!signing.isEmpty()) {
      out.append(signing.render());
    }
    if (!erasure.isEmpty()) {
      out.append(erasure.render());
    }
    if (!scale.isEmpty()) {
      out.append(scale.render());
    }
    out.append("\n== targets ==\n");
    List<List<String>> lines = new ArrayList<>();
    lines.add(
        List.of(
            "target",
            "status",
            "start-up s",
            "RSS after start MiB",
            "RSS at end MiB",
            "peak RSS MiB",
            "what"));
    for (TargetInfo t : targets) {
      lines.add(
          List.of(
              t.name(),
              t.status(),
              fmt(t.startupSeconds()),
              fmt(t.rssAfterStartMiB()),
              fmt(t.rssAtEndMiB()),
              fmt(t.peakRssMiB()),
              t.description()));
    }
    out.append(table(lines));
    return out.toString();
  }

  private void renderWorkloads(StringBuilder out) {
    Set<String> workloads = new LinkedHashSet<>();
    rows.forEach(r -> workloads.add(r.workload()));
    List<String> sluiceTargets =
        targets.stream().map(TargetInfo::name).filter(n -> n.startsWith("sluice")).toList();
    for (String workload : workloads) {
      out.append("\n== ").append(workload).append(" ==\n");
      List<String> header =
          new ArrayList<>(
              List.of(
                  "variant",
                  "target",
                  "ops",
                  "ops/s",
                  "p50 ms",
                  "p99 ms",
                  "max ms",
                  "errors",
                  "conflicts",
                  "server CPU us/op"));
      for (String s : sluiceTargets) {
        header.add(s + "/this");
      }
      List<List<String>> lines = new ArrayList<>();
      lines.add(header);
      for (Row r : rows) {
        if (!r.workload().equals(workload)) {
          continue;
        }
        List<String> line =
            new ArrayList<>(
                List.of(
                    r.variant(),
                    r.target(),
                    String.valueOf(r.ops()),
                    fmt(r.opsPerSecond()),
                    fmt(r.p50Ms()),
                    fmt(r.p99Ms()),
                    fmt(r.maxMs()),
                    String.valueOf(r.errors()),
                    String.valueOf(r.conflicts()),
                    fmt(r.serverCpuMicrosPerOp())));
        for (String s : sluiceTargets) {
          line.add(s.equals(r.target()) ? "-" : ratio(find(workload, r.variant(), s), r));
        }
        lines.add(line);
      }
      out.append(table(lines));
      for (Row r : rows) {
        if (r.workload().equals(workload) && !r.extra().isEmpty()) {
          out.append("  ").append(r.target()).append(' ').append(r.variant()).append(": ");
          out.append(r.extra()).append('\n');
        }
        if (r.workload().equals(workload) && !r.errorSamples().isEmpty()) {
          for (String sample : r.errorSamples()) {
            out.append("  error ").append(r.target()).append(": ").append(sample).append('\n');
          }
        }
      }
    }
    out.append("\nratio = Sluice throughput / this row's throughput (above 1: Sluice is faster)\n");
    renderAgainstFasterPeer(out, sluiceTargets);
    renderServerCpu(out, sluiceTargets);
    renderAudits(out);
  }

  /**
   * Per measured case: the CPU each target's own process spent per operation, and each Sluice
   * target's against the peer that spent least. The machine's other processes (the benchmark's
   * client, PostgreSQL, S3Proxy) are left out, so this compares the servers' own work.
   */
  private void renderServerCpu(StringBuilder out, List<String> sluiceTargets) {
    List<String> names =
        targets.stream()
            .map(TargetInfo::name)
            .filter(n -> rows.stream().anyMatch(r -> r.target().equals(n) && cpuTaken(r)))
            .toList();
    List<String> peers = names.stream().filter(n -> !n.startsWith("sluice")).toList();
    if (names.isEmpty()) {
      return;
    }
    out.append("\n== server CPU per operation (microseconds, the target's own process) ==\n");
    List<String> header = new ArrayList<>(List.of("workload", "variant"));
    header.addAll(names);
    if (!peers.isEmpty()) {
      for (String s : sluiceTargets) {
        header.add("leanest peer / " + s);
      }
    }
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    Set<String> seen = new LinkedHashSet<>();
    for (Row r : rows) {
      if (!cpuTaken(r) || !seen.add(r.workload() + "\u0000" + r.variant())) {
        continue;
      }
      List<String> line = new ArrayList<>(List.of(r.workload(), r.variant()));
      Row leanest = null;
      for (String name : names) {
        Row row = find(r.workload(), r.variant(), name);
        line.add(row == null || !cpuTaken(row) ? "-" : fmt(row.serverCpuMicrosPerOp()));
        if (peers.contains(name)
            && row != null
            && cpuTaken(row)
            && (leanest == null || row.serverCpuMicrosPerOp() < leanest.serverCpuMicrosPerOp())) {
          leanest = row;
        }
      }
      if (!peers.isEmpty()) {
        for (String s : sluiceTargets) {
          Row sluice = find(r.workload(), r.variant(), s);
          line.add(
              leanest == null || sluice == null || !cpuTaken(sluice)
                  ? "-"
                  : fmt(leanest.serverCpuMicrosPerOp() / sluice.serverCpuMicrosPerOp())
                      + " ("
                      + leanest.target()
                      + ")");
        }
      }
      lines.add(line);
    }
    out.append(table(lines));
    out.append(
        "server CPU = the process's user + system time over the measured window, divided by the"
            + " operations counted in it (a mix: of either kind; contended commits: successful"
            + " ones, the retried conflicts' cost included); above 1 in the last columns: Sluice"
            + " spends less\n");
  }

  private static boolean cpuTaken(Row r) {
    return r.serverCpuMicrosPerOp() > 0 && Double.isFinite(r.serverCpuMicrosPerOp());
  }

  /** Per Sluice target: its requests against the audit rows that name them. */
  private void renderAudits(StringBuilder out) {
    if (audits.isEmpty()) {
      return;
    }
    out.append("\n== audit completeness (catalog workloads' requests) ==\n");
    List<List<String>> lines = new ArrayList<>();
    lines.add(
        List.of(
            "target",
            "sent",
            "answered",
            "with audit row",
            "without",
            "audit rows",
            "rows of unsent ids",
            "check"));
    for (AuditCompleteness a : audits) {
      lines.add(
          List.of(
              a.target(),
              String.valueOf(a.sent()),
              String.valueOf(a.answered()),
              String.valueOf(a.audited()),
              String.valueOf(a.unaudited()),
              String.valueOf(a.totalRows()),
              String.valueOf(a.strays()),
              a.complete() ? "ok" : "INCOMPLETE"));
    }
    out.append(table(lines));
    for (AuditCompleteness a : audits) {
      out.append("  ").append(a.target()).append(" rows per action: ");
      out.append(new TreeMap<>(a.rows()));
      if (!a.missing().isEmpty()) {
        out.append("; first without a row: ").append(String.join(", ", a.missing()));
      }
      out.append('\n');
    }
  }

  /**
   * One line per measured case: each Sluice target's throughput over the faster of the peers in
   * that case, beside the ratio the case is held to, then the latency and process targets.
   */
  private void renderAgainstFasterPeer(StringBuilder out, List<String> sluiceTargets) {
    List<String> peers =
        targets.stream()
            .map(TargetInfo::name)
            .filter(n -> !n.startsWith("sluice"))
            .filter(n -> rows.stream().anyMatch(r -> r.target().equals(n)))
            .toList();
    if (peers.isEmpty() || sluiceTargets.isEmpty()) {
      return;
    }
    out.append("\n== against the faster peer ==\n");
    List<String> header = new ArrayList<>(List.of("workload", "variant", "faster peer", "ops/s"));
    for (String s : sluiceTargets) {
      header.add(s + " ratio");
    }
    header.add("target");
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    Set<String> seen = new LinkedHashSet<>();
    for (Row r : rows) {
      if (!seen.add(r.workload() + "\u0000" + r.variant())) {
        continue;
      }
      Row faster = null;
      for (String peer : peers) {
        Row candidate = find(r.workload(), r.variant(), peer);
        if (candidate != null
            && candidate.opsPerSecond() > 0
            && (faster == null || candidate.opsPerSecond() > faster.opsPerSecond())) {
          faster = candidate;
        }
      }
      if (faster == null) {
        continue;
      }
      List<String> line =
          new ArrayList<>(
              List.of(r.workload(), r.variant(), faster.target(), fmt(faster.opsPerSecond())));
      double goal = goal(r.workload(), r.variant());
      for (String s : sluiceTargets) {
        Row sluice = find(r.workload(), r.variant(), s);
        String ratio = ratio(sluice, faster);
        boolean met =
            sluice != null && sluice.opsPerSecond() / faster.opsPerSecond() >= goal && goal > 0;
        line.add("-".equals(ratio) || goal <= 0 ? ratio : ratio + (met ? " ok" : " BELOW"));
      }
      line.add(goal > 0 ? String.format(Locale.ROOT, ">= %.1f", goal) : "-");
      lines.add(line);
    }
    out.append(table(lines));
    for (String s : sluiceTargets) {
      Row load = find(CatalogBench.READ_LOAD, "c=8", s);
      if (load != null) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %s: loadTable c=8 p99 %s ms (target <= 5 ms: %s)%n",
                s,
                fmt(load.p99Ms()),
                load.p99Ms() <= 5 ? "ok" : "BELOW"));
      }
    }
    TargetInfo reference =
        targets.stream().filter(t -> t.name().equals("iceberg-rest")).findFirst().orElse(null);
    for (TargetInfo t : targets) {
      if (!t.name().startsWith("sluice") || t.startupSeconds() < 0) {
        continue;
      }
      String startup =
          reference == null || reference.startupSeconds() < 0
              ? "no reference server figure"
              : String.format(
                  Locale.ROOT,
                  "reference server %s s: %s",
                  fmt(reference.startupSeconds()),
                  t.startupSeconds() <= reference.startupSeconds() ? "ok" : "BELOW");
      out.append(
          String.format(
              Locale.ROOT,
              "  %s: start-up %s s (%s); RSS after start %s MiB (target <= 200: %s)%n",
              t.name(),
              fmt(t.startupSeconds()),
              startup,
              fmt(t.rssAfterStartMiB()),
              t.rssAfterStartMiB() <= 200 ? "ok" : "BELOW"));
    }
  }

  /** The ratio to the faster peer a case is held to; 0 where none is set. */
  private static double goal(String workload, String variant) {
    return switch (workload) {
      case CatalogBench.READ_LOAD, CatalogBench.READ_HEAD, CatalogBench.READ_LIST -> 2.0;
      case CatalogBench.MIX -> variant.startsWith("loadTable") ? 2.0 : 1.5;
      case CatalogBench.CONTENDED, CatalogBench.PARALLEL -> 1.5;
      case CatalogBench.CREATE -> variant.startsWith("create table") ? 1.0 : 0;
      default -> 0;
    };
  }

  private Row find(String workload, String variant, String target) {
    for (Row r : rows) {
      if (r.workload().equals(workload)
          && r.variant().equals(variant)
          && r.target().equals(target)) {
        return r;
      }
    }
    return null;
  }

  private static String ratio(Row sluice, Row row) {
    if (sluice == null || row.opsPerSecond() <= 0 || sluice.opsPerSecond() <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", sluice.opsPerSecond() / row.opsPerSecond());
  }

  static String fmt(double value) {
    if (Double.isNaN(value) || value < 0) {
      return "-";
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (value >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  static String table(List<List<String>> lines) {
    int columns = lines.get(0).size();
    int[] widths = new int[columns];
    for (List<String> line : lines) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int l = 0; l < lines.size(); l++) {
      List<String> line = lines.get(l);
      out.append(' ');
      for (int i = 0; i < columns; i++) {
        String cell = line.get(i);
        boolean left =
            i < 2 || cell.isEmpty() || !Character.isDigit(cell.charAt(0)) && !"-".equals(cell);
        String pad = " ".repeat(widths[i] - cell.length());
        out.append(' ').append(left ? cell + pad : pad + cell).append(" |");
      }
      out.setLength(out.length() - 2);
      out.append('\n');
      if (l == 0) {
        out.append(' ');
        for (int i = 0; i < columns; i++) {
          out.append(' ').append("-".repeat(widths[i])).append(" |");
        }
        out.setLength(out.length() - 2);
        out.append('\n');
      }
    }
    return out.toString();
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("notes", notes);
    json.put("targets", targets);
    json.put("results", rows);
    if (!audits.isEmpty()) {
      json.put("audit", audits);
    }
    if (!lineage.isEmpty()) {
      json.put("lineage", lineage);
    }
    if (!auth.rows().isEmpty()) {
      json.put("auth", auth);
    }
    if (!trino.decisions().isEmpty() || !trino.queries().isEmpty() || !trino.checks().isEmpty()) {
      json.put("trino", trino);
    }
    if (!signing.isEmpty()) {
      json.put("signing", signing);
    }
    if (!erasure.isEmpty()) {
      json.put("erasure", erasure);
    }
    if (!scale.isEmpty()) {
      json.put("scale", scale);
    }
    Files.createDirectories(file.getParent());
    RestCatalogClient.JSON
        .copy()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), json);
  }
}
