package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.Response;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.SigningResults.ScanRow;
import dev.sluice.bench.SigningResults.SignRow;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.it.Components;
import dev.sluice.it.ManagedProcess;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * What S3 remote signing costs. Sluice on PostgreSQL with an {@code s3://} warehouse on S3Proxy is
 * started once per {@code sluice.signing.audit} mode, on the same database. The first start writes
 * one table of many small data files through Spark with S3 keys. Against each server: sign requests
 * (GET of an object below the table's location, admin token) at each concurrency for a fixed time
 * after a warm-up; then full Spark scans of the table through a catalog with S3 keys and one
 * without keys whose every S3 request Sluice signs, alternating which goes first.
 */
final class SigningBench {
  static final String DATABASE = "sluice_signing";
  private static final String REUSABLE = "+reusable";
  static final String BUCKET = "sluice-bench";
  static final TableRef TABLE = new TableRef(List.of("bench_signing"), "scan");
  private static final String WAREHOUSE_NAME = "sluice";
  private static final String SIGN_ACTION = "table.sign";

  /** The JVM options Spark 4 needs on JDK 17 (as integration/governance runs it). */
  private static final List<String> SPARK_JVM_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-Duser.timezone=UTC",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private long dataFiles = -1;
  private long rows = -1;

  SigningBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
  }

  void run(Infra infra) throws Exception {
    report.notes.put(
        "signing requests",
        String.format(
            "POST .../tables/%s/sign with the bootstrap admin token, each for a GET of another"
                + " object key below the table's location, with a Range and the SDK's request"
                + " headers; %d s warm-up at %d clients on each server, then per concurrency %d s"
                + " unmeasured and %d s measured",
            TABLE.name(),
            Settings.signingWarmupSeconds(),
            Settings.signingConcurrency().stream().mapToInt(Integer::intValue).max().orElse(1),
            Settings.warmupSeconds(),
            Settings.signingSeconds()));
    report.notes.put(
        "signing scan",
        String.format(
            "table %s: %d data files of %d rows (5 columns), written once by Spark with S3 keys;"
                + " per server one unmeasured scan through each catalog, then %d rounds of both,"
                + " alternating which goes first; Spark local[2], catalog cache off, aggregate"
                + " push-down off (so every data file is read)",
            TABLE,
            Settings.signingFiles(),
            Settings.signingRowsPerFile(),
            Settings.signingScanRounds()));
    infra.postgres().createDatabase(DATABASE);
    for (String audit : Settings.signingAuditModes()) {
      runServer(infra, audit);
    }
  }

  private void runServer(Infra infra, String audit) {
    String label = "sluice audit=" + audit;
    Progress.say("=== signing benchmark: Sluice with sluice.signing.audit=%s", audit);
    SluiceServer sluice;
    long t0 = System.nanoTime();
    try {
      Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), DATABASE);
      config.putAll(SluiceServer.onS3(infra.s3(), "s3://" + BUCKET + "/"));
      // "<audit>+reusable": that audit mode, with clients reusing read signatures
      boolean reusable = audit.endsWith(REUSABLE);
      config.put(
          "sluice.signing.audit",
          reusable ? audit.substring(0, audit.length() - REUSABLE.length()) : audit);
      config.put("sluice.signing.reusable-reads", String.valueOf(reusable));
      sluice = closer.register(SluiceServer.start(workDir.resolve("sluice-" + audit), config));
    } catch (Exception e) {
      String reason = RestCatalogClient.abbreviate(String.valueOf(e), 300);
      Progress.say("Sluice (audit=%s) could not be started: %s", audit, reason);
      report.signing.checks().put(label, "NOT RUN: " + reason);
      return;
    }
    double startup = (System.nanoTime() - t0) / 1e9;
    long pid = sluice.process().pid();
    double[] afterStart = Targets.memoryMiB(pid);
    String status = "ok";
    try {
      RestCatalogClient admin =
          new RestCatalogClient(sluice.baseUri(), WAREHOUSE_NAME, sluice.adminToken());
      admin.configure();
      if (dataFiles < 0) {
        write(sluice, infra.s3());
      }
      String location = RestCatalogClient.state(admin.loadTable(TABLE)).location();
      report.signing.checks().put("table location", location);
      checkSignatureIsAccepted(admin, infra.s3(), location);
      signatures(audit, admin, pid, infra, location);
      scans(audit, sluice, infra);
    } catch (Exception e) {
      status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
      Progress.say("signing benchmark with audit=%s failed: %s", audit, e);
      report.signing.checks().put(label, status);
    } finally {
      double[] atEnd = Targets.memoryMiB(pid);
      report.targets.add(
          new Report.TargetInfo(
              label,
              "Sluice on PostgreSQL + S3 API (S3Proxy), sluice.signing.audit=" + audit,
              status,
              startup,
              afterStart[0],
              atEnd[0],
              atEnd[1]));
      closer.closeNow(sluice);
    }
  }

  // ---- data ----

  private void write(SluiceServer sluice, S3ProxyServer s3) throws Exception {
    Progress.say(
        "writing %s: %d files x %d rows through Spark with S3 keys",
        TABLE, Settings.signingFiles(), Settings.signingRowsPerFile());
    Properties settings = sparkSettings(sluice, s3, "write");
    settings.setProperty("files", String.valueOf(Settings.signingFiles()));
    settings.setProperty("rows-per-file", String.valueOf(Settings.signingRowsPerFile()));
    List<String[]> lines = spark("write", settings);
    String[] wrote =
        lines.stream()
            .filter(l -> l[0].equals("wrote"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("Spark wrote nothing"));
    dataFiles = Long.parseLong(wrote[1]);
    rows = Long.parseLong(wrote[2]);
    report.signing.checks().put("data files written", dataFiles);
    report.signing.checks().put("rows written", rows);
    report.signing.checks().put("write seconds (Spark, S3 keys)", Long.parseLong(wrote[3]) / 1e3);
  }

  /**
   * An allowed answer is a signature S3Proxy accepts: fetching a data file with the returned
   * headers gives the Parquet file. Without this, fast figures could be fast refusals.
   */
  private void checkSignatureIsAccepted(RestCatalogClient admin, S3ProxyServer s3, String location)
      throws Exception {
    String prefix = location.substring(("s3://" + BUCKET + "/").length());
    Path dataDir = s3.objectsOf(BUCKET, prefix).resolve("data");
    String key;
    try (Stream<Path> files = Files.walk(dataDir)) {
      Path file =
          files
              .filter(f -> f.toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no data file under " + dataDir));
      key = s3.objectsOf(BUCKET, "").relativize(file).toString();
    }
    String uri = s3.endpoint() + "/" + BUCKET + "/" + key;
    Response answer = admin.expect("POST", signUri(admin), signRequest(uri, 0), 200);
    JsonNode signed = RestCatalogClient.JSON.readTree(answer.body());
    HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(signed.path("uri").asText()));
    signed
        .path("headers")
        .fields()
        .forEachRemaining(
            header -> {
              String name = header.getKey();
              // the client sets Host itself; java.net.http refuses to set it
              if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("connection")) {
                header.getValue().forEach(value -> get.header(name, value.asText()));
              }
            });
    HttpResponse<byte[]> object =
        HttpClient.newHttpClient().send(get.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    boolean parquet =
        object.statusCode() == 206
            && new String(
                    object.body(), 0, Math.min(4, object.body().length), StandardCharsets.UTF_8)
                .equals("PAR1");
    if (!parquet) {
      throw new IllegalStateException(
          "S3Proxy refused Sluice's signature: GET "
              + uri
              + " -> "
              + object.statusCode()
              + " "
              + RestCatalogClient.abbreviate(
                  new String(object.body(), StandardCharsets.UTF_8), 300));
    }
    report.signing.checks().put("signed ranged GET of a data file", "206 from S3Proxy, PAR1");
  }

  // ---- sign requests ----

  private void signatures(
      String audit, RestCatalogClient admin, long pid, Infra infra, String location)
      throws Exception {
    String objects = infra.s3().endpoint() + "/" + location.substring("s3://".length()) + "/data/";
    String signUri = signUri(admin);
    Load.Op sign =
        (client, index) -> {
          String uri = objects + "bench-" + client + "-" + index + ".parquet";
          Response response = admin.send("POST", signUri, signRequest(uri, index));
          if (response.status() != 200 || !response.text().contains("AWS4-HMAC-SHA256")) {
            throw new RestCatalogClient.UnexpectedResponse("POST " + signUri, response);
          }
          return new Outcome("sign", 0);
        };
    List<Integer> levels = Settings.signingConcurrency();
    int widest = levels.stream().mapToInt(Integer::intValue).max().orElse(1);
    Progress.say(
        "signing audit=%s: %d s warm-up at %d clients",
        audit, Settings.signingWarmupSeconds(), widest);
    Load.timed(widest, 0, Settings.signingWarmupSeconds(), "sign", sign);
    for (int clients : levels) {
      Load.timed(clients, 0, Settings.warmupSeconds(), "sign", sign);
      long auditBefore = auditRows(infra.postgres());
      String loadBefore = Targets.loadAverage();
      double cpuBefore = Targets.cpuMillis(pid);
      Measured m = Load.timed(clients, 0, Settings.signingSeconds(), "sign", sign);
      double cpu = Targets.cpuMillis(pid) - cpuBefore;
      long audited = auditRows(infra.postgres()) - auditBefore;
      Tally tally = m.kinds().getOrDefault("sign", new Tally());
      long sent = tally.ok + tally.errors;
      Histogram h = tally.micros;
      boolean any = h.getTotalCount() > 0;
      SignRow row =
          new SignRow(
              audit,
              clients,
              tally.ok,
              tally.errors,
              m.seconds(),
              m.seconds() > 0 ? tally.ok / m.seconds() : 0,
              any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
              any ? h.getValueAtPercentile(90) / 1000.0 : Double.NaN,
              any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
              any ? h.getMaxValue() / 1000.0 : Double.NaN,
              cpuBefore >= 0 && sent > 0 ? cpu / sent : Double.NaN,
              sent > 0 ? (double) audited / sent : Double.NaN,
              loadBefore + "-" + Targets.loadAverage(),
              List.copyOf(tally.errorSamples));
      report.signing.signatures().add(row);
      Progress.say(
          "signing audit=%s c=%d: %d signatures, %s/s, p50 %s ms, p99 %s ms, server CPU %s ms"
              + " each, %d audit rows, errors %d",
          audit,
          clients,
          row.signatures(),
          Report.fmt(row.signaturesPerSecond()),
          Report.fmt(row.p50Ms()),
          Report.fmt(row.p99Ms()),
          Report.fmt(row.serverCpuMsPerSignature()),
          audited,
          row.errors());
    }
  }

  private static String signUri(RestCatalogClient admin) {
    return admin.tableUri(TABLE) + "/sign";
  }

  /** Iceberg's RemoteSignRequest as S3FileIO sends it for a ranged GET. */
  private static String signRequest(String uri, long index) {
    ObjectNode request = RestCatalogClient.JSON.createObjectNode();
    request.put("region", S3ProxyServer.REGION);
    request.put("method", "GET");
    request.put("uri", uri);
    ObjectNode headers = request.putObject("headers");
    headers.putArray("Range").add("bytes=0-1048575");
    headers.putArray("amz-sdk-invocation-id").add("00000000-0000-0000-0000-" + pad(index));
    headers.putArray("amz-sdk-request").add("attempt=1; max=4");
    headers.putArray("User-Agent").add("aws-sdk-java/2 sluice-bench");
    request.putObject("properties");
    return request.toString();
  }

  private static String pad(long index) {
    String digits = Long.toString(index % 1_000_000_000_000L);
    return "0".repeat(12 - digits.length()) + digits;
  }

  private static long auditRows(PostgresServer postgres) throws Exception {
    PostgresServer.SqlResult result =
        postgres.sql(
            DATABASE, "SELECT count(*) FROM audit_event WHERE action = '" + SIGN_ACTION + "'");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("could not count audit rows: " + result.output());
    }
    return Long.parseLong(result.output().trim());
  }

  // ---- scans ----

  private void scans(String audit, SluiceServer sluice, Infra infra) throws Exception {
    int rounds = Settings.signingScanRounds();
    Progress.say("signing audit=%s: Spark scans, %d rounds", audit, rounds);
    SluiceMetrics.Served before = SluiceMetrics.served(sluice.baseUri(), "/sign");
    long auditBefore = auditRows(infra.postgres());
    String loadBefore = Targets.loadAverage();
    Properties settings = sparkSettings(sluice, infra.s3(), "scan-" + audit);
    settings.setProperty("rounds", String.valueOf(rounds));
    List<String[]> lines = spark("scan-" + audit, settings);
    SluiceMetrics.Served signed = SluiceMetrics.served(sluice.baseUri(), "/sign").minus(before);
    long audited = auditRows(infra.postgres()) - auditBefore;
    List<Long> keys = new ArrayList<>();
    List<Long> viaSigning = new ArrayList<>();
    int signedScans = 0;
    for (String[] line : lines) {
      if (!line[0].equals("scan")) {
        continue;
      }
      long read = Long.parseLong(line[4]);
      if (read != rows) {
        throw new IllegalStateException(
            "a scan through " + line[1] + " read " + read + " rows, not " + rows);
      }
      if (line[1].equals("signed")) {
        signedScans++;
      }
      if (Integer.parseInt(line[2]) == 0) {
        continue; // warm-up
      }
      (line[1].equals("keys") ? keys : viaSigning).add(Long.parseLong(line[3]));
    }
    if (keys.size() != rounds || viaSigning.size() != rounds) {
      throw new IllegalStateException("Spark ran " + keys.size() + "/" + viaSigning.size());
    }
    double keysMedian = SigningResults.median(keys);
    double signedMedian = SigningResults.median(viaSigning);
    ScanRow row =
        new ScanRow(
            audit,
            "ok",
            dataFiles,
            rows,
            keys,
            viaSigning,
            keysMedian,
            signedMedian,
            signedMedian / keysMedian,
            signedScans > 0 ? (double) signed.requests() / signedScans : Double.NaN,
            signed.requests() > 0 ? signed.seconds() * 1000 / signed.requests() : Double.NaN,
            signedScans > 0 ? (double) audited / signedScans : Double.NaN,
            loadBefore + "-" + Targets.loadAverage());
    report.signing.scans().add(row);
    Progress.say(
        "signing audit=%s scans: keys %s (median %s ms), signed %s (median %s ms), %s sign"
            + " requests per signed scan",
        audit,
        keys,
        Report.fmt(keysMedian),
        viaSigning,
        Report.fmt(signedMedian),
        Report.fmt(row.signRequestsPerScan()));
  }

  // ---- the Spark JVM ----

  private Properties sparkSettings(SluiceServer sluice, S3ProxyServer s3, String run) {
    Properties settings = new Properties();
    settings.setProperty("action", run.startsWith("scan") ? "scan" : run);
    settings.setProperty("uri", sluice.baseUri());
    settings.setProperty("token", sluice.adminToken());
    settings.setProperty("warehouse", WAREHOUSE_NAME);
    settings.setProperty("table", String.join(".", TABLE.namespace()) + "." + TABLE.name());
    settings.setProperty("s3.endpoint", s3.endpoint());
    settings.setProperty("s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    settings.setProperty("s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    settings.setProperty("s3.region", S3ProxyServer.REGION);
    settings.setProperty("spark-warehouse", workDir.resolve("spark-warehouse").toUri().toString());
    return settings;
  }

  /**
   * Runs {@code SparkScan} in its own JVM (its class path is the nested build's, see
   * spark-scan/pom.xml) and returns its result lines, split at tabs.
   */
  private List<String[]> spark(String run, Properties settings) throws Exception {
    Path dir = Settings.signingSparkScanDir();
    if (!Files.isDirectory(dir.resolve("lib")) || !Files.isDirectory(dir.resolve("classes"))) {
      throw new IllegalStateException(
          dir + " holds no Spark class path: build with -Pbench (see integration/bench/README.md)");
    }
    Path runDir = workDir.resolve("spark-" + run);
    Files.createDirectories(runDir);
    Path settingsFile = runDir.resolve("settings.properties");
    try (var out = Files.newOutputStream(settingsFile)) {
      settings.store(out, "signing benchmark: " + run);
    }
    Path results = runDir.resolve("results.tsv");
    Files.deleteIfExists(results);
    List<String> command = new ArrayList<>();
    command.add(Components.java17());
    command.add("-Xmx2g");
    command.addAll(SPARK_JVM_OPTIONS);
    command.add("-cp");
    command.add(dir.resolve("classes") + java.io.File.pathSeparator + dir.resolve("lib") + "/*");
    command.add("dev.sluice.bench.spark.SparkScan");
    command.add(settingsFile.toString());
    command.add(results.toString());
    Path localDirs = runDir.resolve("spark-local");
    Files.createDirectories(localDirs);
    ManagedProcess process =
        closer.register(
            ManagedProcess.start(
                "Spark (" + run + ")",
                command,
                Map.of("SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_DIRS", localDirs.toString()),
                runDir,
                runDir.resolve("spark.log")));
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      if (process.isAlive()) {
        throw new IllegalStateException("Spark (" + run + ") did not finish in 30 minutes");
      }
    } finally {
      closer.closeNow(process);
    }
    List<String[]> lines = new ArrayList<>();
    if (Files.exists(results)) {
      for (String line : Files.readAllLines(results)) {
        lines.add(line.split("\t"));
      }
    }
    int expected = run.equals("write") ? 1 : 2 * (Settings.signingScanRounds() + 1);
    if (lines.size() != expected) {
      throw new IllegalStateException(
          "Spark ("
              + run
              + ") gave "
              + lines.size()
              + " of "
              + expected
              + " results; log "
              + process.log()
              + ":\n"
              + process.tail(30));
    }
    return lines;
  }
}
