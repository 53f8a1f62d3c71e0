package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * The one client every target gets: HTTP/1.1 requests of the Iceberg REST protocol, JSON by hand
 * (plain HTTP; HTTPS for the Trino decision API). It never touches storage, so what is measured is
 * the catalog.
 */
final class RestCatalogClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Ten columns, the same for every table. */
  static final String SCHEMA =
      """
      {"type":"struct","schema-id":0,"fields":[
        {"id":1,"name":"id","required":true,"type":"long"},
        {"id":2,"name":"event_time","required":true,"type":"timestamptz"},
        {"id":3,"name":"customer_id","required":false,"type":"long"},
        {"id":4,"name":"region","required":false,"type":"string"},
        {"id":5,"name":"amount","required":false,"type":"decimal(18, 2)"},
        {"id":6,"name":"currency","required":false,"type":"string"},
        {"id":7,"name":"status","required":false,"type":"string"},
        {"id":8,"name":"quantity","required":false,"type":"int"},
        {"id":9,"name":"ingested_at","required":false,"type":"timestamptz"},
        {"id":10,"name":"payload","required":false,"type":"binary"}]}""";

  private final HttpClient http;
  private final String root;
  private final String warehouse;
  private final String authorization;
  private final RequestLedger ledger;
  private String prefix = "";
  private String separator = "%1F";

  /** A response: status and body. */
  record Response(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Thrown for an answer the workload did not expect; the message has request and response. */
  static final class UnexpectedResponse extends RuntimeException {
    final int status;

    UnexpectedResponse(String request, Response response) {
      super(request + " -> " + response.status() + " " + abbreviate(response.text(), 400));
      this.status = response.status();
    }
  }

  /** {@code token}: sent as bearer token on every request; null for a catalog without auth. */
  RestCatalogClient(String root, String warehouse, String token) {
    this(root, warehouse, token, null, null);
  }

  /**
   * Like {@link #RestCatalogClient(String, String, String)}, for an {@code https://} root: {@code
   * tls} decides whom the client trusts and which certificate it presents (null: the JDK's
   * defaults). Connections are kept alive, so a client pays one handshake per connection.
   */
  RestCatalogClient(String root, String warehouse, String token, SSLContext tls) {
    this(root, warehouse, token, tls, null);
  }

  /**
   * A client whose every request is named by {@code ledger} in {@code X-Request-Id}, and counted
   * there once answered.
   */
  RestCatalogClient(String root, String warehouse, String token, RequestLedger ledger) {
    this(root, warehouse, token, null, ledger);
  }

  private RestCatalogClient(
      String root, String warehouse, String token, SSLContext tls, RequestLedger ledger) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.warehouse = warehouse;
    this.authorization = token == null ? null : "Bearer " + token;
    this.ledger = ledger;
  }

  /** Reads {@code /v1/config} and takes the prefix the server announces (defaults or overrides). */
  void configure() throws IOException, InterruptedException {
    String path = "/v1/config" + (warehouse == null ? "" : "?warehouse=" + encode(warehouse));
    Response response = send("GET", root + path, null);
    if (response.status() != 200) {
      throw new UnexpectedResponse("GET " + path, response);
    }
    JsonNode config = JSON.readTree(response.body());
    String announcedPrefix = announced(config, "prefix");
    prefix = announcedPrefix == null ? "" : "/" + encode(announcedPrefix);
    // already URL-encoded, e.g. %2E from Iceberg's reference server (Jetty refuses %1F)
    String announcedSeparator = announced(config, "namespace-separator");
    separator = announcedSeparator == null ? "%1F" : announcedSeparator;
  }

  /** A configuration value the server announces, overrides first. */
  private static String announced(JsonNode config, String key) {
    for (String section : List.of("overrides", "defaults")) {
      JsonNode value = config.path(section).path(key);
      if (value.isTextual()) {
        return value.asText();
      }
    }
    return null;
  }

  String prefix() {
    return prefix;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  String namespacePath(List<String> namespace) {
    return namespace.stream().map(RestCatalogClient::encode).collect(Collectors.joining(separator));
  }

  String namespacesUri() {
    return root + "/v1" + prefix + "/namespaces";
  }

  String tablesUri(List<String> namespace) {
    return namespacesUri() + "/" + namespacePath(namespace) + "/tables";
  }

  String tableUri(TableRef table) {
    return tablesUri(table.namespace()) + "/" + encode(table.name());
  }

  Response send(String method, String uri, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    long requestNumber = ledger == null ? -1 : ledger.next();
    if (ledger != null) {
      request.header("X-Request-Id", ledger.id(requestNumber));
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (ledger != null) {
      ledger.answered(requestNumber);
    }
    return new Response(response.statusCode(), response.body());
  }

  Response expect(String method, String uri, String body, int... statuses)
      throws IOException, InterruptedException {
    Response response = send(method, uri, body);
    for (int status : statuses) {
      if (response.status() == status) {
        return response;
      }
    }
    throw new UnexpectedResponse(method + " " + uri, response);
  }

  // ---- operations ----

  void createNamespace(List<String> namespace) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode levels = body.putArray("namespace");
    namespace.forEach(levels::add);
    body.putObject("properties");
    expect("POST", namespacesUri(), body.toString(), 200);
  }

  void createTable(TableRef table) throws IOException, InterruptedException {
    createTable(table, SCHEMA);
  }

  /** {@code schema}: an Iceberg schema as JSON. */
  void createTable(TableRef table, String schema) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", table.name());
    body.set("schema", JSON.readTree(schema));
    body.put("stage-create", false);
    body.putObject("properties").put("format-version", "2");
    expect("POST", tablesUri(table.namespace()), body.toString(), 200);
  }

  Response loadTable(TableRef table) throws IOException, InterruptedException {
    return expect("GET", tableUri(table), null, 200);
  }

  void tableExists(TableRef table) throws IOException, InterruptedException {
    expect("HEAD", tableUri(table), null, 204, 200);
  }

  void listTables(List<String> namespace) throws IOException, InterruptedException {
    expect("GET", tablesUri(namespace), null, 200);
  }

  /** One page of a listing: the names on it and the token of the next (null at the end). */
  record Page(List<String> names, String nextPageToken) {}

  /**
   * A page of {@code pageSize} tables of {@code namespace}, after {@code pageToken} (or the first);
   * {@code pageSize} 0 asks without a page size, for the whole namespace at once.
   */
  Page listTablesPage(List<String> namespace, int pageSize, String pageToken)
      throws IOException, InterruptedException {
    String uri =
        tablesUri(namespace)
            + (pageSize > 0 ? "?pageSize=" + pageSize : "")
            + (pageToken == null
                ? ""
                : (pageSize > 0 ? "&" : "?") + "pageToken=" + encode(pageToken));
    JsonNode body = JSON.readTree(expect("GET", uri, null, 200).body());
    List<String> names = new java.util.ArrayList<>();
    body.path("identifiers").forEach(id -> names.add(id.path("name").asText()));
    JsonNode next = body.path("next-page-token");
    return new Page(names, next.isTextual() && !next.asText().isEmpty() ? next.asText() : null);
  }

  /** What a commit needs to know about the table's current state. */
  record TableState(
      String location, Long currentSnapshotId, long lastSequenceNumber, int snapshots) {}

  static TableState state(Response loaded) throws IOException {
    JsonNode metadata = JSON.readTree(loaded.body()).path("metadata");
    JsonNode current = metadata.path("current-snapshot-id");
    Long currentId = current.isNumber() && current.asLong() >= 0 ? current.asLong() : null;
    return new TableState(
        metadata.path("location").asText(),
        currentId,
        metadata.path("last-sequence-number").asLong(0),
        metadata.path("snapshots").size());
  }

  /** The outcome of one append: conflicts met on the way. */
  record Appended(int conflicts) {}

  /**
   * Appends one snapshot the way an engine does: load the table, add a snapshot whose parent is the
   * current one, move {@code main} to it, require that {@code main} did not move meanwhile. A 409
   * is a conflict: load again and retry, with a short randomised back-off.
   */
  Appended append(TableRef table, int maxAttempts) throws IOException, InterruptedException {
    int conflicts = 0;
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      TableState state = state(loadTable(table));
      String body = commitBody(table, state);
      Response response = send("POST", tableUri(table), body);
      if (response.status() == 200) {
        return new Appended(conflicts);
      }
      if (response.status() != 409) {
        throw new UnexpectedResponse("POST " + tableUri(table) + " (commit)", response);
      }
      conflicts++;
      long ceiling = Math.min(100, 2L << Math.min(attempt, 6));
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
    }
    throw new GaveUp(table, conflicts);
  }

  /** An append that met a conflict on every attempt. */
  static final class GaveUp extends RuntimeException {
    GaveUp(TableRef table, int conflicts) {
      super("gave up on " + table + " after " + conflicts + " conflicts");
    }
  }

  static String commitBody(TableRef table, TableState state) {
    long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    long sequenceNumber = state.lastSequenceNumber() + 1;
    ObjectNode body = JSON.createObjectNode();
    ObjectNode identifier = body.putObject("identifier");
    ArrayNode levels = identifier.putArray("namespace");
    table.namespace().forEach(levels::add);
    identifier.put("name", table.name());

    ObjectNode requirement = body.putArray("requirements").addObject();
    requirement.put("type", "assert-ref-snapshot-id");
    requirement.put("ref", "main");
    if (state.currentSnapshotId() == null) {
      requirement.putNull("snapshot-id");
    } else {
      requirement.put("snapshot-id", state.currentSnapshotId());
    }

    ArrayNode updates = body.putArray("updates");
    ObjectNode add = updates.addObject();
    add.put("action", "add-snapshot");
    ObjectNode snapshot = add.putObject("snapshot");
    snapshot.put("snapshot-id", snapshotId);
    if (state.currentSnapshotId() != null) {
      snapshot.put("parent-snapshot-id", state.currentSnapshotId());
    }
    snapshot.put("sequence-number", sequenceNumber);
    snapshot.put("timestamp-ms", System.currentTimeMillis());
    snapshot.put(
        "manifest-list", state.location() + "/metadata/snap-" + snapshotId + "-1-bench.avro");
    ObjectNode summary = snapshot.putObject("summary");
    summary.put("operation", "append");
    summary.put("added-data-files", "1");
    summary.put("added-records", "100");
    summary.put("added-files-size", "4096");
    snapshot.put("schema-id", 0);

    ObjectNode ref = updates.addObject();
    ref.put("action", "set-snapshot-ref");
    ref.put("ref-name", "main");
    ref.put("type", "branch");
    ref.put("snapshot-id", snapshotId);
    return body.toString();
  }

  static String abbreviate(String s, int max) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  /** A table of the tree dataset. */
  record TableRef(List<String> namespace, String name) {
    @Override
    public String toString() {
      return String.join(".", namespace) + "." + name;
    }
  }
}
