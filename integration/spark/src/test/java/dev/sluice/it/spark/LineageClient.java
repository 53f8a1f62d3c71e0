package dev.sluice.it.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.it.SluiceServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Sluice's lineage API ({@code /api/v1/lineage/...}) as a test reads it, with the server's admin
 * token or another one: JSON trees.
 */
final class LineageClient {
  /** The role that may send lineage ({@code sluice.lineage.writer-role}, default). */
  static final String WRITER_ROLE = "sluice-lineage-writer";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUri;
  private final String authorization;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  LineageClient(SluiceServer sluice) {
    this(sluice, sluice.adminToken());
  }

  /** A client that reads with {@code token}. */
  LineageClient(SluiceServer sluice, String token) {
    this.baseUri = sluice.baseUri() + "/api/v1/lineage";
    this.authorization = "Bearer " + token;
  }

  /**
   * A new API token for {@code principal} with the lineage writer role and nothing else, issued
   * through the admin API: what an OpenLineage producer is given.
   */
  static String issueWriterToken(SluiceServer sluice, String principal) throws IOException {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "principal",
                principal,
                "roles",
                List.of(WRITER_ROLE),
                "description",
                "OpenLineage listener"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sluice.baseUri() + "/api/v1/tokens"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", sluice.authorization())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: POST /api/v1/tokens", e);
    }
    if (response.statusCode() != 201) {
      throw new IOException(
          "POST /api/v1/tokens answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).path("secret").asText();
  }

  /** {@code GET /graph}: nodes and edges up- or downstream of a dataset or job. */
  JsonNode graph(String type, String namespace, String name, String direction, int depth)
      throws IOException {
    return get(
        "/graph",
        params(
            "type", type,
            "namespace", namespace,
            "name", name,
            "direction", direction,
            "depth", String.valueOf(depth)));
  }

  /** {@code GET /columns}: the column edges up- or downstream of one column. */
  JsonNode columns(String namespace, String name, String field, String direction)
      throws IOException {
    return get(
        "/columns",
        params("namespace", namespace, "name", name, "field", field, "direction", direction));
  }

  /** {@code GET /impact}: datasets, jobs and runs downstream of a dataset. */
  JsonNode impact(String namespace, String name) throws IOException {
    return get("/impact", params("namespace", namespace, "name", name));
  }

  /** {@code GET /runs}: the runs of a job, oldest first; empty when Sluice knows no such job. */
  Optional<JsonNode> runs(String namespace, String name) throws IOException {
    return find("/runs", params("namespace", namespace, "name", name));
  }

  /** {@code GET /runs/{runId}}. */
  JsonNode run(String runId) throws IOException {
    return get("/runs/" + encode(runId), Map.of());
  }

  /** {@code GET /search}: datasets and jobs whose namespace or name contains {@code q}. */
  JsonNode search(String q) throws IOException {
    return get("/search", params("q", q));
  }

  private JsonNode get(String path, Map<String, String> params) throws IOException {
    return find(path, params)
        .orElseThrow(() -> new IOException("GET " + path + " " + params + " answered 404"));
  }

  private Optional<JsonNode> find(String path, Map<String, String> params) throws IOException {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
    URI uri = URI.create(baseUri + path + query);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .header("Authorization", authorization)
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: GET " + uri, e);
    }
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return Optional.of(JSON.readTree(response.body()));
  }

  private static Map<String, String> params(String... keysAndValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return params;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
