package dev.sluice.it.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.Components;
import dev.sluice.it.Ports;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The real components of the Trino tests: a private PostgreSQL, S3Proxy with a bucket {@value
 * #BUCKET}, the packaged Sluice on PostgreSQL with the warehouse {@value #WAREHOUSE_LOCATION}, and
 * Trino with an Iceberg catalog on Sluice, which is also the Trino Sluice's jobs rewrite tables
 * with. Sluice's policy declares the namespace {@value #JOBS_NAMESPACE} (its datasets have a
 * subject column or a retention) and {@code contracted} (its datasets have contracts); the other
 * namespaces are in no zone, for the admin Trino uses. Started once per test JVM in that order
 * ({@link #shared()}), stopped in the reverse one.
 */
final class TrinoStack implements AutoCloseable {
  static final String BUCKET = "lake";
  static final String WAREHOUSE_LOCATION = "s3://" + BUCKET + "/warehouse/";
  static final String WAREHOUSE_NAME = "sluice";
  static final String JOBS_NAMESPACE = "gdpr";

  private static final String POLICY =
      """
      apiVersion: sluice.dev/v1
      zones:
        gdpr:
          namespaces: [gdpr]
          storage: s3://lake/warehouse/
          read: [group:privacy-office]
          write: [group:privacy-office]
        contracted:
          namespaces: [contracted]
          storage: s3://lake/warehouse/
          read: [group:analysts]
          write: [group:analysts]
      datasets:
        gdpr.customers:
          columns:
            customer_id:
            record_id:
            region:
            consent_status:
          consent: {subject-column: customer_id, status-column: consent_status}
        gdpr.pings:
          columns:
            ping_id:
            retention_until:
          retention: {expires-column: retention_until}
        contracted.orders:
          contract:
            consumers: [team:finance]
            compatibility: backward
            fields:
              order_id: {type: bigint, nullable: false}
              amount: {type: "decimal(10,2)", valid-range: [0, 10000]}
        contracted.payments:
          contract:
            fields:
              payment_id: {type: bigint, nullable: false}
              amount: {type: "decimal(10,2)", valid-range: [0, 10000]}
        contracted.events:
          contract:
            severity: warning
            fields:
              event_id: {type: bigint, nullable: false}
      """;
  private static TrinoStack shared;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path workDir;
  private PostgresServer postgres;
  private S3ProxyServer s3;
  private SluiceServer sluice;
  private TrinoServer trino;

  private TrinoStack(Path workDir) {
    this.workDir = workDir;
  }

  /** The stack of this test JVM, started on first use and stopped when the JVM exits. */
  static synchronized TrinoStack shared() throws Exception {
    if (shared == null) {
      TrinoStack started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "trino-stack-stop"));
      shared = started;
    }
    return shared;
  }

  private static TrinoStack start() throws Exception {
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/trino-it")).toAbsolutePath());
    TrinoStack stack = new TrinoStack(workDir);
    try {
      Path serverJar = privateCopyOfServer(workDir.resolve("server-app"));
      stack.postgres = PostgresServer.start();
      stack.postgres.createDatabase("sluice_trino");
      stack.s3 = S3ProxyServer.start(workDir.resolve("s3"), List.of(BUCKET));
      Map<String, String> config = SluiceServer.onPostgres(stack.postgres, "sluice_trino");
      config.putAll(SluiceServer.onS3(stack.s3, WAREHOUSE_LOCATION));
      config.put("sluice.warehouse.name", WAREHOUSE_NAME);
      Path policies = Files.createDirectories(workDir.resolve("policies"));
      Files.writeString(policies.resolve("sluice.yaml"), POLICY);
      config.put("sluice.policy.directory", policies.toString());
      config.put("sluice.erasure.subject-key", "trino-tests-erasure-key");
      config.put("sluice.jobs.poll-interval", "500ms");
      // every rewrite of a job goes to this Trino, whatever the table's size
      int trinoPort = Ports.free();
      config.put("sluice.jobs.trino.url", "jdbc:trino://127.0.0.1:" + trinoPort);
      config.put("sluice.jobs.trino.catalog", TrinoServer.CATALOG);
      config.put("sluice.jobs.trino.in-process-max-bytes", "0");
      // every request Trino makes shows in sluice.log
      config.put("quarkus.http.access-log.enabled", "true");
      stack.sluice = SluiceServer.start(serverJar, workDir.resolve("sluice"), config);
      Progress.say("starting Trino (about 20 s)");
      Map<String, String> catalog =
          TrinoServer.icebergRestCatalog(
              stack.sluice.baseUri(), WAREHOUSE_NAME, stack.sluice.adminToken());
      catalog.putAll(TrinoServer.onS3(stack.s3));
      stack.trino =
          TrinoServer.start(
              workDir.resolve("trino"),
              Map.of(TrinoServer.CATALOG, catalog),
              Map.of("http-server.http.port", String.valueOf(trinoPort)));
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  /**
   * A copy of the packaged server's {@code quarkus-app} folder, so that a rebuild of the server
   * while these tests run cannot pull jars from under the running process: the copy's jar. The
   * packaged jar stays the source, so a start tried again after a failed one (each test class tries
   * while none has succeeded) copies it again into its fresh work folder.
   */
  private static Path privateCopyOfServer(Path copy) throws IOException {
    Path jar = Path.of(Components.required("sluice.it.server.jar"));
    Path app = jar.getParent();
    if (!Files.isRegularFile(jar)) {
      return jar; // SluiceServer explains what is missing
    }
    try (Stream<Path> paths = Files.walk(app)) {
      for (Path source : paths.toList()) {
        Path target = copy.resolve(app.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return copy.resolve(jar.getFileName().toString());
  }

  Path workDir() {
    return workDir;
  }

  S3ProxyServer s3() {
    return s3;
  }

  SluiceServer sluice() {
    return sluice;
  }

  TrinoServer trino() {
    return trino;
  }

  /** A trino-jdbc connection to the catalog {@value TrinoServer#CATALOG}, session zone UTC. */
  Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", TrinoServer.USER);
    properties.setProperty("timezone", "UTC");
    return DriverManager.getConnection(trino.jdbcUrl(), properties);
  }

  /** Each row as its columns' string values joined by {@code |} ({@code null} for SQL NULL). */
  static List<String> rows(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          if (i > 1) {
            row.append('|');
          }
          row.append(result.getString(i));
        }
        rows.add(row.toString());
      }
      return rows;
    }
  }

  /** Runs a statement; answers the update count (rows written or changed), or -1. */
  static long update(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
      return statement.getLargeUpdateCount();
    }
  }

  /**
   * GET on Sluice's API as its admin; the response body as JSON, failing unless the status is 200.
   */
  JsonNode sluiceGet(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(sluice.baseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", sluice.authorization())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** A request to Sluice's API as its admin: the status and the body as JSON. */
  Answer sluiceSend(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sluice.baseUri() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", sluice.authorization())
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
  }

  record Answer(int status, JsonNode body) {}

  @Override
  public void close() {
    if (trino != null) {
      trino.close();
      trino = null;
    }
    if (sluice != null) {
      sluice.close();
      sluice = null;
    }
    if (s3 != null) {
      s3.close();
      s3 = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }
}
