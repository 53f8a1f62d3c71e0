package dev.sluice.it.catalog;

import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * A fresh PostgreSQL and the packaged server on it, with a {@code file:} warehouse; the server can
 * be stopped and started again on the same database and warehouse.
 */
final class SluiceOnPostgres implements AutoCloseable {
  static final String WAREHOUSE_NAME = "it_warehouse";
  static final String DATABASE = "sluice_it";

  private final Path workDir;
  private final PostgresServer postgres;
  private final Map<String, String> config;
  private SluiceServer sluice;
  private int starts;

  private SluiceOnPostgres(Path workDir, PostgresServer postgres, Map<String, String> config) {
    this.workDir = workDir;
    this.postgres = postgres;
    this.config = config;
  }

  static SluiceOnPostgres start(String name) throws Exception {
    return start(name, Map.of());
  }

  /** Like {@link #start(String)}, with further server settings. */
  static SluiceOnPostgres start(String name, Map<String, String> settings) throws Exception {
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/it-catalog"))
                .toAbsolutePath()
                .resolve(name));
    PostgresServer postgres = PostgresServer.start();
    try {
      postgres.createDatabase(DATABASE);
      Map<String, String> config = SluiceServer.onPostgres(postgres, DATABASE);
      config.put("sluice.warehouse.name", WAREHOUSE_NAME);
      config.put("sluice.warehouse.location", "file:" + workDir.resolve("warehouse") + "/");
      config.putAll(settings);
      SluiceOnPostgres server = new SluiceOnPostgres(workDir, postgres, config);
      server.startSluice();
      return server;
    } catch (Exception e) {
      postgres.close();
      throw e;
    }
  }

  private void startSluice() throws IOException {
    starts++;
    sluice = SluiceServer.start(workDir.resolve("server-" + starts), config);
  }

  /** Restarts with some settings changed (kept for later restarts). */
  void restart(Map<String, String> overrides) throws IOException {
    config.putAll(overrides);
    restart();
  }

  /** Stops the server (its process ends) and starts a new one on the same database. */
  void restart() throws IOException {
    long pid = sluice.process().pid();
    sluice.close();
    Progress.say("Sluice (pid %d) stopped; starting it again on the same PostgreSQL", pid);
    startSluice();
  }

  /** Kills the server (SIGKILL, mid-work) and starts a new one on the same database. */
  void crashAndStart() throws IOException, InterruptedException {
    sluice.process().kill();
    startSluice();
  }

  String baseUri() {
    return sluice.baseUri();
  }

  /**
   * Another replica on the same database and warehouse (its own process and port), as production
   * runs several behind a load balancer; the caller stops it.
   */
  SluiceServer startReplica(String name) throws IOException {
    return startReplica(name, Map.of());
  }

  /** Like {@link #startReplica(String)}, with some settings of its own. */
  SluiceServer startReplica(String name, Map<String, String> overrides) throws IOException {
    Map<String, String> settings = new HashMap<>(config);
    settings.putAll(overrides);
    return SluiceServer.start(workDir.resolve("replica-" + name), settings);
  }

  /** Sends a request with the admin token; returns status and body. */
  HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    return send(method, path, null);
  }

  /** Sends a request with the admin token and a JSON body (or none); returns status and body. */
  HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(baseUri() + path))
                .header("Authorization", "Bearer " + sluice.adminToken())
                .header("Content-Type", "application/json")
                .method(
                    method,
                    json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  long pid() {
    return sluice.process().pid();
  }

  PostgresServer postgres() {
    return postgres;
  }

  Path warehouse() {
    return workDir.resolve("warehouse");
  }

  /** Iceberg's REST client, as an engine would configure it, with the admin token. */
  RESTCatalog client() {
    RESTCatalog catalog = new RESTCatalog();
    catalog.setConf(new Configuration());
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", baseUri());
    properties.put("warehouse", WAREHOUSE_NAME);
    properties.putAll(sluice.icebergClientAuth());
    catalog.initialize("sluice", properties);
    return catalog;
  }

  /** The server's Prometheus text. */
  String metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUri() + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/q/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** Sum of a counter's samples in Prometheus text (0 when absent). */
  static double counter(String prometheus, String name) {
    return prometheus
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Override
  public void close() {
    if (sluice != null) {
      sluice.close();
    }
    postgres.close();
  }
}
