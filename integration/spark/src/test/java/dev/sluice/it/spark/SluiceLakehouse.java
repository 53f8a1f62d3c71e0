package dev.sluice.it.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A lakehouse for engine tests: a private PostgreSQL, S3Proxy as the S3 API with one bucket, and
 * the packaged Sluice on that PostgreSQL with an {@code s3://} warehouse. Engines reach it through
 * {@link #catalogUri()} and {@link #s3Endpoint()}; tests look behind the engine's back through
 * Sluice's REST API ({@link #loadTable}) and S3Proxy's storage ({@link #localFileOf}).
 */
public final class SluiceLakehouse implements AutoCloseable {
  public static final String BUCKET = "lake";
  public static final String WAREHOUSE_PREFIX = "warehouse/";
  public static final String WAREHOUSE = "s3://" + BUCKET + "/" + WAREHOUSE_PREFIX;

  /** The warehouse name Sluice serves by default ({@code sluice.warehouse.name}). */
  public static final String WAREHOUSE_NAME = "sluice";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PostgresServer postgres;
  private S3ProxyServer s3;
  private SluiceServer sluice;

  private SluiceLakehouse(Path workDir) {
    this.workDir = workDir;
  }

  /** Starts everything in a fresh {@code workDir}; on failure, stops what already started. */
  public static SluiceLakehouse start(Path workDir) throws Exception {
    SluiceLakehouse lake = new SluiceLakehouse(WorkDirs.fresh(workDir));
    try {
      lake.postgres = PostgresServer.start();
      lake.postgres.createDatabase("sluice");
      lake.s3 = S3ProxyServer.start(workDir.resolve("s3proxy"), List.of(BUCKET));
      Map<String, String> config = SluiceServer.onPostgres(lake.postgres, "sluice");
      config.putAll(SluiceServer.onS3(lake.s3, WAREHOUSE));
      config.put("sluice.warehouse.name", WAREHOUSE_NAME);
      lake.sluice = SluiceServer.start(workDir.resolve("sluice"), config);
      Progress.say("lakehouse ready: Sluice %s, warehouse %s", lake.catalogUri(), WAREHOUSE);
      return lake;
    } catch (Exception | Error e) {
      lake.close();
      throw e;
    }
  }

  public Path workDir() {
    return workDir;
  }

  public String catalogUri() {
    return sluice.baseUri();
  }

  public String s3Endpoint() {
    return s3.endpoint();
  }

  public SluiceServer sluice() {
    return sluice;
  }

  public S3ProxyServer s3() {
    return s3;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  /** The server log, for failure messages. */
  public Path sluiceLog() {
    return sluice.process().log();
  }

  /**
   * {@code GET /v1/namespaces/<namespace>/tables/<table>} as the admin: the load-table response,
   * which must be 200.
   */
  public JsonNode loadTable(String namespace, String table) throws IOException {
    return getJson("/v1/namespaces/" + namespaceSegment(namespace) + "/tables/" + encode(table));
  }

  /** {@code GET /v1/namespaces/<namespace>}: the namespace, which must exist (200). */
  public JsonNode loadNamespace(String namespace) throws IOException {
    return getJson("/v1/namespaces/" + namespaceSegment(namespace));
  }

  /** The table's current snapshot id according to Sluice, or -1 when it has none. */
  public long currentSnapshotId(String namespace, String table) throws IOException {
    JsonNode id = loadTable(namespace, table).path("metadata").path("current-snapshot-id");
    return id.isMissingNode() || id.isNull() ? -1 : id.asLong();
  }

  /** The local file in which S3Proxy keeps the object at {@code s3://lake/<key>}. */
  public Path localFileOf(String s3Uri) {
    String prefix = "s3://" + BUCKET + "/";
    if (!s3Uri.startsWith(prefix)) {
      throw new IllegalArgumentException(s3Uri + " is not in bucket " + BUCKET);
    }
    return s3.objectsOf(BUCKET, s3Uri.substring(prefix.length()));
  }

  private JsonNode getJson(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(catalogUri() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .header("Authorization", sluice.authorization())
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: GET " + path, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * A request to Sluice's API as the admin with a JSON body (or none): the status and the body as
   * JSON.
   */
  public Answer send(String method, String path, String body) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(catalogUri() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .header("Authorization", sluice.authorization())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + method + " " + path, e);
    }
  }

  /** A status and a JSON body. */
  public record Answer(int status, JsonNode body) {}

  /** Applies a policy bundle of one file through the admin API; fails unless it is applied. */
  public void applyPolicy(String yaml) throws IOException {
    Answer answer =
        send(
            "POST",
            "/api/v1/policy/apply",
            JSON.writeValueAsString(
                java.util.Map.of("files", java.util.Map.of("sluice.yaml", yaml))));
    if (answer.status() != 200) {
      throw new IOException("policy apply answered " + answer.status() + ": " + answer.body());
    }
  }

  /** A namespace path segment: levels ({@code a.b}) joined by the unit separator, URL-encoded. */
  private static String namespaceSegment(String namespace) {
    return encode(namespace.replace('.', '\u001f'));
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
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
