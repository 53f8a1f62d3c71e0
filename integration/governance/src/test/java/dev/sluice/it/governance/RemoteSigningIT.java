package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.WorkDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Spark with no S3 keys at all, against an S3Proxy whose keys only Sluice holds: every S3 request
 * goes through Sluice's per-table sign endpoint, which signs only what the caller may do to that
 * table, and only below the table's location. A platform engineer (zone admin of raw and silver)
 * creates, changes, time-travels and purges tables; the analyst engine reads curated data and not
 * raw; the ingest client writes raw without reading its rows; a revoked token stops signing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteSigningIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDERS = "silver.signed_orders";
  private static final String EVENTS = "raw.signed_events";

  private static GovernedLakehouse lake;
  private static SparkSession spark;
  private static String platformToken;
  private static String revocableToken;
  private static String revocableTokenId;
  private static long firstSnapshot;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve("remote-signing")
                .toAbsolutePath());
    for (String namespace : List.of("raw", "silver")) {
      HttpResponse<String> response =
          lake.send(
              "POST",
              "/v1/namespaces",
              lake.sluice().adminToken(),
              "{\"namespace\":[\"" + namespace + "\"],\"properties\":{}}");
      assertThat(response.statusCode()).as(response.body()).isIn(200, 409);
    }
    for (String table :
        List.of(
            "silver/tables/signed_orders",
            "silver/tables/signed_cities",
            "silver/tables/signed_mor",
            "raw/tables/signed_events")) {
      HttpResponse<String> response =
          lake.send(
              "DELETE",
              "/v1/namespaces/" + table + "?purgeRequested=true",
              lake.sluice().adminToken(),
              null);
      assertThat(response.statusCode()).as(response.body()).isIn(204, 404);
    }
    // a platform engineer: zone admin of raw and silver, so reads and writes both
    platformToken = issueToken("user:signing-platform", List.of("data-platform")).secret;
    Issued analyst = issueToken("user:signing-analyst", List.of("analysts"));
    revocableToken = analyst.secret;
    revocableTokenId = analyst.id;

    Map<String, String> catalogs = new LinkedHashMap<>();
    catalogs.putAll(ClientCatalogs.sparkSigned(lake, "platform", platformToken));
    catalogs.putAll(ClientCatalogs.sparkSigned(lake, "revocable", revocableToken));
    catalogs.putAll(ClientCatalogs.sparkSignedClient(lake, "analyst", "spark"));
    catalogs.putAll(ClientCatalogs.sparkSignedClient(lake, "ingest", "ingest"));
    assertThat(catalogs.keySet())
        .as("no catalog of this Spark holds an S3 key")
        .noneMatch(key -> key.contains("access-key") || key.contains("secret"));
    assertThat(catalogs.values())
        .doesNotContain(S3ProxyServer.SECRET_KEY, S3ProxyServer.ACCESS_KEY);
    spark =
        ClientSpark.start(
            workDir.resolve("spark"), catalogs, "[platform, revocable, analyst, ingest]");
  }

  @AfterAll
  static void tearDown() {
    ClientSpark.stop(spark);
  }

  @Test
  @Order(1)
  void theStoreRefusesAnyoneWithoutSluicesKeys() throws Exception {
    // the premise: S3Proxy checks signatures, so an engine without keys depends on Sluice
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(URI.create(lake.s3().endpoint() + "/lake/")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(403);
  }

  @Test
  @Order(2)
  void aKeylessSparkCreatesChangesAndTimeTravelsThroughSignedRequests() {
    sql(
        "CREATE TABLE platform."
            + ORDERS
            + " (order_id bigint, city string, amount decimal(10,2)) USING iceberg"
            + " PARTITIONED BY (city) TBLPROPERTIES ('format-version'='2')");
    sql(
        "INSERT INTO platform."
            + ORDERS
            + " VALUES (1, 'Lyon', 10.00), (2, 'Lille', 20.00), (3, 'Lyon', 30.00)");
    firstSnapshot = currentSnapshot("platform." + ORDERS);
    sql("INSERT INTO platform." + ORDERS + " VALUES (4, 'Nantes', 40.00), (5, 'Lille', 50.00)");
    // copy-on-write update, then merge-on-read delete and update
    sql("UPDATE platform." + ORDERS + " SET amount = amount + 1 WHERE order_id = 1");
    sql(
        "ALTER TABLE platform."
            + ORDERS
            + " SET TBLPROPERTIES ('write.delete.mode'='merge-on-read',"
            + " 'write.update.mode'='merge-on-read')");
    sql("DELETE FROM platform." + ORDERS + " WHERE order_id = 2");
    sql("UPDATE platform." + ORDERS + " SET city = 'Paris' WHERE order_id = 5");

    assertThat(rows("SELECT * FROM platform." + ORDERS + " ORDER BY order_id"))
        .containsExactly("1|Lyon|11.00", "3|Lyon|30.00", "4|Nantes|40.00", "5|Paris|50.00");
    assertThat(rows("SELECT count(*) FROM platform." + ORDERS + ".delete_files"))
        .as("merge-on-read left delete files")
        .isNotEqualTo(List.of("0"));
    assertThat(
            rows(
                "SELECT * FROM platform."
                    + ORDERS
                    + " VERSION AS OF "
                    + firstSnapshot
                    + " ORDER BY order_id"))
        .containsExactly("1|Lyon|10.00", "2|Lille|20.00", "3|Lyon|30.00");

    // CREATE TABLE AS SELECT stages the table: its files are written before it exists
    sql(
        "CREATE TABLE platform.silver.signed_cities USING iceberg AS SELECT city, count(*) AS orders"
            + " FROM platform."
            + ORDERS
            + " GROUP BY city");
    assertThat(rows("SELECT * FROM platform.silver.signed_cities ORDER BY city"))
        .containsExactly("Lyon|2", "Nantes|1", "Paris|1");
    sql("DROP TABLE platform.silver.signed_cities PURGE");

    sql("CREATE TABLE platform." + EVENTS + " (event_id bigint, kind string) USING iceberg");
    sql("INSERT INTO platform." + EVENTS + " VALUES (1, 'signup'), (2, 'login')");

    List<JsonNode> signed =
        decisions("table.sign", "user:signing-platform").stream()
            .filter(e -> e.path("decision").asText().equals("allow"))
            .toList();
    assertThat(signed)
        .as(
            "Sluice signed the engine's S3 requests; its last signing decisions: %s",
            lake.audit(Map.of("action", "table.sign")))
        .isNotEmpty();
    assertThat(signed.stream().map(e -> e.path("resource").asText()))
        .anyMatch(r -> r.contains(" PUT s3://lake/silver/"))
        .anyMatch(r -> r.contains(" GET s3://lake/silver/"));
  }

  @Test
  @Order(3)
  void theAnalystReadsCuratedRowsButNotRaw() throws Exception {
    assertThat(rows("SELECT order_id, city FROM analyst." + ORDERS + " ORDER BY order_id"))
        .containsExactly("1|Lyon", "3|Lyon", "4|Nantes", "5|Paris");
    Throwable raw = catchThrowable(() -> rows("SELECT * FROM analyst." + EVENTS));
    assertThat(raw).isNotNull();
    assertThat(EngineRows.causes(raw)).contains("Forbidden");

    // guessing a raw data file's path gets no signature, through either table
    String rawFile = firstDataFile(EVENTS);
    String analystToken = lake.clientToken("spark");
    HttpResponse<String> viaCurated =
        sign("silver", "signed_orders", analystToken, "GET", s3Uri(rawFile), Map.of());
    assertRefused(viaCurated, 403, "not below the location");
    HttpResponse<String> viaRaw =
        sign("raw", "signed_events", analystToken, "GET", s3Uri(rawFile), Map.of());
    assertRefused(viaRaw, 403, "client:spark");
    HttpResponse<String> legacy =
        send("/v1/aws/s3/sign", analystToken, signRequest("GET", s3Uri(rawFile), Map.of()));
    assertRefused(legacy, 403, "client:spark");
  }

  @Test
  @Order(4)
  void theIngestClientWritesRawWithoutReadingItsRowsAndCannotReachOtherTables() throws Exception {
    // appending reads the table's metadata tree only, which a writer may read
    sql("INSERT INTO ingest." + EVENTS + " VALUES (3, 'logout')");
    assertThat(rows("SELECT event_id FROM platform." + EVENTS + " ORDER BY event_id"))
        .containsExactly("1", "2", "3");
    Throwable read = catchThrowable(() -> rows("SELECT * FROM ingest." + EVENTS));
    assertThat(read).as("a writer gets no data file of raw").isNotNull();
    assertThat(EngineRows.causes(read)).contains("only its metadata");

    String curatedFile = firstDataFile(ORDERS);
    Path stored = lake.s3().objectsOf("lake", curatedFile.substring("s3://lake/".length()));
    byte[] before = Files.readAllBytes(stored);
    String ingestToken = lake.clientToken("ingest");
    HttpResponse<String> overwrite =
        sign("raw", "signed_events", ingestToken, "PUT", s3Uri(curatedFile), Map.of());
    assertRefused(overwrite, 403, "not below the location");
    HttpResponse<String> direct =
        sign("silver", "signed_orders", ingestToken, "PUT", s3Uri(curatedFile), Map.of());
    assertRefused(direct, 403, "client:ingest");
    assertThat(Files.readAllBytes(stored)).as("the curated file is untouched").isEqualTo(before);
  }

  @Test
  @Order(5)
  void badSignRequestsGetTheRight4xxAndNoSignature() throws Exception {
    String token = platformToken;
    String location = tableLocation("silver", "signed_orders");
    String inside = s3Uri(location + "/data/probe.parquet");
    // missing fields
    assertRefused(send(signPath("silver", "signed_orders"), token, "{}"), 400, "");
    assertRefused(
        send(signPath("silver", "signed_orders"), token, "{\"method\":\"GET\"}"), 400, "");
    // another bucket, another endpoint, another table
    assertRefused(
        sign(
            "silver", "signed_orders", token, "GET", inside.replace("/lake/", "/other/"), Map.of()),
        403,
        "not below the location");
    assertRefused(
        sign(
            "silver",
            "signed_orders",
            token,
            "GET",
            inside.replace(lake.s3().endpoint(), "http://127.0.0.1:1"),
            Map.of()),
        403,
        "S3 endpoint");
    assertRefused(
        sign("silver", "signed_orders", token, "GET", s3Uri(firstDataFile(EVENTS)), Map.of()),
        403,
        "not below the location");
    // an encoded walk up from the table into raw
    assertRefused(
        sign(
            "silver",
            "signed_orders",
            token,
            "GET",
            s3Uri(location + "/data/%2e%2e/%2e%2e/%2e%2e/raw/x"),
            Map.of()),
        400,
        "'..'");
    // operations Iceberg never performs, and headers that reach other objects
    assertRefused(
        sign("silver", "signed_orders", token, "GET", inside + "?acl", Map.of()), 403, "acl");
    assertRefused(
        sign("silver", "signed_orders", token, "GET", inside + "?versionId=1", Map.of()),
        403,
        "versionId");
    assertRefused(
        sign(
            "silver",
            "signed_orders",
            token,
            "PUT",
            inside,
            Map.of("x-amz-copy-source", List.of("/lake/raw/signed_events/data/x"))),
        403,
        "x-amz-copy-source");
    // a header that would split the request
    assertRefused(
        sign(
            "silver",
            "signed_orders",
            token,
            "GET",
            inside,
            Map.of("x-amz-meta-a", List.of("b\r\nx-amz-acl: public-read"))),
        400,
        "not a valid HTTP header");
    // a method the principal may not use, a table it may not see
    String analystToken = lake.clientToken("spark");
    assertRefused(sign("silver", "signed_orders", analystToken, "PUT", inside, Map.of()), 403, "");
    assertRefused(
        sign("silver", "signed_orders", analystToken, "DELETE", inside, Map.of()), 403, "");
    assertRefused(sign("restricted", "anything", analystToken, "GET", inside, Map.of()), 403, "");
    // no token at all
    assertRefused(sign("silver", "signed_orders", null, "GET", inside, Map.of()), 401, "");

    // and an allowed request gets a signature S3Proxy accepts
    HttpResponse<String> allowed =
        sign("silver", "signed_orders", token, "GET", s3Uri(firstDataFile(ORDERS)), Map.of());
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode answer = JSON.readTree(allowed.body());
    HttpRequest.Builder get = withSignedHeaders(answer.path("uri").asText(), answer);
    HttpResponse<byte[]> object =
        http.send(get.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(object.statusCode()).isEqualTo(200);
    assertThat(new String(object.body(), 0, 4)).isEqualTo("PAR1");
    // the same signature does not open another object
    HttpRequest.Builder other = withSignedHeaders(s3Uri(firstDataFile(EVENTS)), answer);
    assertThat(http.send(other.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(403);
    // clients before the per-table endpoint: the table is found by the object's location
    HttpResponse<String> legacy =
        send("/v1/aws/s3/sign", token, signRequest("HEAD", s3Uri(firstDataFile(ORDERS)), Map.of()));
    assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
    assertThat(legacy.body()).contains("AWS4-HMAC-SHA256");
    // a table that does not exist, for a caller who may write its name
    assertRefused(
        sign(
            "silver",
            "never_created",
            token,
            "GET",
            inside.replace("signed_orders", "never_created"),
            Map.of()),
        404,
        "does not exist");
  }

  @Test
  @Order(6)
  void theConfigAdvertisesSigningAndNoAnswerCarriesTheSecret() throws Exception {
    HttpResponse<String> config = lake.send("GET", "/v1/config", platformToken, null);
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.body())
        .contains("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign");

    String path = "/v1/namespaces/silver/tables/signed_orders";
    HttpResponse<String> loaded =
        lake.send(
            "GET",
            path,
            platformToken,
            null,
            Map.of("X-Iceberg-Access-Delegation", "remote-signing"));
    assertThat(loaded.statusCode()).isEqualTo(200);
    JsonNode tableConfig = JSON.readTree(loaded.body()).path("config");
    assertThat(tableConfig.path("s3.remote-signing-enabled").asText()).isEqualTo("true");
    assertThat(tableConfig.path("signer.endpoint").asText())
        .isEqualTo("v1/namespaces/silver/tables/signed_orders/sign");
    assertThat(loaded.body())
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .doesNotContain("secret-access-key");

    HttpResponse<String> refused =
        lake.send(
            "GET",
            path,
            platformToken,
            null,
            Map.of("X-Iceberg-Access-Delegation", "something-else"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("BadRequestException");
  }

  @Test
  @Order(7)
  void aRevokedTokenStopsSigning() throws Exception {
    assertThat(rows("SELECT count(*) FROM revocable." + ORDERS)).containsExactly("4");
    String file = s3Uri(firstDataFile(ORDERS));
    assertThat(sign("silver", "signed_orders", revocableToken, "GET", file, Map.of()).statusCode())
        .isEqualTo(200);
    HttpResponse<String> revoked =
        lake.send("DELETE", "/api/v1/tokens/" + revocableTokenId, lake.sluice().adminToken(), null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
    // a valid token is remembered for 5 s (README: API token cache)
    Thread.sleep(6_000);
    assertRefused(sign("silver", "signed_orders", revocableToken, "GET", file, Map.of()), 401, "");
    Throwable failure = catchThrowable(() -> rows("SELECT count(*) FROM revocable." + ORDERS));
    assertThat(failure).isNotNull();
    assertThat(EngineRows.causes(failure)).contains("Not authorized");
  }

  @Test
  @Order(8)
  void expiringSnapshotsDeletesThroughSignedRequestsAndDropPurges() throws Exception {
    String location = tableLocation("silver", "signed_orders");
    List<String> before = storedKeys(location);
    List<String> removed =
        rows(
            "CALL platform.system.expire_snapshots(table => '"
                + ORDERS
                + "', older_than => current_timestamp(), retain_last => 1)");
    assertThat(removed).hasSize(1);
    assertThat(storedKeys(location)).hasSizeLessThan(before.size());
    assertThat(rows("SELECT * FROM platform." + ORDERS + " ORDER BY order_id"))
        .containsExactly("1|Lyon|11.00", "3|Lyon|30.00", "4|Nantes|40.00", "5|Paris|50.00");

    // the server's own purge of a merge-on-read table: delete files and their manifests too
    sql(
        "CREATE TABLE platform.silver.signed_mor (id bigint, note string) USING iceberg"
            + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    // one data file, so that the delete leaves a delete file rather than dropping a whole file
    sql(
        "INSERT INTO platform.silver.signed_mor SELECT /*+ COALESCE(1) */ id, note"
            + " FROM VALUES (1, 'keep'), (2, 'drop') AS v(id, note)");
    sql("DELETE FROM platform.silver.signed_mor WHERE id = 2");
    assertThat(rows("SELECT count(*) FROM platform.silver.signed_mor.delete_files"))
        .containsExactly("1");
    String morLocation = tableLocation("silver", "signed_mor");
    HttpResponse<String> purged =
        lake.send(
            "DELETE",
            "/v1/namespaces/silver/tables/signed_mor?purgeRequested=true",
            platformToken,
            null);
    assertThat(purged.statusCode()).as(purged.body()).isEqualTo(204);
    JsonNode job = lake.awaitJob(purged.headers().firstValue("X-Sluice-Purge-Job").orElseThrow());
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
    assertThat(storedKeys(morLocation)).as("the purge job removed every file").isEmpty();

    sql("DROP TABLE platform." + ORDERS + " PURGE");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!storedKeys(location).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(storedKeys(location)).as("Spark's purge removed the table's files").isEmpty();
    // after the drop, writes are never signed for the dropped table; deletions are, for a while
    String inside = s3Uri(location + "/data/after-drop.parquet");
    assertRefused(
        sign("silver", "signed_orders", platformToken, "PUT", inside, Map.of()),
        403,
        "was dropped");
    assertThat(
            sign("silver", "signed_orders", platformToken, "DELETE", inside, Map.of()).statusCode())
        .isEqualTo(200);
    assertRefused(
        sign("silver", "signed_orders", lake.clientToken("spark"), "DELETE", inside, Map.of()),
        403,
        "client:spark");
  }

  // ---- helpers ----

  private static void sql(String statement) {
    Progress.say("spark: %s", statement);
    spark.sql(statement).collect();
  }

  private static List<String> rows(String query) {
    return EngineRows.spark(spark, query);
  }

  private static long currentSnapshot(String table) {
    return Long.parseLong(
        rows("SELECT snapshot_id FROM " + table + ".snapshots ORDER BY committed_at DESC LIMIT 1")
            .get(0));
  }

  private static String firstDataFile(String table) {
    return rows("SELECT file_path FROM platform." + table + ".data_files LIMIT 1").get(0);
  }

  private static String tableLocation(String namespace, String table) {
    return lake.tableLocation(namespace, table);
  }

  private static List<String> storedKeys(String location) throws Exception {
    Path root = lake.s3().objectsOf("lake", location.substring("s3://lake/".length()));
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }

  /** A request to {@code uri} with the headers of a sign answer (the client sets Host itself). */
  private static HttpRequest.Builder withSignedHeaders(String uri, JsonNode answer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri));
    answer
        .path("headers")
        .fields()
        .forEachRemaining(
            header -> {
              if (!header.getKey().equalsIgnoreCase("host")) {
                header.getValue().forEach(value -> request.header(header.getKey(), value.asText()));
              }
            });
    return request;
  }

  /** The path-style URI of an {@code s3://lake/...} location on S3Proxy. */
  private static String s3Uri(String location) {
    return lake.s3().endpoint() + "/" + location.substring("s3://".length());
  }

  private static String signPath(String namespace, String table) {
    return "/v1/namespaces/" + namespace + "/tables/" + table + "/sign";
  }

  private static HttpResponse<String> sign(
      String namespace,
      String table,
      String token,
      String method,
      String uri,
      Map<String, List<String>> headers)
      throws Exception {
    return send(signPath(namespace, table), token, signRequest(method, uri, headers));
  }

  private static String signRequest(String method, String uri, Map<String, List<String>> headers)
      throws Exception {
    ObjectNode request = JSON.createObjectNode();
    request.put("region", S3ProxyServer.REGION);
    request.put("method", method);
    request.put("uri", uri);
    ObjectNode headerNode = request.putObject("headers");
    headers.forEach(
        (name, values) -> {
          var array = headerNode.putArray(name);
          values.forEach(array::add);
        });
    request.putObject("properties");
    return JSON.writeValueAsString(request);
  }

  private static HttpResponse<String> send(String path, String token, String body) {
    return lake.send("POST", path, token, body);
  }

  private static void assertRefused(HttpResponse<String> response, int status, String because)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).doesNotContain("AWS4-HMAC-SHA256").doesNotContain("Signature=");
    if (status != 401) {
      JsonNode error = JSON.readTree(response.body()).path("error");
      assertThat(error.path("code").asInt()).isEqualTo(status);
      assertThat(error.path("type").asText()).isNotEmpty();
      assertThat(error.path("message").asText()).contains(because);
    }
  }

  private static List<JsonNode> decisions(String action, String principal) {
    List<JsonNode> rows = new ArrayList<>();
    lake.audit(Map.of("action", action, "principal", principal)).forEach(rows::add);
    return rows;
  }

  private record Issued(String secret, String id) {}

  private static Issued issueToken(String principal, List<String> groups) {
    String[] issued = lake.issueTokenAndId(principal, groups);
    return new Issued(issued[0], issued[1]);
  }
}
