package dev.sluice.bench;

import dev.sluice.it.Components;
import dev.sluice.it.ManagedProcess;
import dev.sluice.it.Ports;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts each catalog under test as its own process on 127.0.0.1. */
final class Targets {
  /** Buckets S3Proxy serves: one per target that uses S3. */
  static final List<String> BUCKETS = List.of("sluice-bench", "iceberg-rest", "nessie");

  /** The database {@code sluice-pg} runs on. */
  static final String SLUICE_PG_DATABASE = "sluice_bench";

  private Targets() {}

  /**
   * A started catalog: where it answers, the bearer token it wants (null: none), its process, how
   * long it took to be ready.
   */
  record Target(
      String name,
      String description,
      String root,
      String warehouse,
      String token,
      long pid,
      double startupSeconds,
      boolean sluice,
      AutoCloseable process)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      process.close();
    }

    @Override
    public String toString() {
      return name + " (pid " + pid + ")";
    }
  }

  /** PostgreSQL and S3Proxy, shared by the targets that use them. */
  record Infra(PostgresServer postgres, S3ProxyServer s3) {}

  static String describe(String name) {
    return switch (name) {
      case "sluice-pg" -> "Sluice, PostgreSQL + S3 API (S3Proxy), s3:// warehouse";
      case "sluice-embedded" -> "Sluice embedded default, H2 + file: warehouse";
      case "iceberg-rest" ->
          "Iceberg 1.11.0 reference RESTCatalogServer, JdbcCatalog on PostgreSQL + S3FileIO"
              + " (S3Proxy)";
      case "nessie" -> "Nessie 0.99.0, JDBC2 version store on PostgreSQL + S3 (S3Proxy)";
      default -> throw new IllegalArgumentException("Unknown target: " + name);
    };
  }

  static Target start(String name, Infra infra, Path workDir) throws Exception {
    Files.createDirectories(workDir);
    return switch (name) {
      case "sluice-pg" -> sluicePostgres(infra, workDir);
      case "sluice-embedded" -> sluiceEmbedded(workDir);
      case "iceberg-rest" -> icebergRest(infra, workDir);
      case "nessie" -> nessie(infra, workDir);
      default -> throw new IllegalArgumentException("Unknown target: " + name);
    };
  }

  private static Target sluicePostgres(Infra infra, Path workDir) throws Exception {
    infra.postgres().createDatabase(SLUICE_PG_DATABASE);
    Map<String, String> config = SluiceServer.onPostgres(infra.postgres(), SLUICE_PG_DATABASE);
    config.putAll(SluiceServer.onS3(infra.s3(), "s3://sluice-bench/"));
    long t0 = System.nanoTime();
    SluiceServer server = SluiceServer.start(workDir, config);
    return new Target(
        "sluice-pg",
        describe("sluice-pg"),
        server.baseUri(),
        "sluice",
        server.adminToken(),
        server.process().pid(),
        (System.nanoTime() - t0) / 1e9,
        true,
        server);
  }

  private static Target sluiceEmbedded(Path workDir) throws Exception {
    long t0 = System.nanoTime();
    SluiceServer server = SluiceServer.start(workDir, new LinkedHashMap<>());
    return new Target(
        "sluice-embedded",
        describe("sluice-embedded"),
        server.baseUri(),
        "sluice",
        server.adminToken(),
        server.process().pid(),
        (System.nanoTime() - t0) / 1e9,
        true,
        server);
  }

  private static Map<String, String> s3Settings(S3ProxyServer s3) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO");
    env.put("CATALOG_S3_ENDPOINT", s3.endpoint());
    env.put("CATALOG_S3_PATH__STYLE__ACCESS", "true");
    env.put("CATALOG_S3_ACCESS__KEY__ID", S3ProxyServer.ACCESS_KEY);
    env.put("CATALOG_S3_SECRET__ACCESS__KEY", S3ProxyServer.SECRET_KEY);
    env.put("CATALOG_CLIENT_REGION", S3ProxyServer.REGION);
    return env;
  }

  /**
   * Iceberg's reference server ({@code RESTCatalogServer} from iceberg-open-api test fixtures),
   * configured through its {@code CATALOG_*} environment variables: a JdbcCatalog on the same
   * PostgreSQL and S3FileIO on the same S3 API as Sluice. Its class path is resolved by the build
   * into {@code target/iceberg-rest-server/lib}.
   */
  private static Target icebergRest(Infra infra, Path workDir) throws Exception {
    Path lib = Path.of(Components.required("bench.refserver.lib"));
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException(
          lib + " is missing: build with -Pbench (see integration/bench/README.md)");
    }
    // the launcher: target/classes next to target/iceberg-rest-server
    Path launcher = lib.getParent().getParent().resolve("classes");
    infra.postgres().createDatabase("iceberg_rest");
    int port = Ports.free();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CATALOG_URI", infra.postgres().jdbcUrl("iceberg_rest"));
    env.put("CATALOG_JDBC_USER", "postgres");
    env.put("CATALOG_WAREHOUSE", "s3://iceberg-rest/");
    // JdbcCatalog's connection pool (default 2); Sluice's pool allows 32
    env.put("CATALOG_CLIENTS", "16");
    env.put("CATALOG_REST_PORT", String.valueOf(port));
    env.putAll(s3Settings(infra.s3()));
    List<String> command = new ArrayList<>();
    command.add(Components.java17());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(launcher + java.io.File.pathSeparator + lib + "/*");
    command.add("org.apache.iceberg.rest.LoopbackRESTCatalogServer");
    long t0 = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            "Iceberg REST reference server",
            command,
            env,
            workDir,
            workDir.resolve("iceberg-rest.log"));
    String root = "http://127.0.0.1:" + port;
    try {
      Waits.until(
          "Iceberg REST reference server",
          Duration.ofSeconds(90),
          () -> Waits.httpStatus(root + "/v1/config", 200),
          process);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    double startup = (System.nanoTime() - t0) / 1e9;
    Progress.say("Iceberg REST reference server ready at %s", root);
    return new Target(
        "iceberg-rest",
        describe("iceberg-rest"),
        root,
        null,
        null,
        process.pid(),
        startup,
        false,
        process);
  }

  /**
   * Nessie's runner jar (it needs Java 21 or newer) with the JDBC2 version store on the same
   * PostgreSQL and a warehouse on the same S3 API; Iceberg REST is served under {@code /iceberg}.
   */
  private static Target nessie(Infra infra, Path workDir) throws Exception {
    Path jar = Path.of(Components.required("bench.nessie.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build with -Pbench (see integration/bench/README.md)");
    }
    Path javaHome = Components.modernJavaHome();
    infra.postgres().createDatabase("nessie");
    int port = Ports.free();
    int management = Ports.free();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.http.host", "127.0.0.1");
    config.put("quarkus.http.port", String.valueOf(port));
    config.put("quarkus.management.host", "127.0.0.1");
    config.put("quarkus.management.port", String.valueOf(management));
    config.put("nessie.version.store.type", "JDBC2");
    config.put("nessie.version.store.persist.jdbc.datasource", "postgresql");
    config.put("quarkus.datasource.postgresql.jdbc.url", infra.postgres().jdbcUrl("nessie"));
    config.put("quarkus.datasource.postgresql.username", "postgres");
    config.put("quarkus.datasource.postgresql.password", "");
    config.put("nessie.catalog.default-warehouse", "warehouse");
    config.put("nessie.catalog.warehouses.warehouse.location", "s3://nessie/");
    String s3 = "nessie.catalog.service.s3.default-options.";
    config.put(s3 + "endpoint", infra.s3().endpoint());
    config.put(s3 + "path-style-access", "true");
    config.put(s3 + "region", S3ProxyServer.REGION);
    config.put(s3 + "access-key", "urn:nessie-secret:quarkus:bench.s3");
    config.put("bench.s3.name", S3ProxyServer.ACCESS_KEY);
    config.put("bench.s3.secret", S3ProxyServer.SECRET_KEY);
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    command.add("-Xmx1g");
    config.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    long t0 = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start("Nessie", command, Map.of(), workDir, workDir.resolve("nessie.log"));
    String root = "http://127.0.0.1:" + port + "/iceberg";
    try {
      Waits.until(
          "Nessie",
          Duration.ofSeconds(150),
          () -> Waits.httpStatus("http://127.0.0.1:" + management + "/q/health/ready", 200),
          process);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    double startup = (System.nanoTime() - t0) / 1e9;
    Progress.say("Nessie ready at %s", root);
    return new Target(
        "nessie", describe("nessie"), root, null, null, process.pid(), startup, false, process);
  }

  /** Resident and peak resident memory of a process, in MiB (from /proc). */
  static double[] memoryMiB(long pid) {
    try {
      double rss = -1;
      double hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line) / 1024.0;
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line) / 1024.0;
        }
      }
      return new double[] {rss, hwm};
    } catch (IOException e) {
      return new double[] {-1, -1};
    }
  }

  /** CPU time a process has used so far, all its threads, in milliseconds; -1 if unknown. */
  static double cpuMillis(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(d -> d.toNanos() / 1e6)
        .orElse(-1.0);
  }

  /** The machine's one-minute load average, from /proc/loadavg ("?" where there is none). */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
