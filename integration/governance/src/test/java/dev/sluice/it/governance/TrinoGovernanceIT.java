package dev.sluice.it.governance;

import static dev.sluice.it.governance.AuditRows.assertOnly;
import static dev.sluice.it.governance.AuditRows.decisions;
import static dev.sluice.it.governance.AuditRows.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.CertificateAuthority;
import dev.sluice.it.DecisionTls;
import dev.sluice.it.Progress;
import dev.sluice.it.TrinoEtc;
import dev.sluice.it.TrinoServer;
import dev.sluice.it.WorkDirs;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Column masks, row filters and their bypasses through one real Trino whose stock {@code opa}
 * access control asks Sluice's decision API over mutual TLS (the coordinator's client certificate
 * on Sluice's HTTPS port), with users and groups as Keycloak's realm has them (Trino's file group
 * provider mirrors the realm); and the callers that get no decision.
 *
 * <p>Trino reads through catalog {@code lake}, authenticated to Sluice as client {@code trino}: it
 * may load every table of raw, and the decision API decides what each Trino user sees of them. The
 * writer catalog {@code ingest} (client {@code ingest}, which writes zone raw) sets the table up.
 * Each test looks at the audit rows written since it began; the order of the tests is the order of
 * the story, with the second write (for time travel) last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrinoGovernanceIT {
  /** Where the example access control in deploy/trino expects Sluice's HTTPS port. */
  private static final String EXAMPLE_DECISIONS = "https://127.0.0.1:8443";

  /** The client TLS settings of Trino's opa plugin: airlift's HTTP client under its prefix. */
  private static final List<String> OPA_CLIENT_TLS =
      List.of(
          "opa.http-client.key-store-path",
          "opa.http-client.key-store-password",
          "opa.http-client.trust-store-path",
          "opa.http-client.trust-store-password");

  /** The four decision URIs of the opa plugin. */
  private static final List<String> OPA_URIS =
      List.of(
          "opa.policy.uri",
          "opa.policy.batched-uri",
          "opa.policy.row-filters-uri",
          "opa.policy.batch-column-masking-uri");

  private static final String LAKE = "lake";
  private static final String WRITER = "ingest";
  private static final String CUSTOMERS = "lake.raw.customers";
  private static final String SELECT_CONTACTS =
      "SELECT customer_id, name, phone FROM %s ORDER BY customer_id";

  /** customer_id|name|phone as the table holds them. */
  private static final List<String> RAW_CONTACTS =
      List.of(
          "c-1|Ada Martin|+33612345678",
          "c-2|Bo Lind|+46701234567",
          "c-3|Cy Young|+14155550199",
          "c-4|Di Okafor|+2348031112222");

  /** The same rows under the masks every reader outside privacy-office and support gets. */
  private static final List<String> MASKED_CONTACTS =
      List.of(
          "c-1|REDACTED|****5678",
          "c-2|REDACTED|****4567",
          "c-3|REDACTED|****0199",
          "c-4|REDACTED|****2222");

  /** The rows of the first write, as SQL. */
  private static final List<String> FIRST_ROWS =
      List.of(
          "('c-1', 'Ada Martin', '+33612345678', 'eu', 'granted', ARRAY['training', 'analytics'])",
          "('c-2', 'Bo Lind', '+46701234567', 'eu', 'withdrawn', ARRAY['training'])",
          "('c-3', 'Cy Young', '+14155550199', 'us', 'granted', ARRAY['analytics'])",
          "('c-4', 'Di Okafor', '+2348031112222', 'us', 'granted', ARRAY['training', 'support'])");

  /** Keycloak's service account of client ingest, which writes zone raw but may not read it. */
  private static final String WRITER_USER = "service-account-ingest";

  /**
   * The owner of the views: data-platform administers zone raw, so it may read the table a view
   * reads and create views beside it (through the writer catalog, whose client may write raw).
   */
  private static final String VIEW_OWNER = "dana";

  private static GovernedLakehouse lake;
  private static TrinoServer trino;
  private static long firstSnapshot;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve("trino-governance")
                .toAbsolutePath());
    // creating a namespace takes zone admin, which no engine client holds
    createNamespace("raw");
    for (String view : List.of("customers_invoker", "customers_definer")) {
      dropIfPresent("raw/views/" + view);
    }
    dropIfPresent("raw/tables/customers?purgeRequested=true");
    dropIfPresent("raw/tables/support_calls?purgeRequested=true");

    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put(LAKE, ClientCatalogs.trino(lake, "trino"));
    catalogs.put(WRITER, ClientCatalogs.trino(lake, "ingest"));
    // the example access control of deploy/trino, pointed at this Sluice's HTTPS port, with the
    // key stores made for this run: every decision travels over mutual TLS
    Map<String, String> accessControl = new LinkedHashMap<>();
    example("access-control.properties")
        .forEach((k, v) -> accessControl.put(k, v.replace(EXAMPLE_DECISIONS, lake.httpsUri())));
    TrinoEtc etc =
        new TrinoEtc()
            .accessControl(accessControl)
            .opaClientCertificate(lake.decisionTls().coordinator(), lake.decisionTls().trust())
            .groups(RealmGroups.members());
    if (Boolean.getBoolean("sluice.it.trino.log-decisions")) {
      // every question and answer of the plugin in trino.log
      etc.accessControlProperty("opa.log-requests", "true")
          .accessControlProperty("opa.log-responses", "true")
          .logLevel("io.trino.plugin.opa", "DEBUG");
    }
    trino = TrinoServer.start(workDir.resolve("trino"), catalogs, Map.of(), etc);

    Progress.say("creating raw.customers through Trino as service-account-ingest");
    update(WRITER_USER, "CREATE TABLE ingest.raw.customers AS " + rows(FIRST_ROWS));
    firstSnapshot = currentSnapshot();
  }

  @AfterAll
  static void tearDown() {
    if (trino != null) {
      trino.close();
    }
  }

  @Test
  @Order(1)
  void deployExamplesMatchTheRealmAndThisSetUp() throws Exception {
    List<String> groups =
        Files.readAllLines(deployTrino().resolve("groups.txt")).stream()
            .map(String::trim)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(groups).containsExactlyElementsOf(RealmGroups.groupFileLines());
    assertThat(example("group-provider.properties")).containsEntry("group-provider.name", "file");
    // the example catalog sets what this test's catalog sets, with placeholders for the values
    // that differ per installation
    Map<String, String> catalog = example("catalog/lake.properties");
    Map<String, String> tested = ClientCatalogs.trino(lake, "trino");
    assertThat(catalog).containsOnlyKeys(tested.keySet());
    for (String key :
        List.of(
            "connector.name",
            "iceberg.catalog.type",
            "iceberg.rest-catalog.warehouse",
            "iceberg.rest-catalog.security",
            "iceberg.rest-catalog.oauth2.scope",
            "fs.native-s3.enabled",
            "s3.path-style-access")) {
      assertThat(catalog.get(key)).as(key).isEqualTo(tested.get(key));
    }
    assertThat(catalog.get("iceberg.rest-catalog.oauth2.credential")).startsWith("trino:");
    // the example access control asks Sluice's HTTPS port with a client key store, which is all
    // this test replaces
    Map<String, String> accessControl = example("access-control.properties");
    assertThat(accessControl)
        .containsOnlyKeys(concat(List.of("access-control.name"), OPA_URIS, OPA_CLIENT_TLS));
    for (String uri : OPA_URIS) {
      assertThat(accessControl.get(uri)).as(uri).startsWith(EXAMPLE_DECISIONS + "/api/v1/trino/");
    }
  }

  @Test
  @Order(2)
  void analystsSeeRedactedNamesAndTheLastFourDigits() throws SQLException {
    Instant started = now();

    assertThat(query("alice", SELECT_CONTACTS.formatted(CUSTOMERS)))
        .containsExactlyElementsOf(MASKED_CONTACTS);

    List<JsonNode> selects =
        decisions(lake, "user:alice", "trino.SelectFromColumns", CUSTOMERS + "*", started);
    assertOnly("allow", selects);
    assertThat(selects)
        .anySatisfy(e -> assertThat(e.path("resource").asText()).startsWith(CUSTOMERS + " ["));
    List<JsonNode> masks = decisions(lake, "user:alice", "trino.GetColumnMask", CUSTOMERS, started);
    assertOnly("allow", masks);
    assertThat(masks.get(0).path("rule").asText()).contains("name: redact", "phone: last4");
  }

  @Test
  @Order(3)
  void privacyOfficeSeesTheRawValues() throws SQLException {
    Instant started = now();

    assertThat(query("priya", SELECT_CONTACTS.formatted(CUSTOMERS)))
        .containsExactlyElementsOf(RAW_CONTACTS);

    assertOnly(
        "allow",
        decisions(lake, "user:priya", "trino.SelectFromColumns", CUSTOMERS + "*", started));
    assertThat(decisions(lake, "user:priya", "trino.GetColumnMask", CUSTOMERS, started))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.path("rule").asText()).isEqualTo("no masks"));
  }

  @Test
  @Order(4)
  void supportSeesEuCustomersWithPhonesButNotNames() throws SQLException {
    Instant started = now();

    assertThat(query("sam", SELECT_CONTACTS.formatted(CUSTOMERS)))
        .containsExactly("c-1|REDACTED|+33612345678", "c-2|REDACTED|+46701234567");

    List<JsonNode> filters = decisions(lake, "user:sam", "trino.GetRowFilters", CUSTOMERS, started);
    assertOnly("allow", filters);
    assertThat(filters.get(0).path("rule").asText()).isEqualTo("region = 'eu'");
  }

  @Test
  @Order(5)
  void trainingPipelineSeesOnlyRowsConsentedForTraining() throws SQLException {
    Instant started = now();

    // c-2 withdrew consent, c-3 did not consent to training
    assertThat(query("service-account-training-pipeline", SELECT_CONTACTS.formatted(CUSTOMERS)))
        .containsExactly("c-1|REDACTED|****5678", "c-4|REDACTED|****2222");

    List<JsonNode> filters =
        decisions(lake, "client:training-pipeline", "trino.GetRowFilters", CUSTOMERS, started);
    assertOnly("allow", filters);
    assertThat(filters.get(0).path("rule").asText())
        .isEqualTo("\"consent_status\" = 'granted' AND contains(\"allowed_purposes\", 'training')");
  }

  @Test
  @Order(6)
  void strangersAreDenied() {
    Instant started = now();

    Throwable denied = catchThrowable(() -> query("nobody", SELECT_CONTACTS.formatted(CUSTOMERS)));
    assertThat(denied).isInstanceOf(SQLException.class).hasMessageContaining("Access Denied");

    List<JsonNode> selects =
        decisions(lake, "user:nobody", "trino.SelectFromColumns", CUSTOMERS + "*", started);
    assertOnly("deny", selects);
    assertThat(selects.get(0).path("rule").asText()).contains("no zone or grant gives user:nobody");
  }

  @Test
  @Order(7)
  void invokerViewsApplyTheReadersMasks() throws SQLException {
    Instant started = now();
    // a view reads as its creator does: a writer that may not read the table may not create one
    Throwable writerView =
        catchThrowable(
            () ->
                update(
                    WRITER_USER,
                    "CREATE VIEW ingest.raw.customers_invoker SECURITY INVOKER AS"
                        + " SELECT customer_id, name, phone FROM lake.raw.customers"));
    assertThat(writerView).isInstanceOf(SQLException.class).hasMessageContaining("Access Denied");
    assertOnly(
        "deny",
        decisions(lake, "client:ingest", "trino.SelectFromColumns", CUSTOMERS + "*", started));
    update(
        VIEW_OWNER,
        "CREATE VIEW ingest.raw.customers_invoker SECURITY INVOKER AS"
            + " SELECT customer_id, name, phone FROM lake.raw.customers");
    started = now();

    assertThat(query("alice", SELECT_CONTACTS.formatted("lake.raw.customers_invoker")))
        .containsExactlyElementsOf(MASKED_CONTACTS);
    assertThat(query("priya", SELECT_CONTACTS.formatted("lake.raw.customers_invoker")))
        .containsExactlyElementsOf(RAW_CONTACTS);

    assertOnly("allow", decisions(lake, "user:alice", "trino.GetColumnMask", CUSTOMERS, started));
  }

  @Test
  @Order(8)
  void definerViewsOverMaskedTablesAreRefused() throws SQLException {
    update(
        VIEW_OWNER,
        "CREATE VIEW ingest.raw.customers_definer SECURITY DEFINER AS"
            + " SELECT customer_id, name, phone FROM lake.raw.customers");
    Instant started = now();

    Throwable refused =
        catchThrowable(
            () -> query("alice", SELECT_CONTACTS.formatted("lake.raw.customers_definer")));
    assertThat(refused).isInstanceOf(SQLException.class).hasMessageContaining("Access Denied");

    // Trino asks whether the owner may expose the table through a view; Sluice says no
    List<JsonNode> checks =
        decisions(
            lake,
            "user:" + VIEW_OWNER,
            "trino.CreateViewWithSelectFromColumns",
            CUSTOMERS + "*",
            started);
    assertOnly("deny", checks);
    assertThat(checks.get(0).path("rule").asText())
        .contains("raw.customers has masks or row filters", "use SECURITY INVOKER");
  }

  @Test
  @Order(9)
  void hiddenColumnsAreNulledForMaskedReaders() throws SQLException {
    String sql = "SELECT \"$path\", \"$partition\", name FROM %s WHERE customer_id = 'c-1'";

    assertThat(query("alice", sql.formatted(CUSTOMERS))).containsExactly("null|null|REDACTED");
    List<String> priya = query("priya", sql.formatted(CUSTOMERS));
    assertThat(priya).hasSize(1);
    assertThat(priya.get(0)).startsWith("s3://lake/raw/").endsWith("|Ada Martin");
  }

  @Test
  @Order(10)
  void metadataTablesWithValuesAreRefusedToMaskedReaders() throws SQLException {
    Instant started = now();

    assertThat(query("alice", "SELECT snapshot_id FROM lake.raw.\"customers$snapshots\""))
        .containsExactly(String.valueOf(firstSnapshot));
    Throwable files =
        catchThrowable(() -> query("alice", "SELECT file_path FROM lake.raw.\"customers$files\""));
    assertThat(files).isInstanceOf(SQLException.class).hasMessageContaining("Access Denied");
    assertThat(query("priya", "SELECT sum(record_count) FROM lake.raw.\"customers$files\""))
        .containsExactly("4");

    List<JsonNode> denied =
        decisions(lake, "user:alice", "trino.SelectFromColumns", CUSTOMERS + "$files*", started);
    assertOnly("deny", denied);
    assertThat(denied.get(0).path("rule").asText()).contains("has masks or row filters");
  }

  @Test
  @Order(11)
  void timeTravelKeepsTheMasks() throws SQLException {
    // a writer that may not read gets no masks, so Trino lets it INSERT
    update(
        WRITER_USER,
        "INSERT INTO ingest.raw.customers VALUES"
            + " ('c-5', 'Eve Moreau', '+33798765432', 'eu', 'granted', ARRAY['analytics'])");
    long secondSnapshot = currentSnapshot();
    assertThat(secondSnapshot).isNotEqualTo(firstSnapshot);

    List<String> now = new ArrayList<>(MASKED_CONTACTS);
    now.add("c-5|REDACTED|****5432");
    assertThat(query("alice", SELECT_CONTACTS.formatted(CUSTOMERS))).containsExactlyElementsOf(now);
    assertThat(
            query(
                "alice",
                SELECT_CONTACTS.formatted(CUSTOMERS + " FOR VERSION AS OF " + firstSnapshot)))
        .containsExactlyElementsOf(MASKED_CONTACTS);
    assertThat(
            query(
                "alice",
                "SELECT snapshot_id FROM lake.raw.\"customers$snapshots\" ORDER BY committed_at"))
        .containsExactly(String.valueOf(firstSnapshot), String.valueOf(secondSnapshot));
  }

  @Test
  @Order(12)
  void decisionsAnswerOnlyTheCoordinatorsCertificate() throws Exception {
    Instant started = now();
    // a caller asking what priya, who sees raw values, may select
    String question =
        "{\"input\":{\"context\":{\"identity\":{\"user\":\"priya\",\"groups\":[\"privacy-office\"]}},"
            + "\"action\":{\"operation\":\"SelectFromColumns\",\"resource\":{\"table\":"
            + "{\"catalogName\":\"lake\",\"schemaName\":\"raw\",\"tableName\":\"customers\","
            + "\"columns\":[\"name\"]}}}}}";
    DecisionTls tls = lake.decisionTls();

    // plain HTTP on the catalog's port, where Trino's catalog and Spark are served
    HttpResponse<String> plain =
        ask(HttpClient.newHttpClient(), lake.catalogUri(), question, "plain-http");
    assertRefused(plain, "came over plain HTTP");
    // TLS without a client certificate
    HttpResponse<String> anonymous =
        ask(client(tls.trust().trustingContext()), lake.httpsUri(), question, "tls-no-cert");
    assertRefused(anonymous, "presented none");
    // a certificate of the trusted authority for another subject
    HttpResponse<String> other =
        ask(
            client(
                tls.authority()
                    .client("other-service", "CN=other-service")
                    .sslContext(tls.trust())),
            lake.httpsUri(),
            question,
            "other-subject");
    assertRefused(other, "sluice.trino.allowed-client-subjects");
    // the coordinator's subject from an authority Sluice does not trust: the handshake fails
    CertificateAuthority stranger =
        CertificateAuthority.create(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve("trino-governance")
                .resolve("stranger-ca")
                .toAbsolutePath(),
            "Stranger CA");
    SSLContext insisting =
        stranger.client("trino-coordinator", tls.coordinatorSubject()).presentingTo(tls.trust());
    Throwable handshake =
        catchThrowable(() -> ask(client(insisting), lake.httpsUri(), question, "stranger"));
    assertThat(handshake).isInstanceOf(SSLHandshakeException.class);

    // nothing was decided about priya; the refusals are audited under the caller they saw
    assertThat(decisions(lake, "user:priya", "trino.SelectFromColumns", "*", started)).isEmpty();
    List<JsonNode> refusals = decisions(lake, "anonymous", "trino.decision-api", "*", started);
    assertOnly("deny", refusals);
    assertThat(refusals).hasSize(2);
    assertOnly(
        "deny",
        decisions(lake, "certificate:CN=other-service", "trino.decision-api", "*", started));

    // on the catalog's endpoints the certificate is no credential; a token decides who calls
    HttpClient coordinator = client(tls.coordinator().sslContext(tls.trust()));
    assertThat(get(coordinator, lake.httpsUri() + "/v1/config", null).statusCode()).isEqualTo(401);
    HttpResponse<String> asTrino =
        get(coordinator, lake.httpsUri() + "/v1/config", lake.clientToken("trino"));
    assertThat(asTrino.statusCode()).as(asTrino.body()).isEqualTo(200);

    // while the coordinator's own questions, over the same port, are answered
    assertThat(query("priya", SELECT_CONTACTS.formatted(CUSTOMERS))).hasSize(5);
    assertOnly(
        "allow",
        decisions(lake, "user:priya", "trino.SelectFromColumns", CUSTOMERS + "*", started));
  }

  // ---- helpers ----

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A decision question as Trino's plugin would send it, to {@code root}'s allow endpoint. */
  private static HttpResponse<String> ask(
      HttpClient client, String root, String question, String requestId) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(root + "/api/v1/trino/allow"))
            .header("Content-Type", "application/json")
            .header("X-Request-Id", "refused-" + requestId)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(question))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient client, String uri, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** 403 with an Iceberg error body naming the rule, and no decision. */
  @Test
  @Order(13)
  void columnsNamedLikePersonalDataAreMaskedInUndeclaredTables() throws SQLException {
    // no dataset declares raw.support_calls; pii.direct's name rule "*_email" classifies a column
    update(
        WRITER_USER,
        "CREATE TABLE ingest.raw.support_calls AS SELECT CAST('call-1' AS varchar) AS call_id,"
            + " CAST('ann@example.com' AS varchar) AS caller_email, CAST('eu' AS varchar) AS region");
    Instant started = now();
    String select =
        "SELECT call_id || '|' || caller_email || '|' || region FROM lake.raw.support_calls";

    assertThat(query("alice", select)).containsExactly("call-1|REDACTED|eu");
    assertThat(query("priya", select)).containsExactly("call-1|ann@example.com|eu");
    List<JsonNode> masks =
        decisions(lake, "user:alice", "trino.GetColumnMask", "lake.raw.support_calls", started);
    assertOnly("allow", masks);
    assertThat(masks.get(0).path("rule").asText()).contains("caller_email: redact");
  }

  private static void assertRefused(HttpResponse<String> response, String rule) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    JsonNode body = GovernedLakehouse.json(response);
    assertThat(body.has("result")).as(response.body()).isFalse();
    assertThat(body.path("error").path("type").asText()).isEqualTo("ForbiddenException");
    assertThat(body.path("error").path("code").asInt()).isEqualTo(403);
    assertThat(body.path("error").path("message").asText()).contains(rule);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  private static Connection connect(String user) throws SQLException {
    Properties properties = new Properties();
    // Trino without authentication trusts the name; the group file gives the groups
    properties.setProperty("user", user);
    properties.setProperty("timezone", "UTC");
    return DriverManager.getConnection(trino.jdbcUrl(LAKE), properties);
  }

  private static List<String> query(String user, String sql) throws SQLException {
    try (Connection connection = connect(user)) {
      return EngineRows.trino(connection, sql);
    }
  }

  private static void update(String user, String sql) throws SQLException {
    try (Connection connection = connect(user)) {
      EngineRows.trinoUpdate(connection, sql);
    }
  }

  private static Path deployTrino() {
    return GovernedLakehouse.policies().getParent().resolve("trino");
  }

  /** A properties file of deploy/trino. */
  private static Map<String, String> example(String file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(deployTrino().resolve(file))) {
      properties.load(reader);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
    return values;
  }

  /** A query giving the rows as the table's columns, with unbounded types. */
  private static String rows(List<String> values) {
    return "SELECT CAST(customer_id AS varchar) AS customer_id, CAST(name AS varchar) AS name,"
        + " CAST(phone AS varchar) AS phone, CAST(region AS varchar) AS region,"
        + " CAST(consent_status AS varchar) AS consent_status,"
        + " CAST(allowed_purposes AS array(varchar)) AS allowed_purposes"
        + " FROM (VALUES "
        + String.join(", ", values)
        + ") AS t (customer_id, name, phone, region, consent_status, allowed_purposes)";
  }

  private static void createNamespace(String namespace) {
    HttpResponse<String> response =
        lake.send(
            "POST",
            "/v1/namespaces",
            lake.sluice().adminToken(),
            "{\"namespace\":[\"" + namespace + "\"],\"properties\":{}}");
    // 409: another test of this JVM created it already
    assertThat(response.statusCode()).as(response.body()).isIn(200, 409);
  }

  /** Drops what an earlier run of this JVM may have left, so that the rows here are exact. */
  private static void dropIfPresent(String path) {
    HttpResponse<String> response =
        lake.send("DELETE", "/v1/namespaces/" + path, lake.sluice().adminToken(), null);
    assertThat(response.statusCode()).as(response.body()).isIn(204, 404);
  }

  private static long currentSnapshot() {
    HttpResponse<String> response =
        lake.send("GET", "/v1/namespaces/raw/tables/customers", lake.sluice().adminToken(), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GovernedLakehouse.json(response).path("metadata").path("current-snapshot-id").asLong();
  }
}
