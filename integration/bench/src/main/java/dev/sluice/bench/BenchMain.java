package dev.sluice.bench;

import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Entry point: {@code all} (default: catalog and lineage), {@code catalog}, {@code lineage}, {@code
 * auth} (only on request: it compares with another build), {@code trino} (only on request: it
 * starts Trino), {@code signing} (only on request: it starts Spark) or {@code erasure} (only on
 * request: it writes tables of millions of rows through Trino) or {@code scale} (only on request:
 * it grows a catalog to a hundred thousand tables). Starts PostgreSQL and S3Proxy, runs the
 * benchmarks, prints the tables and writes them as JSON under the output directory; every process
 * it started is stopped at the end, also when a step fails.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "all";
    if (!List.of("all", "catalog", "lineage", "auth", "trino", "signing", "erasure", "scale")
        .contains(mode)) {
      System.err.println(
          "usage: java -jar sluice-bench.jar [all|catalog|lineage|auth|trino|signing|erasure|scale]");
      System.exit(2);
    }
    Settings.loadBuildProperties();
    Path output = Settings.outputDir();
    Path work = WorkDirs.fresh(output.resolve("work"));
    Files.createDirectories(output);
    Report report = new Report();
    report.notes.put("started", LocalDateTime.now().withNano(0).toString());
    report.notes.put("mode", mode);
    report.notes.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " CPUs; client and servers share them; one target runs at a time");
    long t0 = System.nanoTime();
    int exit = 0;
    try (Closer closer = new Closer()) {
      PostgresServer postgres = closer.register(PostgresServer.start());
      // auth and trino use the example policy, whose zone roots are in bucket lake
      List<String> buckets =
          mode.equals("auth") || mode.equals("trino")
              ? List.of(AuthServers.BUCKET)
              : Targets.BUCKETS;
      S3ProxyServer s3 = closer.register(S3ProxyServer.start(work.resolve("s3"), buckets));
      Infra infra = new Infra(postgres, s3);
      if (mode.equals("auth")) {
        new AuthBench(report, closer, work.resolve("auth")).run(infra);
      }
      if (mode.equals("trino")) {
        new TrinoBench(report, closer, work.resolve("trino")).run(infra);
      }
      if (mode.equals("signing")) {
        new SigningBench(report, closer, work.resolve("signing")).run(infra);
      }
      if (mode.equals("erasure")) {
        new ErasureBench(report, closer, work.resolve("erasure")).run(infra);
      }
      if (mode.equals("scale")) {
        new ScaleBench(report, closer, work.resolve("scale")).run(infra);
      }
      if (mode.equals("all") || mode.equals("catalog")) {
        new CatalogBench(report, closer, work.resolve("catalog"), output).run(infra);
      }
      if (mode.equals("all") || mode.equals("lineage")) {
        try {
          new LineageBench(report, closer, work.resolve("lineage")).run(infra);
        } catch (Exception e) {
          Progress.say("lineage benchmark failed: %s", e);
          report.lineage.put("failed", String.valueOf(e));
          exit = 1;
        }
      }
    } catch (Exception e) {
      Progress.say("benchmark failed: %s", e);
      report.notes.put("failed", String.valueOf(e));
      exit = 1;
    }
    report.notes.put("total seconds", Math.round((System.nanoTime() - t0) / 1e9));
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path json = output.resolve("bench-" + stamp + ".json");
    report.writeJson(json);
    Files.copy(
        json,
        output.resolve("bench-latest.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.println(report.render());
    if (!report.lineage.isEmpty()) {
      System.out.println("== lineage (Sluice on PostgreSQL) ==");
      report.lineage.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    }
    System.out.println();
    System.out.println("JSON: " + json);
    System.out.flush();
    System.exit(exit);
  }
}
